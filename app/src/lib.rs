//! Huitou web app: Leptos CSR over an IndexedDB replica that works fully offline.
//!
//! Data flow: a tap → [`replica::Replica::edit`] → IndexedDB (records + outbox, one transaction,
//! [`storage`]) → [`sync`] pushes the outbox and pulls other devices' changes through the
//! merge rule of `huitou_shared::merge`.

pub mod app;
pub mod bundle;
pub mod components;
pub mod derived;
pub mod i18n;
pub mod org;
pub mod pages;
pub mod planner;
pub mod profile_fields;
pub mod replica;
pub mod session;
pub mod sort;
pub mod storage;
pub mod sync;

/// Mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
