//! Two bundles over one app: every device loads the main one; managers and admins get the
//! manager bundle (the same app plus the manager-only screens: Team, hand-over, bulk moves),
//! built with the `manager` feature into `/manage/`. The 600 KB budget is the main bundle's:
//! salespeople's tablets never download the manager screens.
//!
//! The server chooses the page by a cookie (`huitou_bundle=manager`, a hint only: every call
//! is still authorised by the token). The main bundle sets it and reloads once when a manager
//! signs in; sign-out clears it.

use wasm_bindgen::JsCast;

/// True in the manager bundle.
pub const MANAGER: bool = cfg!(feature = "manager");

const COOKIE: &str = "huitou_bundle";
/// Set in this tab's sessionStorage once it reloaded for the manager bundle, so a server
/// without that bundle (`trunk serve`) does not reload forever.
const TRIED: &str = "huitou-bundle-tried";

fn set_cookie(value: &str) {
    if let Some(document) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    {
        let _ = document.set_cookie(value);
    }
}

/// Loads the manager bundle for a manager or admin signed in on the main one; true when the
/// page is reloading (the caller then does nothing more).
pub fn switch_for(role: huitou_shared::Role) -> bool {
    if MANAGER || !role.sees_everything() {
        return false;
    }
    let Some(window) = web_sys::window() else {
        return false;
    };
    let tab = window.session_storage().ok().flatten();
    if tab
        .as_ref()
        .is_some_and(|s| s.get_item(TRIED).ok().flatten().is_some())
    {
        return false;
    }
    if let Some(tab) = &tab {
        let _ = tab.set_item(TRIED, "1");
    }
    set_cookie(&format!(
        "{COOKIE}=manager; path=/; max-age=31536000; SameSite=Strict"
    ));
    window.location().reload().is_ok()
}

/// Forgets the choice (sign-out): the next page load is the main bundle.
pub fn forget() {
    set_cookie(&format!("{COOKIE}=; path=/; max-age=0; SameSite=Strict"));
    if let Some(tab) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = tab.remove_item(TRIED);
    }
}

/// After a sign-out in the manager bundle: reload, so the page is the main bundle again.
pub fn leave_manager_bundle() {
    if MANAGER && let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
