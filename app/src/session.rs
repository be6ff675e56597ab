//! Small settings kept in localStorage (gloo-storage): the signed-in session, this device's id and
//! clock, language and theme.

use gloo_storage::{LocalStorage, Storage as _};
use huitou_shared::api::User;
use huitou_shared::{Clock, DeviceId};
use serde::{Deserialize, Serialize};

const SESSION: &str = "huitou.session";
const DEVICE: &str = "huitou.device";
const CLOCK: &str = "huitou.clock";
const LOCALE: &str = "huitou.locale";
const THEME: &str = "huitou.theme";
const LAST_ORG: &str = "huitou.org";

/// Who is signed in on this device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub org: String,
    pub token: String,
    pub user: User,
}

impl Session {
    pub fn load() -> Option<Self> {
        LocalStorage::get(SESSION).ok()
    }

    pub fn save(&self) {
        let _ = LocalStorage::set(SESSION, self);
        let _ = LocalStorage::set(LAST_ORG, &self.org);
    }

    pub fn clear() {
        LocalStorage::delete(SESSION);
    }

    /// The IndexedDB database holding this user's replica: one per organisation and user,
    /// so two people sharing a tablet never see each other's data.
    pub fn database_name(&self) -> String {
        format!("huitou-{}-{}", self.org, self.user.id)
    }
}

pub fn last_org() -> Option<String> {
    LocalStorage::get(LAST_ORG).ok()
}

/// This device's writer id, made once and kept.
pub fn device_id() -> DeviceId {
    if let Ok(id) = LocalStorage::get::<DeviceId>(DEVICE) {
        return id;
    }
    let id = DeviceId::random();
    let _ = LocalStorage::set(DEVICE, &id);
    id
}

/// The device's clock as last saved, so stamps stay monotonic across reloads.
pub fn load_clock(device: &DeviceId) -> Clock {
    match LocalStorage::get::<Clock>(CLOCK) {
        Ok(clock) if clock.device() == device => clock,
        _ => Clock::new(device.clone()),
    }
}

pub fn save_clock(clock: &Clock) {
    let _ = LocalStorage::set(CLOCK, clock);
}

pub fn load_locale() -> Option<crate::i18n::Locale> {
    LocalStorage::get(LOCALE).ok()
}

pub fn save_locale(locale: crate::i18n::Locale) {
    let _ = LocalStorage::set(LOCALE, locale);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

pub fn load_theme() -> Theme {
    LocalStorage::get(THEME).unwrap_or_default()
}

pub fn save_theme(theme: Theme) {
    let _ = LocalStorage::set(THEME, theme);
}

/// Wall time in Unix milliseconds (`SystemTime` traps in the browser).
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
