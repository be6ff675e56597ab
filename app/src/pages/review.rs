//! The review of refused changes (PRODUCT §10, issue 10), for managers: every change the
//! server refused — who, from which device, when, the change in words ("李销售 tried to change
//! 王小明's phone to 139…"), and why — with **Apply** (the server takes it through the merge
//! rule as the manager's change) or **Discard** with a reason. Talks to `/api/v1/review`, so it
//! needs a connection, like the Team screen.

use crate::i18n::{Key, date_time, use_i18n};
use crate::pages::customer::{field_label, show_value};
use crate::pages::team::call;
use crate::replica::{Records, use_replica};
use gloo_net::http::Method;
use huitou_shared::Kind;
use huitou_shared::api::{Discard, Review as ReviewList, ReviewItem};
use leptos::prelude::*;

/// "王小明" for a customer's field; "王小明 · Visits" for a field of a customer's record.
fn target(records: &Records, kind: &str, id: &str, i18n: crate::i18n::I18n) -> String {
    let customer_name = |customer: &str| {
        records
            .get(Kind::CUSTOMER, customer)
            .and_then(|c| c.record.text("name"))
            .map(str::to_owned)
    };
    if kind == Kind::CUSTOMER {
        return customer_name(id).unwrap_or_else(|| i18n.t(Key::UnknownCustomer).to_owned());
    }
    let kind_label = match kind {
        Kind::VISIT => i18n.t(Key::Visits).to_owned(),
        Kind::CONTACT => i18n.t(Key::Contacts).to_owned(),
        Kind::TASK => i18n.t(Key::KindTask).to_owned(),
        Kind::FAMILY => i18n.t(Key::KindFamily).to_owned(),
        Kind::COMPLAINT => i18n.t(Key::KindComplaint).to_owned(),
        Kind::SUGGESTION => i18n.t(Key::KindSuggestion).to_owned(),
        Kind::REFERRAL => i18n.t(Key::KindReferral).to_owned(),
        Kind::HANDOVER => i18n.t(Key::HandedOverNote).to_owned(),
        other => other.to_owned(),
    };
    let owner = records
        .get(kind, id)
        .and_then(|r| r.record.text("customer_id"))
        .and_then(customer_name);
    match owner {
        Some(name) => format!("{name} · {kind_label}"),
        None => kind_label,
    }
}

/// The change in words, in the user's language.
fn words(item: &ReviewItem, records: &Records, i18n: crate::i18n::I18n) -> String {
    let text = |key: &str| {
        item.change
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
    };
    let value = item.change.get("value").cloned().unwrap_or_default();
    i18n.t(Key::ReviewWords)
        .replace("{who}", &records.person(&item.user_id, i18n.t(Key::Left)))
        .replace("{target}", &target(records, text("kind"), text("id"), i18n))
        .replace("{field}", &field_label(text("field"), i18n))
        .replace("{value}", &show_value(text("field"), &value, i18n))
}

#[component]
pub fn Review() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let items = RwSignal::new(None::<Vec<ReviewItem>>);
    let failure = RwSignal::new(None::<Key>);
    let done = RwSignal::new(None::<Key>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match call::<ReviewList>(replica, Method::GET, "/api/v1/review", None).await {
                Ok(list) => items.set(Some(list.map(|l| l.items).unwrap_or_default())),
                Err(key) => failure.set(Some(key)),
            }
        });
    };
    reload();
    view! {
        <section class="page review">
            <h1>{move || i18n.t(Key::ReviewRefused)}</h1>
            <p class="muted">{move || i18n.t(Key::ReviewHelp)}</p>
            {move || failure.get().map(|key| view! { <p class="banner banner-error" role="alert">{i18n.t(key)}</p> })}
            {move || done.get().map(|key| view! { <p class="banner" role="status">{i18n.t(key)}</p> })}
            <Show when=move || items.with(Option::is_some) fallback=move || view! { <p class="muted">{i18n.t(Key::Loading)}</p> }>
                <Show when=move || items.with(|i| i.as_ref().is_some_and(|i| !i.is_empty())) fallback=move || view! { <p class="empty">{i18n.t(Key::NothingToReview)}</p> }>
                    <ul class="list" aria-label=move || i18n.t(Key::ReviewRefused)>
                        {move || items.get().unwrap_or_default().into_iter().map(|item| {
                            view! { <ReviewRow item failure done reload/> }
                        }).collect_view()}
                    </ul>
                </Show>
            </Show>
        </section>
    }
}

#[component]
fn ReviewRow(
    item: ReviewItem,
    failure: RwSignal<Option<Key>>,
    done: RwSignal<Option<Key>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let said = Memo::new({
        let item = item.clone();
        move |_| replica.records.with(|r| words(&item, r, i18n))
    });
    // Erased changes are never quarantined (the server drops them); read like a refusal all the same.
    let why = crate::pages::customer::membership::refusal_key(item.code);
    let discarding = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let id = item.id;
    let decide = move |path: String, body: serde_json::Value, after: Key| {
        leptos::task::spawn_local(async move {
            match call::<serde_json::Value>(replica, Method::POST, &path, Some(body)).await {
                Ok(_) => {
                    failure.set(None);
                    done.set(Some(after));
                    reload();
                }
                Err(key) => failure.set(Some(key)),
            }
        });
    };
    let at = item.at.clone();
    view! {
        <li class="list-item review-item">
            <span class="list-title">{move || said.get()}</span>
            <span class="list-sub">
                {move || date_time(&at, i18n.locale.get())} " · " {item.device.clone()} " · "
                {move || i18n.t(why)}
            </span>
            <span class="list-sub muted">{item.message.clone()}</span>
            <div class="actions">
                <button type="button" class="button button-primary"
                    aria-label=move || format!("{}: {}", i18n.t(Key::ApplyChange), said.get())
                    on:click=move |_| decide(format!("/api/v1/review/{id}/apply"), serde_json::json!({}), Key::ChangeApplied)>
                    {move || i18n.t(Key::ApplyChange)}
                </button>
                <button type="button" class="button"
                    aria-label=move || format!("{}: {}", i18n.t(Key::DiscardChange), said.get())
                    on:click=move |_| discarding.set(true)>
                    {move || i18n.t(Key::DiscardChange)}
                </button>
            </div>
            <Show when=move || discarding.get()>
                <form class="inline-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let body = serde_json::to_value(Discard { reason: reason.get_untracked() }).unwrap_or_default();
                    decide(format!("/api/v1/review/{id}/discard"), body, Key::ChangeDiscarded);
                }>
                    <label class="field"><span>{move || i18n.t(Key::DiscardReason)}</span>
                        <input type="text" name="discard-reason" required maxlength="500"
                            prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                    </label>
                    <div class="actions">
                        <button type="submit" class="button button-danger">{move || i18n.t(Key::ConfirmDiscard)}</button>
                        <button type="button" class="button" on:click=move |_| discarding.set(false)>{move || i18n.t(Key::Cancel)}</button>
                    </div>
                </form>
            </Show>
        </li>
    }
}
