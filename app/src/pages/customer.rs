//! A customer's page: header with one-tap actions, profile, visits and field history.

use crate::i18n::{Key, Locale, date_time, money, use_i18n};
use crate::replica::use_replica;
use huitou_shared::merge::{FieldState, TrackedRecord};
use huitou_shared::{Hlc, Kind};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde_json::Value;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let customer = Memo::new(move |_| {
        replica
            .records
            .with(|r| r.get(Kind::CUSTOMER, &id()).cloned())
    });
    view! {
        <Show when=move || customer.with(Option::is_some) fallback=move || view! {
            <p class="empty">{move || i18n.t(Key::CustomerMissing)}</p>
        }>
            {move || customer.get().map(|c| view! { <Profile customer=c/> })}
        </Show>
    }
}

fn gender_key(gender: &str) -> Option<Key> {
    match gender {
        "female" => Some(Key::Female),
        "male" => Some(Key::Male),
        "other" => Some(Key::OtherGender),
        _ => None,
    }
}

fn birthday_text(value: &Value, i18n: crate::i18n::I18n) -> String {
    let part = |k: &str| value.get(k).and_then(Value::as_u64);
    let (Some(month), Some(day)) = (part("month"), part("day")) else {
        return String::new();
    };
    let lunar = value.get("calendar").and_then(Value::as_str) == Some("lunar");
    let leap = value.get("leap").and_then(Value::as_bool).unwrap_or(false);
    let calendar = i18n.t(if lunar { Key::Lunar } else { Key::Solar });
    let year = part("year").map(|y| format!("{y}-")).unwrap_or_default();
    let leap = if leap {
        format!(" {}", i18n.t(Key::LeapMonth))
    } else {
        String::new()
    };
    format!("{calendar} {year}{month:02}-{day:02}{leap}")
}

/// A field value as the user reads it.
fn show_value(field: &str, value: &Value, i18n: crate::i18n::I18n) -> String {
    match (field, value) {
        (_, Value::Null) => "—".to_owned(),
        ("gender", Value::String(g)) => gender_key(g)
            .map(|k| i18n.t(k).to_owned())
            .unwrap_or_else(|| g.clone()),
        ("birthday", v) => birthday_text(v, i18n),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Bool(true)) => "✓".to_owned(),
        (_, Value::Bool(false)) => "✗".to_owned(),
        (_, other) => other.to_string(),
    }
}

fn field_label(field: &str, i18n: crate::i18n::I18n) -> String {
    let key = match field {
        "name" => Some(Key::Name),
        "phone" => Some(Key::Phone),
        "gender" => Some(Key::Gender),
        "birthday" => Some(Key::Birthday),
        _ => None,
    };
    match (key, field.strip_prefix("tag:")) {
        (Some(key), _) => i18n.t(key).to_owned(),
        (None, Some(tag)) => format!("{} {tag}", i18n.t(Key::Tags)),
        (None, None) => field.to_owned(),
    }
}

/// Who wrote a value, when, from which device (the clock names the device).
fn provenance(state: &FieldState, locale: Locale) -> (String, String) {
    match Hlc::parse(&state.hlc) {
        Ok(hlc) => {
            let when = js_sys::Date::new(&(hlc.millis as f64).into());
            let iso = when.to_iso_string().as_string().unwrap_or_default();
            (date_time(&iso, locale), hlc.device.to_string())
        }
        Err(_) => (state.hlc.clone(), String::new()),
    }
}

