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

/// A table to export: column titles and rows of text, numbers or null. Lists in the main
/// bundle name it too (their export closures, never called there, cost nothing).
pub type Table = (Vec<String>, Vec<Vec<serde_json::Value>>);
