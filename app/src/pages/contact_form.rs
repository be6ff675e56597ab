//! Log a contact (PRODUCT §4): call, SMS, WeChat, visit, gift or event — purpose, outcome, next step.

use crate::components::form_actions::FormActions;
use crate::i18n::{Key, use_i18n};
use crate::replica::use_replica;
use huitou_shared::Kind;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use serde_json::Value;

pub const CHANNELS: [(&str, Key); 6] = [
    ("call", Key::ChannelCall),
    ("sms", Key::ChannelSms),
    ("wechat", Key::ChannelWechat),
    ("visit", Key::ChannelVisit),
    ("gift", Key::ChannelGift),
    ("event", Key::ChannelEvent),
];

#[component]
pub fn LogContact() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();
    let customer_id = move || params.with(|p| p.get("id").unwrap_or_default());
    let customer_name = move || replica.records.with(|r| r.customer_name(&customer_id()));
    let channel = RwSignal::new(
        query
            .with_untracked(|q| q.get("channel"))
            .filter(|c| CHANNELS.iter().any(|(v, _)| v == c))
            .unwrap_or_else(|| "call".to_owned()),
    );
    let purpose = RwSignal::new(String::new());
    let outcome = RwSignal::new(String::new());
    let next_step = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let when = RwSignal::new(String::new());
    let next_on = RwSignal::new(String::new());
    let next_kind = RwSignal::new("call".to_owned());
    let asked_referral = RwSignal::new(false);
    let error = RwSignal::new(None::<Key>);
    // A gentle "ask for a referral" for A and B customers, at most once a month (seed 001 Ⅶ).
    let org = crate::org::use_org();
    let ask_referral = move || {
        let today = chrono::Local::now().date_naive();
        let customer = customer_id();
        replica.records.with(|r| {
            org.with(|org| {
                let Some(summary) = crate::org::summary(r, &customer, today, org) else {
                    return false;
                };
                let contacts: Vec<&huitou_shared::Record> = r
                    .children_of(Kind::CONTACT, &customer)
                    .map(|c| &c.record)
                    .collect();
                huitou_shared::service::referral::ask_for_referral(summary.tier, &contacts, today)
            })
        })
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let at = match crate::components::when::when_rfc3339(&when.get_untracked()) {
            Ok(at) => at,
            Err(key) => {
                error.set(Some(key));
                return;
            }
        };
        let next_day = next_on.get_untracked();
        let next_day = if next_day.is_empty() {
            None
        } else {
            match chrono::NaiveDate::parse_from_str(&next_day, "%Y-%m-%d") {
                Ok(day) => Some(day),
                Err(_) => {
                    error.set(Some(Key::DueNeeded));
                    return;
                }
            }
        };
        let customer = customer_id();
        let staff = replica
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()))
            .unwrap_or_default();
        let mut fields = vec![
            ("customer_id".to_owned(), Value::String(customer.clone())),
            ("at".to_owned(), Value::String(at)),
            ("channel".to_owned(), Value::String(channel.get_untracked())),
            ("staff".to_owned(), Value::String(staff.clone())),
        ];
        if asked_referral.get_untracked() {
            fields.push(("asked_referral".to_owned(), Value::Bool(true)));
        }
        // The next step, with a day, becomes a task of its own (editable, reassignable).
        let task = next_day.map(|day| {
            let mut task = vec![
                ("customer_id".to_owned(), Value::String(customer.clone())),
                ("due".to_owned(), Value::String(day.to_string())),
                ("kind".to_owned(), Value::String(next_kind.get_untracked())),
                ("status".to_owned(), Value::String("open".to_owned())),
                ("owner".to_owned(), Value::String(staff.clone())),
            ];
            let text = next_step.get_untracked().trim().to_owned();
            if !text.is_empty() {
                task.push(("note".to_owned(), Value::String(text)));
            }
            task
        });
        for (field, signal) in [
            ("purpose", purpose),
            ("outcome", outcome),
            ("next_step", next_step),
            ("note", note),
        ] {
            let text = signal.get_untracked().trim().to_owned();
            if !text.is_empty() {
                fields.push((field.to_owned(), Value::String(text)));
            }
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if let Err(e) = replica
                .edit(Kind::CONTACT, &huitou_shared::model::new_id(), fields)
                .await
            {
                replica.storage_error.set(Some(e.to_string()));
                return;
            }
            if let Some(task) = task
                && let Err(e) = replica
                    .edit(Kind::TASK, &huitou_shared::model::new_id(), task)
                    .await
            {
                replica.storage_error.set(Some(e.to_string()));
                return;
            }
            navigate(&format!("/customers/{customer}"), Default::default());
        });
    };
    let text = move |key: Key, name: &'static str, signal: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{i18n.t(key)}</span>
                <input type="text" name=name prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <section class="page">
            <h1>{i18n.t(Key::LogContact)} " · " {customer_name}</h1>
            <form class="card form" on:submit=save novalidate>
                <fieldset class="field">
                    <legend>{i18n.t(Key::Channel)}</legend>
                    <div class="choices">
                        {CHANNELS.into_iter().map(|(value, key)| view! {
                            <label class="choice">
                                <input type="radio" name="channel" value=value prop:checked=move || channel.get() == value
                                    on:change=move |_| channel.set(value.to_owned())/>
                                <span>{i18n.t(key)}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
                {text(Key::Purpose, "purpose", purpose)}
                {text(Key::Outcome, "outcome", outcome)}
                {text(Key::NextStep, "next_step", next_step)}
                <div class="grid-2">
                    <crate::components::fields::DateField label=Key::NextStepOn name="next_on" value=next_on/>
                    <label class="field">
                        <span>{i18n.t(Key::TaskKindLabel)}</span>
                        <select name="next_kind" on:change=move |ev| next_kind.set(event_target_value(&ev))>
                            {crate::pages::service::HAND_KINDS.into_iter().map(|(value, key)| view! {
                                <option value=value selected=move || next_kind.get() == value>{i18n.t(key)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                <label class="field">
                    <span>{i18n.t(Key::Note)}</span>
                    <textarea name="note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </label>
                <crate::components::when::WhenField value=when/>
                <Show when=ask_referral>
                    <div class="banner" role="note">
                        <p>{i18n.t(Key::AskReferralPrompt)}</p>
                        <label class="choice">
                            <input type="checkbox" name="asked_referral" prop:checked=move || asked_referral.get()
                                on:change=move |ev| asked_referral.set(event_target_checked(&ev))/>
                            <span>{i18n.t(Key::AskedReferral)}</span>
                        </label>
                    </div>
                </Show>
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
                </Show>
                <FormActions/>
            </form>
        </section>
    }
}