#[component]
fn Profile(customer: TrackedRecord) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let id = customer.id.clone();
    let record = customer.record.clone();
    let name = record.text("name").unwrap_or_default().to_owned();
    let phone = record.text("phone").unwrap_or_default().to_owned();
    let tags: Vec<String> = record
        .members("tag")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let gender = record.text("gender").and_then(gender_key);
    let birthday = record.value("birthday").cloned();
    let visits = {
        let id = id.clone();
        Memo::new(move |_| {
            replica.records.with(|r| {
                let mut visits: Vec<TrackedRecord> = r
                    .children_of(Kind::VISIT, &id)
                    .filter(|v| !v.record.is_deleted())
                    .cloned()
                    .collect();
                visits.sort_by(|a, b| b.record.text("at").cmp(&a.record.text("at")));
                visits
            })
        })
    };
    let history = customer.overwritten.clone();
    let restore_id = id.clone();
    view! {
        <section class="page profile">
            <header class="profile-header card">
                <h1>{name.clone()}</h1>
                <div class="tags">{tags.into_iter().map(|t| view! { <span class="tag">{t}</span> }).collect_view()}</div>
                <div class="actions">
                    {(!phone.is_empty()).then(|| view! {
                        <a class="button" href=format!("tel:{phone}")>{move || i18n.t(Key::Call)}</a>
                    })}
                    <A href=format!("/visit/{id}") attr:class="button button-primary">{move || i18n.t(Key::LogVisit)}</A>
                    <A href=format!("/customers/{id}/edit") attr:class="button">{move || i18n.t(Key::EditCustomer)}</A>
                </div>
            </header>
            <section class="card">
                <h2>{move || i18n.t(Key::Profile)}</h2>
                <dl class="facts">
                    <dt>{move || i18n.t(Key::Phone)}</dt><dd>{phone.clone()}</dd>
                    <dt>{move || i18n.t(Key::Gender)}</dt><dd>{move || gender.map(|k| i18n.t(k)).unwrap_or(i18n.t(Key::Unspecified))}</dd>
                    <dt>{move || i18n.t(Key::Birthday)}</dt>
                    <dd>{move || birthday.as_ref().map(|b| birthday_text(b, i18n)).unwrap_or_default()}</dd>
                </dl>
            </section>
            <section class="card">
                <h2>{move || i18n.t(Key::Visits)}</h2>
                <Show when=move || !visits.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NoVisits)}</p> }>
                    <ul class="list" aria-label=move || i18n.t(Key::Visits)>
                        <For each=move || visits.get() key=|v| v.id.clone() let:visit>
                            <li class="list-item visit">
                                <span class="list-title">{
                                    let amount = visit.record.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
                                    move || money(amount, i18n.locale.get())
                                }</span>
                                <span class="list-sub">{
                                    let at = visit.record.text("at").unwrap_or_default().to_owned();
                                    move || date_time(&at, i18n.locale.get())
                                }</span>
                                <span class="list-sub">{
                                    let size = visit.record.value("party_size").and_then(Value::as_u64);
                                    move || size.map(|n| format!("{n} {}", i18n.t(Key::People))).unwrap_or_default()
                                }</span>
                                <span class="list-sub">{
                                    visit.record.value("items").and_then(Value::as_array).map(|items| {
                                        items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("、")
                                    }).unwrap_or_default()
                                }</span>
                                <span class="list-sub">{visit.record.text("note").unwrap_or_default().to_owned()}</span>
                            </li>
                        </For>
                    </ul>
                </Show>
            </section>
            <section class="card">
                <h2>{move || i18n.t(Key::FieldHistory)}</h2>
                {if history.is_empty() {
                    view! { <p class="muted">{move || i18n.t(Key::NoHistory)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="list history">
                            {history.into_iter().rev().map(|old| {
                                let (when, device) = provenance(&old.state, i18n.locale.get_untracked());
                                let field = old.field.clone();
                                let value = old.state.value.clone();
                                let shown = show_value(&field, &value, i18n);
                                let label = field_label(&field, i18n);
                                let restore_id = restore_id.clone();
                                let restore = move |_| {
                                    let (id, field, value) = (restore_id.clone(), field.clone(), value.clone());
                                    leptos::task::spawn_local(async move {
                                        if let Err(e) = replica.edit(Kind::CUSTOMER, &id, vec![(field, value)]).await {
                                            replica.storage_error.set(Some(e.to_string()));
                                        }
                                    });
                                };
                                view! {
                                    <li class="list-item">
                                        <span class="list-title">{label.clone()} ": " {shown.clone()}</span>
                                        <span class="list-sub">{move || i18n.t(Key::When)} " " {when} " · " {move || i18n.t(Key::FromDevice)} " " {device}</span>
                                        <button type="button" class="button" on:click=restore
                                            aria-label=move || format!("{} {}: {}", i18n.t(Key::Restore), label, shown)>
                                            {move || i18n.t(Key::Restore)}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </section>
    }
}
