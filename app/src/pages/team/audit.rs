//! The organisation's audit log on the Team screen (PRODUCT §10): newest first, 50 lines at a
//! time, filtered by person, action and dates, and exported as the CSV file the server makes
//! (`GET /api/v1/audit/export`, itself audited).

use super::call;
use crate::i18n::{Key, MKey, Word, date_time, use_i18n};
use crate::replica::use_replica;
use gloo_net::http::Method;
use huitou_shared::api::{AuditLine, AuditPage, Member};
use leptos::prelude::*;

/// The audit log's actions, in the order the filter lists them, with their labels.
const AUDIT_ACTIONS: [(&str, Word); 19] = [
    ("sign_in", Word::Key(Key::AuditSignIn)),
    ("sign_in_failed", Word::Key(Key::AuditSignInFailed)),
    ("sign_in_refused", Word::Key(Key::AuditSignInRefused)),
    ("user_created", Word::Key(Key::AuditUserCreated)),
    ("user_changed", Word::Key(Key::AuditUserChanged)),
    ("password_reset", Word::Key(Key::AuditPasswordReset)),
    ("password_changed", Word::Key(Key::AuditPasswordChanged)),
    ("user_disabled", Word::Key(Key::AuditUserDisabled)),
    ("device_revoked", Word::Key(Key::AuditDeviceRevoked)),
    ("review_applied", Word::Key(Key::AuditReviewApplied)),
    ("review_discarded", Word::Key(Key::AuditReviewDiscarded)),
    ("pool_released", Word::Key(Key::AuditPoolReleased)),
    ("pool_claimed", Word::Key(Key::AuditPoolClaimed)),
    ("customers_moved", Word::Key(Key::AuditCustomersMoved)),
    ("handed_over", Word::Key(Key::AuditHandedOver)),
    ("customer_erased", Word::Key(Key::AuditCustomerErased)),
    ("audit_exported", Word::Key(Key::AuditExported)),
    ("exported", Word::Manager(MKey::AuditTableExported)),
    ("imported", Word::Manager(MKey::AuditImported)),
];

/// The filters as query parameters: the person, the action, and the manager's own dates as
/// instants (`from` the chosen day's local midnight, `to` the next day's), so "today" means
/// their today.
fn query(actor: &str, action: &str, from: &str, to: &str) -> String {
    let mut query = String::new();
    let mut add = |name: &str, value: &str| {
        if !value.is_empty() {
            query.push_str(&format!("&{name}={}", js_sys::encode_uri_component(value)));
        }
    };
    add("actor", actor);
    add("action", action);
    add("from", &local_midnight(from, 0).unwrap_or_default());
    add("to", &local_midnight(to, 1).unwrap_or_default());
    query
}

