//! Reusable views.

pub mod nav;
pub mod sync_badge;
