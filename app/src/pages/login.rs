//! Sign in: organisation, user, password; the session then stays on the device.

use crate::app::open_session;
use crate::i18n::{Key, Locale, use_i18n};
use crate::replica::use_replica;
use crate::session::{self, Session};
use gloo_net::http::Request;
use huitou_shared::api::{LoginRequest, LoginResponse};
use leptos::prelude::*;

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = RwSignal::new(session::last_org().unwrap_or_else(|| "demo".to_owned()));
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);
    // Minutes to wait after too many attempts (HTTP 429 `Retry-After`).
    let wait_minutes = RwSignal::new(1u64);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let body = LoginRequest {
            org: org.get_untracked().trim().to_owned(),
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            device: Some(session::device_id().to_string()),
        };
        leptos::task::spawn_local(async move {
            let sent = match Request::post("/api/v1/auth/login").json(&body) {
                Ok(request) => request.send().await,
                Err(e) => Err(e),
            };
            let outcome = match sent {
                Ok(response) if response.ok() => response.json::<LoginResponse>().await.ok(),
                Ok(response) if response.status() == 429 => {
                    let seconds = response
                        .headers()
                        .get("retry-after")
                        .and_then(|s| s.trim().parse::<u64>().ok())
                        .unwrap_or(60);
                    wait_minutes.set(seconds.div_ceil(60).max(1));
                    error.set(Some(Key::TooManyAttempts));
                    None
                }
                Ok(response) if response.status() == 401 => {
                    error.set(Some(Key::BadCredentials));
                    None
                }
                // A busy or failing server is not a wrong password: say so.
                Ok(_) => {
                    error.set(Some(Key::ServerBusyToSignIn));
                    None
                }
                Err(_) => {
                    error.set(Some(Key::NoNetworkToSignIn));
                    None
                }
            };
            busy.set(false);
            if let Some(answer) = outcome {
                replica.with_clock(|clock| {
                    clock.set_server_time(answer.server_time_ms, session::now_ms())
                });
                let session = Session {
                    org: body.org,
                    token: answer.token,
                    user: answer.user,
                };
                session.save();
                replica.session_expired.set(false);
                replica.session.set(Some(session.clone()));
                open_session(replica, session);
            }
        });
    };

    view! {
        <div class="login">
            <form class="card login-card" on:submit=submit>
                <h1 class="brand-title">{move || i18n.t(Key::AppName)}</h1>
                <p class="muted">{move || i18n.t(Key::Tagline)}</p>
                <label class="field">
                    <span>{move || i18n.t(Key::Organisation)}</span>
                    <input type="text" name="org" autocomplete="organization" required
                        prop:value=move || org.get() on:input=move |ev| org.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || i18n.t(Key::Username)}</span>
                    <input type="text" name="username" autocomplete="username" autocapitalize="off" required
                        prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || i18n.t(Key::Password)}</span>
                    <input type="password" name="password" autocomplete="current-password" required
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k).replace("{n}", &wait_minutes.get().to_string()))}</p>
                </Show>
                <button type="submit" class="button button-primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::SigningIn) } else { i18n.t(Key::SignIn) }}
                </button>
                <LanguagePicker/>
            </form>
        </div>
    }
}

/// Language switcher (also on the settings page).
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field field-inline">
            <span>{move || i18n.t(Key::Language)}</span>
            <select name="language" on:change=move |ev| {
                let tag = event_target_value(&ev);
                if let Some(locale) = Locale::from_tag(&tag) {
                    session::save_locale(locale);
                    i18n.locale.set(locale);
                }
            }>
                {Locale::ALL.into_iter().map(|locale| view! {
                    <option value=locale.tag() selected=move || i18n.locale.get() == locale>{locale.native_name()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