/// The instant of local midnight `days` after the date `yyyy-mm-dd`.
fn local_midnight(date: &str, days: u32) -> Option<String> {
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let midnight = (day + chrono::Days::new(days.into())).and_hms_opt(0, 0, 0)?;
    let local = midnight.and_local_timezone(chrono::Local).earliest()?;
    Some(
        local
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
}

#[component]
pub(super) fn AuditLog(
    /// The organisation's people, for the person filter.
    members: RwSignal<Option<Vec<Member>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let lines = RwSignal::new(Vec::<AuditLine>::new());
    let next = RwSignal::new(None::<i64>);
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<Key>);
    let exported = RwSignal::new(false);
    let filters = move || {
        query(
            &actor.get_untracked(),
            &action.get_untracked(),
            &from.get_untracked(),
            &to.get_untracked(),
        )
    };
    let load = move |before: Option<i64>| {
        let mut path = String::from("/api/v1/audit?limit=50");
        if let Some(before) = before {
            path.push_str(&format!("&before={before}"));
        }
        path.push_str(&filters());
        leptos::task::spawn_local(async move {
            match call::<AuditPage>(replica, Method::GET, &path, None).await {
                Ok(Some(page)) => {
                    failure.set(None);
                    lines.update(|l| {
                        if before.is_none() {
                            l.clear();
                        }
                        l.extend(page.entries);
                    });
                    next.set(page.next);
                }
                Ok(None) => {}
                Err(key) => failure.set(Some(key)),
            }
        });
    };
    load(None);
    let export = move |_| {
        let path = format!("/api/v1/audit/export?{}", filters().trim_start_matches('&'));
        exported.set(false);
        leptos::task::spawn_local(async move {
            match crate::components::export::fetch_file(replica, &path, None).await {
                Ok(()) => {
                    failure.set(None);
                    exported.set(true);
                    load(None);
                }
                Err(key) => failure.set(Some(key)),
            }
        });
    };
    // Who acted (nobody: the server's own jobs), and whom it was about (a user or a customer).
    let name = move |id: &Option<String>| match id.as_deref() {
        None => i18n.t(Key::Automatic).to_owned(),
        Some(id) => replica.records.with(|r| {
            let customer = r.customer_name(id);
            if customer.is_empty() {
                r.person(id, i18n.t(Key::Left))
            } else {
                customer
            }
        }),
    };
    let label = move |action: &str| {
        AUDIT_ACTIONS
            .iter()
            .find(|(a, _)| *a == action)
            .map_or_else(|| action.to_owned(), |(_, key)| i18n.t(*key).to_owned())
    };
    let date_field = move |key: Key, name: &'static str, value: RwSignal<String>| {
        view! {
            <label class="field field-inline">
                <span>{move || i18n.t(key)}</span>
                <input type="date" name=name prop:value=move || value.get()
                    on:change=move |ev| { value.set(event_target_value(&ev)); load(None); }/>
            </label>
        }
    };
    view! {
        <section class="card audit">
            <h2>{move || i18n.t(Key::AuditLog)}</h2>
            {move || failure.get().map(|key| view! { <p class="banner banner-error" role="alert">{i18n.t(key)}</p> })}
            <div class="filters">
                <label class="field field-inline">
                    <span>{move || i18n.t(Key::FilterPerson)}</span>
                    <select name="audit_actor" on:change=move |ev| { actor.set(event_target_value(&ev)); load(None); }>
                        <option value="">{move || i18n.t(Key::All)}</option>
                        {move || members.get().unwrap_or_default().into_iter().map(|m| {
                            let id = m.id.clone();
                            view! { <option value=m.id.clone() selected=move || actor.get() == id>{m.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field field-inline">
                    <span>{move || i18n.t(Key::FilterAction)}</span>
                    <select name="audit_action" on:change=move |ev| { action.set(event_target_value(&ev)); load(None); }>
                        <option value="">{move || i18n.t(Key::All)}</option>
                        {AUDIT_ACTIONS.iter().map(|(value, key)| view! {
                            <option value=*value selected=move || action.get() == *value>{move || i18n.t(*key)}</option>
                        }).collect_view()}
                    </select>
                </label>
                {date_field(Key::AuditFrom, "audit_from", from)}
                {date_field(Key::AuditTo, "audit_to", to)}
                <button type="button" class="button" on:click=export>{move || i18n.t(Key::ExportCsv)}</button>
            </div>
            <Show when=move || exported.get()>
                <p role="status">{move || i18n.t(Key::AuditExportedNote)}</p>
            </Show>
            <Show when=move || !lines.with(Vec::is_empty) fallback=move || view! { <p class="empty">{i18n.t(Key::NoAuditLines)}</p> }>
                <ul class="list" aria-label=move || i18n.t(Key::AuditLog)>
                    {move || lines.get().into_iter().map(|line| {
                        let at = line.at.clone();
                        // Moves and hand-overs say how many customers.
                        let count = matches!(line.action.as_str(), "customers_moved" | "handed_over")
                            .then(|| line.detail.get("count").and_then(serde_json::Value::as_u64))
                            .flatten();
                        view! {
                            <li class="list-item">
                                <span class="list-title">{name(&line.actor)} " · " {label(&line.action)}
                                    {line.subject.as_ref().map(|_| view! { " · " {name(&line.subject)} })}
                                    {count.map(|n| view! { " · " {move || i18n.t(Key::AuditCount).replace("{n}", &n.to_string())} })}
                                </span>
                                <span class="list-sub">{move || date_time(&at, i18n.locale.get())}
                                    {line.device.clone().map(|d| view! { " · " {d} })}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <Show when=move || next.get().is_some()>
                <button type="button" class="button" on:click=move |_| load(next.get_untracked())>{move || i18n.t(Key::ShowOlder)}</button>
            </Show>
        </section>
    }
}
