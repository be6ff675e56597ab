//! Send a message from the template library (短信库): filled with the customer's name, title and
//! favourite dish, sent by `sms:` or copied for WeChat, and logged as a contact. Promotion
//! templates are not offered without the customer's consent.

use crate::i18n::{I18n, Key, Locale, use_i18n};
use crate::pages::customer_form::now_rfc3339;
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::retention::templates::{Language, Placeholders, TemplateKind, fill, offered};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::Value;
use wasm_bindgen::JsCast;

/// The template language for the app's language: 繁體中文 users get Traditional templates.
pub fn template_language(locale: Locale) -> Language {
    match locale {
        Locale::ZhCn => Language::Zh,
        Locale::ZhTw => Language::ZhTw,
        Locale::En => Language::En,
    }
}

pub fn kind_label(kind: TemplateKind, i18n: I18n) -> &'static str {
    i18n.t(match kind {
        TemplateKind::Holiday => Key::TemplateHoliday,
        TemplateKind::Birthday => Key::TemplateBirthday,
        TemplateKind::Season => Key::TemplateSeason,
        TemplateKind::ThinkingOfYou => Key::TemplateThinking,
        TemplateKind::AfterVisit => Key::TemplateAfterVisit,
        TemplateKind::Promotion => Key::TemplatePromotion,
    })
}

#[component]
pub fn SendMessage() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let params = use_params_map();
    let customer_id = params.with_untracked(|p| p.get("id").unwrap_or_default());
    let copied = RwSignal::new(None::<TemplateKind>);
    let customer = replica
        .records
        .with_untracked(|r| r.get(Kind::CUSTOMER, &customer_id).cloned());
    let Some(customer) = customer else {
        return view! { <p class="empty">{i18n.t(Key::CustomerMissing)}</p> }.into_any();
    };
    let record = customer.record.clone();
    let consent = record
        .value("consent")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let phone = record.text("phone").unwrap_or_default().to_owned();
    let name = record.text("name").unwrap_or_default().to_owned();
    let favourite = replica.records.with_untracked(|r| {
        huitou_shared::visits::totals(r.children_of(Kind::VISIT, &customer_id).map(|v| &v.record))
            .favourite_items
            .first()
            .map(|(item, _)| item.clone())
            .unwrap_or_default()
    });
    let store = replica
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.org.clone()))
        .unwrap_or_default();
    let gender = record.text("gender").unwrap_or_default().to_owned();

    let log = move |channel: &'static str, kind: TemplateKind, customer_id: String| {
        leptos::task::spawn_local(async move {
            let fields = vec![
                ("customer_id".to_owned(), Value::String(customer_id)),
                ("at".to_owned(), Value::String(now_rfc3339())),
                ("channel".to_owned(), Value::String(channel.to_owned())),
                (
                    "purpose".to_owned(),
                    Value::String(kind.as_str().to_owned()),
                ),
            ];
            if let Err(e) = replica
                .edit(Kind::CONTACT, &huitou_shared::model::new_id(), fields)
                .await
            {
                replica.storage_error.set(Some(e.to_string()));
            }
        });
    };

    view! {
        <section class="page">
            <h1>{i18n.t(Key::Templates)} " · " {name.clone()}</h1>
            {(!consent).then(|| view! { <p class="muted">{i18n.t(Key::NoConsentNotice)}</p> })}
            {move || {
                let locale = i18n.locale.get();
                let language = template_language(locale);
                // Chinese greets by surname and title (王先生); English by the full name.
                let (greeting, title) = match (language, gender.as_str()) {
                    (Language::Zh | Language::ZhTw, "male") => (name.chars().take(1).collect(), i18n.t(Key::Mr).to_owned()),
                    (Language::Zh | Language::ZhTw, "female") => (name.chars().take(1).collect(), i18n.t(Key::Ms).to_owned()),
                    _ => (name.clone(), String::new()),
                };
                let values = Placeholders { name: greeting, title, favourite_dish: favourite.clone(), store: store.clone() };
                // The organisation's library: its own and edited templates over the defaults.
                let library: Vec<huitou_shared::retention::templates::Template> = replica.records.with(|r| {
                    huitou_shared::retention::templates::library(
                        r.of_kind(Kind::TEMPLATE).map(|t| (t.id.as_str(), &t.record)).collect::<Vec<_>>(),
                    )
                }).into_iter().map(|(_, t)| t).collect();
                offered(&library, language, consent).into_iter().map(|template| {
                    let text = fill(&template.text, &values);
                    let kind = template.kind;
                    let sms = format!("sms:{phone}?body={}", js_sys::encode_uri_component(&text));
                    let (id1, id2) = (customer_id.clone(), customer_id.clone());
                    let copy_text = text.clone();
                    let label = kind_label(kind, i18n);
                    view! {
                        <article class="card template">
                            <h2>{label}</h2>
                            <p>{text}</p>
                            <div class="actions">
                                <a class="button button-primary" href=sms aria-label=format!("{} {label}", i18n.t(Key::SendSms))
                                    on:click=move |_| log("sms", kind, id1.clone())>{i18n.t(Key::SendSms)}</a>
                                <button type="button" class="button" aria-label=format!("{} {label}", i18n.t(Key::CopyForWechat))
                                    on:click=move |_| {
                                        copy_to_clipboard(&copy_text);
                                        copied.set(Some(kind));
                                        log("wechat", kind, id2.clone());
                                    }>{i18n.t(Key::CopyForWechat)}</button>
                                <Show when=move || copied.get() == Some(kind)>
                                    <span class="muted" role="status">{i18n.t(Key::Copied)}</span>
                                </Show>
                            </div>
                        </article>
                    }
                }).collect_view()
            }}
        </section>
    }
    .into_any()
}

/// `navigator.clipboard.writeText`, where the browser allows it.
fn copy_to_clipboard(text: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into())
        && let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into())
        && let Ok(write) = write.dyn_into::<js_sys::Function>()
    {
        let _ = write.call1(&clipboard, &text.into());
    }
}
