//! Erasing a customer's personal data (SYNC §5, PRODUCT §10), for managers: online only, as the
//! server does it (`POST /api/v1/customers/{id}/erase`) and every device follows through sync.
//! The manager types the customer's name to confirm; the server checks it again.

use crate::i18n::{Key, use_i18n};
use crate::pages::team::call;
use crate::replica::use_replica;
use gloo_net::http::Method;
use leptos::prelude::*;

#[component]
pub fn EraseCustomer(customer_id: String, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let typed = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let failure = RwSignal::new(None::<Key>);
    let id = StoredValue::new(customer_id);
    let expected = StoredValue::new(name);
    let matches = move || typed.with(|t| t.trim() == expected.with_value(|n| n.trim().to_owned()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !matches() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        let path = format!("/api/v1/customers/{}/erase", id.get_value());
        let body = serde_json::json!({ "confirm_name": typed.get_untracked().trim() });
        leptos::task::spawn_local(async move {
            match call::<serde_json::Value>(replica, Method::POST, &path, Some(body)).await {
                Ok(_) => {
                    failure.set(None);
                    done.set(true);
                    replica.kick();
                }
                Err(key) => failure.set(Some(key)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card danger">
            <h2>{move || i18n.t(Key::EraseCustomer)}</h2>
            <Show when=move || !done.get()
                fallback=move || view! { <p role="status">{move || i18n.t(Key::Erased)}</p> }>
                <p class="muted">{move || i18n.t(Key::EraseHelp)}</p>
                <form class="form" on:submit=submit>
                    <label class="field">
                        <span>{move || i18n.t(Key::EraseConfirmName).replace("{name}", &expected.get_value())}</span>
                        <input type="text" name="erase_confirm" autocomplete="off"
                            prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                    </label>
                    {move || failure.get().map(|key| view! { <p class="banner banner-error" role="alert">{i18n.t(key)}</p> })}
                    <button type="submit" class="button button-danger" disabled=move || !matches() || busy.get()>
                        {move || i18n.t(Key::EraseNow)}
                    </button>
                </form>
            </Show>
        </section>
    }
}
