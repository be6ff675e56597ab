//! Reusable views.

#[cfg(feature = "manager")]
pub mod charts;
#[cfg(feature = "manager")]
pub mod export;
pub mod fields;
pub mod form_actions;
pub mod nav;
pub mod sync_badge;
pub mod when;
