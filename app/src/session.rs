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
    /// The password was set by someone else: choose one before anything else.
    #[serde(default)]
    pub must_change_password: bool,
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
        crate::bundle::forget();
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

/// Claims a writer id for this tab. SYNC §2: two tabs must not stamp with the same device id, so
/// each tab holds a Web Lock on a numbered slot for as long as it lives; slot 0 writes as the
/// device id itself, slot n as `<device>-n`. Browsers without Web Locks get slot 0.
pub async fn claim_writer() -> DeviceId {
    let base = device_id();
    for slot in 0..32u32 {
        match try_lock(&format!("huitou-writer-{slot}")).await {
            Some(true) | None if slot == 0 => return base,
            Some(true) => {
                return DeviceId::parse(&format!("{base}-{slot}")).unwrap_or(base);
            }
            None => return base,
            Some(false) => continue,
        }
    }
    DeviceId::random()
}

/// `Some(true)` when this tab now holds `name` until it closes, `Some(false)` when another tab
/// holds it, `None` without Web Locks.
async fn try_lock(name: &str) -> Option<bool> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
    let request: js_sys::Function = js_sys::Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"ifAvailable".into(), &true.into()).ok()?;
    let (sender, receiver) = futures::channel::oneshot::channel::<bool>();
    let mut sender = Some(sender);
    let callback = Closure::<dyn FnMut(wasm_bindgen::JsValue) -> js_sys::Promise>::new(
        move |lock: wasm_bindgen::JsValue| {
            let acquired = !lock.is_null();
            if let Some(sender) = sender.take() {
                let _ = sender.send(acquired);
            }
            if acquired {
                // Never resolves: the lock is held until the tab goes away.
                js_sys::Promise::new(&mut |_, _| {})
            } else {
                js_sys::Promise::resolve(&wasm_bindgen::JsValue::UNDEFINED)
            }
        },
    );
    request
        .call3(
            &locks,
            &name.into(),
            &options,
            callback.as_ref().unchecked_ref(),
        )
        .ok()?;
    callback.forget();
    receiver.await.ok()
}

/// The writer's clock as last saved, so stamps stay monotonic across reloads.
pub fn load_clock(device: &DeviceId) -> Clock {
    match LocalStorage::get::<Clock>(format!("{CLOCK}.{device}")) {
        Ok(clock) if clock.device() == device => clock,
        _ => Clock::new(device.clone()),
    }
}

pub fn save_clock(clock: &Clock) {
    let _ = LocalStorage::set(format!("{CLOCK}.{}", clock.device()), clock);
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
