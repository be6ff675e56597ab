//! Settings: language, theme, this device and its sync state (with refused changes), sign out.

use crate::i18n::{Key, use_i18n};
use crate::pages::login::LanguagePicker;
use crate::replica::use_replica;
use crate::session::{self, Theme};
use huitou_shared::Role;
use leptos::prelude::*;

#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let theme = expect_context::<RwSignal<Theme>>();
    let user = move || {
        replica.session.with(|s| {
            s.as_ref().map(|s| {
                let role = match s.user.role {
                    Role::Salesperson => Key::Salesperson,
                    Role::Manager => Key::Manager,
                    Role::Admin => Key::Admin,
                };
                format!("{} ({}) · {}", s.user.name, i18n.t(role), s.org)
            })
        })
    };
    let rejected = move || {
        replica
            .outbox
            .get()
            .into_iter()
            .filter_map(|e| e.rejection.map(|r| (e.change, r)))
            .collect::<Vec<_>>()
    };
    // Unsynced edits at sign-out: Some(count) asks whether to drop them.
    let unsynced = RwSignal::new(None::<usize>);
    let signing_out = RwSignal::new(false);
    let sign_out = move |anyway: bool| {
        let Some(session) = replica.session.get_untracked() else {
            return;
        };
        signing_out.set(true);
        leptos::task::spawn_local(async move {
            if !anyway && !crate::sync::push_now(replica, &session).await {
                unsynced.set(Some(replica.pending() + replica.rejected()));
                signing_out.set(false);
                return;
            }
            replica.sign_out(&session).await;
        });
    };
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::Settings)}</h1>
            <section class="card form">
                <LanguagePicker/>
                <label class="field field-inline">
                    <span>{move || i18n.t(Key::Theme)}</span>
                    <select name="theme" on:change=move |ev| {
                        let value = match event_target_value(&ev).as_str() {
                            "light" => Theme::Light,
                            "dark" => Theme::Dark,
                            _ => Theme::System,
                        };
                        session::save_theme(value);
                        theme.set(value);
                    }>
                        <option value="system" selected=move || theme.get() == Theme::System>{move || i18n.t(Key::ThemeSystem)}</option>
                        <option value="light" selected=move || theme.get() == Theme::Light>{move || i18n.t(Key::ThemeLight)}</option>
                        <option value="dark" selected=move || theme.get() == Theme::Dark>{move || i18n.t(Key::ThemeDark)}</option>
                    </select>
                </label>
            </section>
            <section class="card">
                <h2>{move || i18n.t(Key::SyncState)}</h2>
                <dl class="facts">
                    <dt>{move || i18n.t(Key::SignedInAs)}</dt><dd>{user}</dd>
                    <dt>{move || i18n.t(Key::ThisDevice)}</dt><dd>{move || replica.with_clock(|c| c.device().to_string())}</dd>
                    <dt>{move || i18n.t(Key::WaitingToSync)}</dt><dd data-testid="pending-count">{move || replica.pending()}</dd>
                </dl>
                <button type="button" class="button" on:click=move |_| replica.kick()>{move || i18n.t(Key::SyncNow)}</button>
            </section>
            <Show when=move || replica.rejected() != 0>
                <section class="card">
                    <h2>{move || i18n.t(Key::RejectedChanges)}</h2>
                    <p class="muted">{move || i18n.t(Key::RejectedHelp)}</p>
                    <ul class="list">
                        {move || rejected().into_iter().map(|(change, rejection)| {
                            let op = change.op.clone();
                            view! {
                                <li class="list-item">
                                    <span class="list-title">{format!("{}.{} = {}", change.kind, change.field, change.value)}</span>
                                    <span class="list-sub">{move || i18n.t(crate::pages::customer::membership::refusal_key(rejection.code))} " · " {rejection.message.clone()}</span>
                                    {
                                        // What a manager decided on it, once this device has heard.
                                        let op = op.clone();
                                        move || replica.records.with(|r| {
                                            let decision = r.get(huitou_shared::Kind::DECISION, &huitou_shared::api::decision_id(&op))?;
                                            let who = decision.record.text("by").map(|id| r.person(id, i18n.t(Key::Left))).unwrap_or_default();
                                            let reason = decision.record.text("reason").unwrap_or_default().to_owned();
                                            (decision.record.text("resolution") == Some("discarded")).then(|| view! {
                                                <span class="list-sub" role="status">{i18n.t(Key::DiscardedByManager).replace("{who}", &who).replace("{reason}", &reason)}</span>
                                            })
                                        })
                                    }
                                    <button type="button" class="button" on:click=move |_| {
                                        let op = op.clone();
                                        leptos::task::spawn_local(async move { replica.discard(&op).await });
                                    }>{move || i18n.t(Key::Discard)}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            // The organisation's configuration is managers' to edit (in their bundle).
            <Show when=move || replica.is_manager()>
            <section class="card">
                <h2>{move || i18n.t(Key::Retention)}</h2>
                <nav class="actions" aria-label=move || i18n.t(Key::Retention)>
                    <leptos_router::components::A href="/settings/rules" attr:class="button">{move || i18n.t(Key::TierRules)}</leptos_router::components::A>
                    <leptos_router::components::A href="/settings/playbooks" attr:class="button">{move || i18n.t(Key::Playbooks)}</leptos_router::components::A>
                    <leptos_router::components::A href="/settings/templates" attr:class="button">{move || i18n.t(Key::Templates)}</leptos_router::components::A>
                    <leptos_router::components::A href="/settings/answers" attr:class="button">{move || i18n.t(Key::StandardAnswers)}</leptos_router::components::A>
                    <leptos_router::components::A href="/settings/calls" attr:class="button">{move || i18n.t(Key::CallWindows)}</leptos_router::components::A>
                    <leptos_router::components::A href="/settings/pool" attr:class="button">{move || i18n.t(Key::PoolAndFollowUps)}</leptos_router::components::A>
                    <leptos_router::components::A href="/settings/days" attr:class="button">{move || i18n.t(Key::OurDays)}</leptos_router::components::A>
                </nav>
            </section>
            </Show>
            <Show when=move || replica.is_manager()>
                <nav class="actions" aria-label=move || i18n.t(Key::Team)>
                    <leptos_router::components::A href="/settings/team" attr:class="button">{move || i18n.t(Key::TeamAndDevices)}</leptos_router::components::A>
                    <leptos_router::components::A href="/settings/review" attr:class="button">{move || i18n.t(Key::ReviewRefused)}</leptos_router::components::A>
                    <leptos_router::components::A href="/settings/import" attr:class="button">{move || i18n.t(Key::ImportCustomers)}</leptos_router::components::A>
                </nav>
            </Show>
            <leptos_router::components::A href="/trash" attr:class="button">{move || i18n.t(Key::Trash)}</leptos_router::components::A>
            {move || match unsynced.get() {
                None => view! {
                    <button type="button" class="button button-danger" disabled=move || signing_out.get()
                        on:click=move |_| sign_out(false)>{move || i18n.t(Key::SignOut)}</button>
                }.into_any(),
                Some(count) => view! {
                    <section class="card banner-warn" role="alertdialog" aria-labelledby="unsynced-title">
                        <h2 id="unsynced-title">{move || i18n.t(Key::UnsyncedAtSignOut).replace("{n}", &count.to_string())}</h2>
                        <p>{move || i18n.t(Key::UnsyncedAtSignOutHelp)}</p>
                        <div class="actions">
                            <button type="button" class="button" on:click=move |_| unsynced.set(None)>{move || i18n.t(Key::StaySignedIn)}</button>
                            <button type="button" class="button button-danger" disabled=move || signing_out.get()
                                on:click=move |_| sign_out(true)>{move || i18n.t(Key::SignOutAnyway)}</button>
                        </div>
                    </section>
                }.into_any(),
            }}
        </section>
    }
}
