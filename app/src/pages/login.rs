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
                    let code = response
                        .json::<huitou_shared::api::ErrorBody>()
                        .await
                        .map(|body| body.error.code)
                        .unwrap_or_default();
                    error.set(Some(if code == "account_disabled" {
                        Key::AccountDisabledAtSignIn
                    } else {
                        Key::BadCredentials
                    }));
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
                    must_change_password: answer.must_change_password,
                };
                session.save();
                replica.session_expired.set(false);
                replica.signed_out_because.set(None);
                replica
                    .must_change_password
                    .set(answer.must_change_password);
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
                {move || replica.signed_out_because.get().map(|why| view! {
                    <p class="banner banner-warn" role="status">{i18n.t(why)}</p>
                })}
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

/// A password someone else set (a first password, a reset) is replaced before anything else.
#[component]
pub fn ChoosePassword() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(session) = replica.session.get_untracked() else {
            return;
        };
        if new.get_untracked().chars().count() < huitou_shared::api::MIN_PASSWORD_CHARS {
            error.set(Some(Key::PasswordTooShort));
            return;
        }
        if new.get_untracked() != again.get_untracked() {
            error.set(Some(Key::PasswordsDiffer));
            return;
        }
        busy.set(true);
        error.set(None);
        let body = huitou_shared::api::PasswordChange {
            current: current.get_untracked(),
            new: new.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let sent = match Request::post("/api/v1/auth/password")
                .header("Authorization", &format!("Bearer {}", session.token))
                .json(&body)
            {
                Ok(request) => request.send().await,
                Err(e) => Err(e),
            };
            busy.set(false);
            match sent {
                Ok(response) if response.ok() => {
                    let session = Session {
                        must_change_password: false,
                        ..session
                    };
                    session.save();
                    replica.must_change_password.set(false);
                    replica.session.set(Some(session.clone()));
                    // Syncing stopped when the server asked for a new password: start again.
                    crate::sync::start(replica, session);
                }
                Ok(response) if response.status() == 401 => {
                    error.set(Some(Key::WrongCurrentPassword))
                }
                Ok(response) if response.status() == 400 => error.set(Some(Key::PasswordRefused)),
                Ok(_) => error.set(Some(Key::ServerBusyToSignIn)),
                Err(_) => error.set(Some(Key::NoNetworkToSignIn)),
            }
        });
    };
    let field = move |label: Key,
                      name: &'static str,
                      autocomplete: &'static str,
                      value: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{move || i18n.t(label)}</span>
                <input type="password" name=name autocomplete=autocomplete required
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <div class="login">
            <form class="card login-card" on:submit=submit>
                <h1>{move || i18n.t(Key::ChooseYourPassword)}</h1>
                <p class="muted">{move || i18n.t(Key::ChooseYourPasswordHelp)}</p>
                {field(Key::CurrentPassword, "current", "current-password", current)}
                {field(Key::NewPassword, "new", "new-password", new)}
                {field(Key::NewPasswordAgain, "again", "new-password", again)}
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
                </Show>
                <button type="submit" class="button button-primary" disabled=move || busy.get()>
                    {move || i18n.t(Key::SavePassword)}
                </button>
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
