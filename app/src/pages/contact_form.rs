//! Log a contact (PRODUCT §4): call, SMS, WeChat, visit, gift or event — purpose, outcome, next step.

use crate::components::form_actions::FormActions;
use crate::i18n::{Key, use_i18n};
use crate::pages::customer_form::now_rfc3339;
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

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let customer = customer_id();
        let staff = replica
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()))
            .unwrap_or_default();
        let mut fields = vec![
            ("customer_id".to_owned(), Value::String(customer.clone())),
            ("at".to_owned(), Value::String(now_rfc3339())),
            ("channel".to_owned(), Value::String(channel.get_untracked())),
            ("staff".to_owned(), Value::String(staff)),
        ];
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
            match replica
                .edit(Kind::CONTACT, &huitou_shared::model::new_id(), fields)
                .await
            {
                Ok(()) => navigate(&format!("/customers/{customer}"), Default::default()),
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
        });
    };
    let text = move |key: Key, name: &'static str, signal: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{move || i18n.t(key)}</span>
                <input type="text" name=name prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::LogContact)} " · " {customer_name}</h1>
            <form class="card form" on:submit=save novalidate>
                <fieldset class="field">
                    <legend>{move || i18n.t(Key::Channel)}</legend>
                    <div class="choices">
                        {CHANNELS.into_iter().map(|(value, key)| view! {
                            <label class="choice">
                                <input type="radio" name="channel" value=value prop:checked=move || channel.get() == value
                                    on:change=move |_| channel.set(value.to_owned())/>
                                <span>{move || i18n.t(key)}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
                {text(Key::Purpose, "purpose", purpose)}
                {text(Key::Outcome, "outcome", outcome)}
                {text(Key::NextStep, "next_step", next_step)}
                <label class="field">
                    <span>{move || i18n.t(Key::Note)}</span>
                    <textarea name="note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </label>
                <FormActions/>
            </form>
        </section>
    }
}
