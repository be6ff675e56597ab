//! "When" on the visit and contact forms: now unless the user picks an earlier time (a
//! salesperson catching up at night). The event's own time is what they picked; the stamp of
//! the edit stays "now" (the device clock stamps every change).

use crate::i18n::{Key, use_i18n};
use crate::pages::customer_form::now_rfc3339;
use chrono::{Local, NaiveDateTime, TimeZone};
use leptos::prelude::*;

/// The `at` to write for the field's text (`YYYY-MM-DDTHH:MM`, empty for now), in the device's
/// time zone; a time more than five minutes ahead is refused.
pub fn when_rfc3339(value: &str) -> Result<String, Key> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(now_rfc3339());
    }
    let parsed = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| Key::WhenInvalid)?;
    let at = Local
        .from_local_datetime(&parsed)
        .earliest()
        .ok_or(Key::WhenInvalid)?;
    if at > Local::now() + chrono::Duration::minutes(5) {
        return Err(Key::WhenInFuture);
    }
    Ok(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
}

#[component]
pub fn WhenField(value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let max = Local::now().format("%Y-%m-%dT%H:%M").to_string();
    view! {
        <label class="field">
            <span>{move || i18n.t(Key::When)}</span>
            <input type="datetime-local" name="when" max=max prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                        on:change=move |ev| value.set(event_target_value(&ev))/>
            <span class="list-sub">{move || i18n.t(Key::WhenHelp)}</span>
        </label>
    }
}
