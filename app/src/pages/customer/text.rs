//! How a customer's values, fields, authors and contact purposes read, in the user's language.

use crate::i18n::{I18n, Key, Locale};
use crate::profile_fields::{self};
use crate::replica::use_replica;
use huitou_shared::Hlc;
use huitou_shared::customer::{Birthday, Calendar};
use huitou_shared::merge::FieldState;
use leptos::prelude::*;
use serde_json::Value;

pub(super) fn gender_key(gender: &str) -> Option<Key> {
    match gender {
        "female" => Some(Key::Female),
        "male" => Some(Key::Male),
        "other" => Some(Key::OtherGender),
        _ => None,
    }
}

/// A birthday in both calendars when the year is known: "公历 1988-05-20 · 农历 戊辰年四月初五".
pub fn birthday_text(value: &Value, i18n: I18n) -> String {
    let Some(birthday) = Birthday::from_value(value) else {
        return String::new();
    };
    let (solar, lunar) = birthday.describe(i18n.locale.get_untracked() == Locale::ZhTw);
    let mut parts = Vec::new();
    if !solar.is_empty() {
        parts.push(format!("{} {solar}", i18n.t(Key::Solar)));
    }
    if let Some(lunar) = lunar {
        parts.push(format!("{} {lunar}", i18n.t(Key::Lunar)));
    }
    if birthday.calendar == Calendar::Lunar {
        parts.reverse();
    }
    parts.join(" · ")
}

/// A field value as the user reads it.
pub fn show_value(field: &str, value: &Value, i18n: I18n) -> String {
    match (field, value) {
        (_, Value::Null) => "—".to_owned(),
        ("gender", Value::String(g)) => gender_key(g)
            .map(|k| i18n.t(k).to_owned())
            .unwrap_or_else(|| g.clone()),
        ("birthday" | "anniversary:wedding" | "anniversary:founding", v) => birthday_text(v, i18n),
        ("tier_override", v) => {
            let tier = v
                .get("tier")
                .and_then(|t| serde_json::from_value(t.clone()).ok())
                .map(|t| i18n.t(crate::i18n::tier_key(t)).to_owned())
                .unwrap_or_default();
            let reason = v.get("reason").and_then(Value::as_str).unwrap_or_default();
            format!("{tier} · {reason}")
        }
        ("merged_into", Value::String(id)) => use_replica()
            .records
            .with_untracked(|r| r.customer_name(id)),
        (_, Value::String(s)) => profile_fields::choice_label(field, s)
            .map(|k| i18n.t(k).to_owned())
            .unwrap_or_else(|| s.clone()),
        (_, Value::Bool(true)) => "✓".to_owned(),
        (_, Value::Bool(false)) => "✗".to_owned(),
        (_, Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("、"),
        (_, other) => other.to_string(),
    }
}

pub fn field_label(field: &str, i18n: I18n) -> String {
    let key = match field {
        "name" => Some(Key::Name),
        "phone" => Some(Key::Phone),
        "gender" => Some(Key::Gender),
        "birthday" => Some(Key::Birthday),
        "anniversary:wedding" => Some(Key::WeddingAnniversary),
        "anniversary:founding" => Some(Key::FoundingAnniversary),
        "consent" => Some(Key::Consent),
        "shared" => Some(Key::SharedCustomer),
        "deleted" => Some(Key::Deleted),
        "tier_override" => Some(Key::OverrideTier),
        "merged_into" => Some(Key::MergedInto),
        other => profile_fields::all()
            .find(|s| s.field == other)
            .map(|s| s.label),
    };
    match (key, field.strip_prefix("tag:")) {
        (Some(key), _) => i18n.t(key).to_owned(),
        (None, Some(tag)) => format!("{} {tag}", i18n.t(Key::Tags)),
        (None, None) => field.to_owned(),
    }
}

/// When a value was written (from its clock) as RFC 3339, and the device that wrote it.
pub(super) fn written(state: &FieldState) -> (String, String) {
    match Hlc::parse(&state.hlc) {
        Ok(hlc) => {
            let when = js_sys::Date::new(&(hlc.millis as f64).into());
            (
                when.to_iso_string().as_string().unwrap_or_default(),
                hlc.device.to_string(),
            )
        }
        Err(_) => (String::new(), String::new()),
    }
}

pub(super) fn author_text(author: &str, i18n: I18n) -> String {
    let me = use_replica()
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()));
    if me.as_deref() == Some(author) {
        return i18n.t(Key::Me).to_owned();
    }
    match author {
        huitou_shared::customer::pool::POOL => return i18n.t(Key::InThePool).to_owned(),
        huitou_shared::api::SERVER_AUTHOR => return i18n.t(Key::Automatic).to_owned(),
        _ => {}
    }
    use_replica()
        .records
        .with_untracked(|r| r.person(author, i18n.t(Key::Left)))
}

/// A contact's purpose as the user reads it: planned tasks and templates by their label, typed text as typed.
pub(super) fn purpose_text(purpose: &str, i18n: I18n) -> String {
    use huitou_shared::retention::templates::TemplateKind;
    if let Some(kind) = TemplateKind::ALL.iter().find(|k| k.as_str() == purpose) {
        return crate::pages::message::kind_label(*kind, i18n).to_owned();
    }
    match purpose {
        "follow_up" | "birthday" | "win_back" | "thank_referrer" | "call_referred" => {
            crate::pages::today::task_label(purpose, i18n).to_owned()
        }
        other => other.to_owned(),
    }
}

pub fn channel_label(channel: &str, i18n: I18n) -> &'static str {
    i18n.t(match channel {
        "call" => Key::ChannelCall,
        "sms" => Key::ChannelSms,
        "wechat" => Key::ChannelWechat,
        "visit" => Key::ChannelVisit,
        "gift" => Key::ChannelGift,
        "event" => Key::ChannelEvent,
        _ => Key::OtherOccasion,
    })
}
