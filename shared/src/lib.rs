//! Huitou's shared core: the sync contract of `SYNC.md` as pure Rust, used by the app (wasm32) and the server.
//!
//! Nothing here does IO; every function is deterministic given its inputs, so the
//! browser and the server fold the same changes to the same state.

pub mod api;
pub mod customer;
pub mod hlc;
pub mod insights;
pub mod loyalty;
pub mod merge;
pub mod model;
pub mod retention;
pub mod service;
pub mod validate;
pub mod visits;

pub use hlc::{Clock, Hlc};
pub use merge::{Change, FieldState, Record, State, TrackedRecord};
pub use model::{DeviceId, Kind, Role};
