//! The Team screen (PRODUCT §10, §13) for managers and admins: the organisation's people —
//! add one with a first password they must change, rename, change role, reset a password,
//! disable (their devices hand in what they hold and wipe) — and every device they signed in
//! on, each of which can be cut off. It talks to the server directly (`/api/v1/users`,
//! `/api/v1/devices`): accounts are not synced records, so this screen needs a connection.

use crate::i18n::{Key, MKey, date_time, use_i18n};
use crate::replica::{Replica, use_replica};
use gloo_net::http::{Method, RequestBuilder};
use huitou_shared::Role;
use huitou_shared::api::{
    DeviceInfo, DeviceRevoke, Devices, MIN_PASSWORD_CHARS, Member, MemberEdit, Members, NewMember,
    PasswordReset,
};
use leptos::prelude::*;

mod audit;
mod handover;

use audit::AuditLog;
use handover::HandOverPanel;

/// Why a call to the Team API did not go through, as the user reads it.
pub(crate) fn failure_key(status: u16) -> Key {
    match status {
        0 => Key::TeamNeedsConnection,
        400 => Key::TeamCheckFields,
        403 => Key::TeamNotAllowed,
        404 => Key::TeamGone,
        409 => Key::UsernameTaken,
        _ => Key::TeamServerBusy,
    }
}

/// Sends `method path` with the session's token (and `body` as JSON); the answer's JSON,
/// `None` for an empty answer, or the failure's key.
pub(crate) async fn call<T: serde::de::DeserializeOwned>(
    replica: Replica,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<Option<T>, Key> {
    let token = replica
        .session
        .get_untracked()
        .map(|s| s.token)
        .ok_or(Key::TeamNotAllowed)?;
    let request = RequestBuilder::new(path)
        .method(method)
        .header("Authorization", &format!("Bearer {token}"));
    let sent = match body {
        Some(body) => {
            request
                .json(&body)
                .map_err(|_| Key::TeamCheckFields)?
                .send()
                .await
        }
        None => request.send().await,
    };
    let response = sent.map_err(|_| failure_key(0))?;
    if !response.ok() {
        return Err(failure_key(response.status()));
    }
    if response.status() == 204 {
        return Ok(None);
    }
    response
        .json::<T>()
        .await
        .map(Some)
        .map_err(|_| Key::TeamServerBusy)
}

fn role_key(role: Role) -> Key {
    match role {
        Role::Salesperson => Key::Salesperson,
        Role::Manager => Key::Manager,
        Role::Admin => Key::Admin,
    }
}

#[component]
pub fn Team() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let me = replica.session.get_untracked().map(|s| s.user);
    let my_role = me.as_ref().map_or(Role::Salesperson, |u| u.role);
    let my_id = StoredValue::new(me.map(|u| u.id).unwrap_or_default());
    let members = RwSignal::new(None::<Vec<Member>>);
    let devices = RwSignal::new(Vec::<DeviceInfo>::new());
    let failure = RwSignal::new(None::<Key>);
    let done = RwSignal::new(None::<(String, Key)>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match call::<Members>(replica, Method::GET, "/api/v1/users", None).await {
                Ok(list) => members.set(list.map(|l| l.users)),
                Err(key) => {
                    failure.set(Some(key));
                    return;
                }
            }
            match call::<Devices>(replica, Method::GET, "/api/v1/devices", None).await {
                Ok(list) => devices.set(list.map(|l| l.devices).unwrap_or_default()),
                Err(key) => failure.set(Some(key)),
            }
        });
    };
    reload();
    let name_of = move |id: &str| {
        members.with(|m| {
            m.iter()
                .flatten()
                .find(|u| u.id == id)
                .map_or_else(|| id.chars().take(8).collect(), |u| u.name.clone())
        })
    };
    let manageable =
        move |member: &Member| member.id != my_id.get_value() && my_role.may_manage(member.role);
    view! {
        <section class="page team">
            <h1>{move || i18n.t(Key::Team)}</h1>
            <p class="muted">{move || i18n.t(Key::TeamHelp)}</p>
            {move || failure.get().map(|key| view! { <p class="banner banner-error" role="alert">{i18n.t(key)}</p> })}
            <section class="card">
                <h2>{move || i18n.t(Key::TeamPeople)}</h2>
                {move || done.get().map(|(who, key)| view! { <p class="banner" role="status">{who} " · " {i18n.t(key)}</p> })}
                <Show when=move || members.with(Option::is_some) fallback=move || view! { <p class="muted">{i18n.t(Key::Loading)}</p> }>
                    <ul class="list" aria-label=move || i18n.t(Key::TeamPeople)>
                        {move || members.get().unwrap_or_default().into_iter().map(|member| {
                            let can = manageable(&member);
                            view! { <MemberRow member can my_role failure done reload/> }
                        }).collect_view()}
                    </ul>
                </Show>
            </section>
            <AddMember my_role failure reload/>
            <section class="card">
                <h2>{move || i18n.t(Key::Devices)}</h2>
                <Show when=move || devices.with(|d| !d.is_empty()) fallback=move || view! { <p class="empty">{i18n.t(Key::NoDevices)}</p> }>
                    <ul class="list" aria-label=move || i18n.t(Key::Devices)>
                        {move || devices.get().into_iter().map(|device| {
                            let owner = name_of(&device.user_id);
                            let can = members.with(|m| m.iter().flatten().find(|u| u.id == device.user_id).is_some_and(&manageable));
                            view! { <DeviceRow device owner can failure reload/> }
                        }).collect_view()}
                    </ul>
                </Show>
            </section>
            <AuditLog members/>
        </section>
    }
}

/// What a member's row has open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Edit,
    Reset,
    Disable,
    HandOver,
}

#[component]
fn MemberRow(
    member: Member,
    can: bool,
    my_role: Role,
    failure: RwSignal<Option<Key>>,
    /// What the last action on a member did: `(their name, what)`. Kept by the screen, as
    /// the rows are drawn again when the list reloads.
    done: RwSignal<Option<(String, Key)>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let open = RwSignal::new(Open::Nothing);
    let name = RwSignal::new(member.name.clone());
    let role = RwSignal::new(member.role);
    let team = RwSignal::new(member.team.clone());
    let password = RwSignal::new(String::new());
    let id = StoredValue::new(member.id.clone());
    let disabled = member.disabled_at.is_some();
    let display = member.name.clone();
    let display_name = StoredValue::new(display.clone());
    let act = move |method: gloo_net::http::Method,
                    path: String,
                    body: Option<serde_json::Value>,
                    after: Key| {
        leptos::task::spawn_local(async move {
            match call::<serde_json::Value>(replica, method, &path, body).await {
                Ok(_) => {
                    failure.set(None);
                    done.set(Some((display_name.get_value(), after)));
                    open.set(Open::Nothing);
                    reload();
                }
                Err(key) => failure.set(Some(key)),
            }
        });
    };
    let path = move |tail: &str| format!("/api/v1/users/{}{tail}", id.get_value());
    let label = |key: Key, who: &str| format!("{} {who}", i18n.t(key));
    let (edit_label, reset_label, disable_label, hand_over_label) = (
        label(Key::EditMember, &display),
        label(Key::ResetPassword, &display),
        label(Key::DisableMember, &display),
        label(Key::HandOver, &display),
    );
    let hand_over_again = hand_over_label.clone();
    let leaver = StoredValue::new((member.id.clone(), member.name.clone()));
    view! {
        <li class="list-item member" class:member-disabled=disabled>
            <span class="list-title">{member.name.clone()}
                {disabled.then(|| view! { " " <span class="badge badge-offline">{move || i18n.t(Key::Left)}</span> })}
            </span>
            <span class="list-sub">
                {member.username.clone()} " · " {move || i18n.t(role_key(member.role))}
                {member.must_change_password.then(|| view! { " · " {move || i18n.t(Key::MustChangePassword)} })}
                {member.disabled_at.clone().map(|at| view! { " · " {move || i18n.t(Key::DisabledOn)} " " {move || date_time(&at, i18n.locale.get())} })}
                {(!member.team.is_empty()).then(|| format!(" · {}", member.team))}
            </span>
            <Show when=move || can && disabled && open.get() != Open::HandOver>
                <div class="actions">
                    <button type="button" class="button" aria-label=hand_over_again.clone() on:click=move |_| open.set(Open::HandOver)>{move || i18n.t(Key::HandOver)}</button>
                </div>
            </Show>
            <Show when=move || can && !disabled>
                <div class="actions">
                    <button type="button" class="button" aria-label=hand_over_label.clone() on:click=move |_| open.set(Open::HandOver)>{move || i18n.t(Key::HandOver)}</button>
                    <button type="button" class="button" aria-label=edit_label.clone() on:click=move |_| open.set(Open::Edit)>{move || i18n.t(Key::Edit)}</button>
                    <button type="button" class="button" aria-label=reset_label.clone() on:click=move |_| open.set(Open::Reset)>{move || i18n.t(Key::ResetPassword)}</button>
                    <button type="button" class="button button-danger" aria-label=disable_label.clone() on:click=move |_| open.set(Open::Disable)>{move || i18n.t(Key::DisableMember)}</button>
                </div>
            </Show>
            {move || match open.get() {
                Open::Nothing => ().into_any(),
                Open::Edit => view! {
                    <form class="inline-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let edit = MemberEdit { name: Some(name.get_untracked()), role: Some(role.get_untracked()), team: Some(team.get_untracked()) };
                        act(gloo_net::http::Method::PATCH, path(""), serde_json::to_value(edit).ok(), Key::Saved);
                    }>
                        <label class="field"><span>{move || i18n.t(Key::Name)}</span>
                            <input type="text" name="member-name" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                        </label>
                        <RolePicker my_role role/>
                        <label class="field"><span>{move || i18n.t(MKey::StoreOrTeam)}</span>
                            <input type="text" name="member-team" maxlength="60" prop:value=move || team.get() on:input=move |ev| team.set(event_target_value(&ev))/>
                        </label>
                        <div class="actions">
                            <button type="submit" class="button button-primary">{move || i18n.t(Key::Save)}</button>
                            <button type="button" class="button" on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::Cancel)}</button>
                        </div>
                    </form>
                }.into_any(),
                Open::Reset => view! {
                    <form class="inline-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let body = PasswordReset { password: password.get_untracked() };
                        act(gloo_net::http::Method::POST, path("/password"), serde_json::to_value(body).ok(), Key::PasswordResetDone);
                    }>
                        <label class="field"><span>{move || i18n.t(Key::FirstPassword)}</span>
                            <input type="text" name="reset-password" autocomplete="off" required minlength=MIN_PASSWORD_CHARS.to_string()
                                prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                        </label>
                        <p class="muted">{move || i18n.t(Key::ResetPasswordHelp)}</p>
                        <div class="actions">
                            <button type="submit" class="button button-primary">{move || i18n.t(Key::SetPassword)}</button>
                            <button type="button" class="button" on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::Cancel)}</button>
                        </div>
                    </form>
                }.into_any(),
                Open::Disable => view! {
                    <div class="inline-form banner-warn" role="alertdialog" aria-label=move || i18n.t(Key::DisableMember)>
                        <p>{move || i18n.t(Key::DisableMemberHelp)}</p>
                        <div class="actions">
                            <button type="button" class="button button-danger" on:click=move |_| {
                                act(gloo_net::http::Method::POST, path("/disable"), Some(serde_json::json!({})), Key::MemberDisabled);
                            }>{move || i18n.t(Key::ConfirmDisable)}</button>
                            <button type="button" class="button" on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::Cancel)}</button>
                        </div>
                    </div>
                }.into_any(),
                Open::HandOver => {
                    let (id, name) = leaver.get_value();
                    let finish = move || {
                        if disabled {
                            failure.set(None);
                            done.set(Some((display_name.get_value(), Key::HandedOver)));
                            open.set(Open::Nothing);
                            reload();
                        } else {
                            act(gloo_net::http::Method::POST, path("/disable"), Some(serde_json::json!({})), Key::HandedOver);
                        }
                    };
                    view! { <HandOverPanel leaver=id name disabled finish cancel=move || open.set(Open::Nothing)/> }.into_any()
                }
            }}
        </li>
    }
}

/// The roles `my_role` may give.
#[component]
fn RolePicker(my_role: Role, role: RwSignal<Role>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field"><span>{move || i18n.t(Key::Role)}</span>
            <select name="role" on:change=move |ev| {
                if let Ok(picked) = Role::parse(&event_target_value(&ev)) {
                    role.set(picked);
                }
            }>
                {Role::ALL.into_iter().filter(|r| my_role.may_manage(*r)).map(|r| view! {
                    <option value=r.as_str() selected=move || role.get() == r>{move || i18n.t(role_key(r))}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn AddMember(
    my_role: Role,
    failure: RwSignal<Option<Key>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let name = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Salesperson);
    let password = RwSignal::new(String::new());
    let added = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewMember {
            username: username.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match call::<Member>(
                replica,
                gloo_net::http::Method::POST,
                "/api/v1/users",
                serde_json::to_value(&body).ok(),
            )
            .await
            {
                Ok(_) => {
                    failure.set(None);
                    added.set(Some(body.name));
                    name.set(String::new());
                    username.set(String::new());
                    password.set(String::new());
                    reload();
                }
                Err(key) => failure.set(Some(key)),
            }
        });
    };
    view! {
        <section class="card">
            <h2>{move || i18n.t(Key::AddMember)}</h2>
            <form class="form" on:submit=submit>
                <label class="field"><span>{move || i18n.t(Key::Name)}</span>
                    <input type="text" name="new-name" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="field"><span>{move || i18n.t(Key::Username)}</span>
                    <input type="text" name="new-username" autocapitalize="off" autocomplete="off" required
                        prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev))/>
                </label>
                <RolePicker my_role role/>
                <label class="field"><span>{move || i18n.t(Key::FirstPassword)}</span>
                    <input type="text" name="new-password" autocomplete="off" required minlength=MIN_PASSWORD_CHARS.to_string()
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <p class="muted">{move || i18n.t(Key::FirstPasswordHelp)}</p>
                {move || added.get().map(|who| view! { <p role="status">{i18n.t(Key::MemberAdded)} " " {who}</p> })}
                <button type="submit" class="button button-primary">{move || i18n.t(Key::AddMember)}</button>
            </form>
        </section>
    }
}

#[component]
fn DeviceRow(
    device: DeviceInfo,
    owner: String,
    can: bool,
    failure: RwSignal<Option<Key>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let label = format!("{} {} {}", i18n.t(Key::SignOutDevice), owner, device.device);
    let revoke = DeviceRevoke {
        user_id: device.user_id.clone(),
        device: device.device.clone(),
    };
    let cut_off = move |_| {
        let body = serde_json::to_value(&revoke).ok();
        leptos::task::spawn_local(async move {
            match call::<serde_json::Value>(
                replica,
                gloo_net::http::Method::POST,
                "/api/v1/devices/revoke",
                body,
            )
            .await
            {
                Ok(_) => reload(),
                Err(key) => failure.set(Some(key)),
            }
        });
    };
    let seen = device.last_seen.clone();
    let synced = device.last_sync.clone();
    view! {
        <li class="list-item">
            <span class="list-title">{owner.clone()} " · " {device.device.clone()}</span>
            <span class="list-sub">
                {move || if device.signed_in { i18n.t(Key::SignedIn) } else { i18n.t(Key::SignedOut) }}
                " · " {move || i18n.t(Key::FirstSignIn)} " " {let at = device.first_sign_in.clone(); move || date_time(&at, i18n.locale.get())}
                {seen.map(|at| view! { " · " {move || i18n.t(Key::LastSeen)} " " {move || date_time(&at, i18n.locale.get())} })}
                {synced.map(|at| view! { " · " {move || i18n.t(Key::LastSync)} " " {move || date_time(&at, i18n.locale.get())} })}
                {device.waiting.map(|n| view! { " · " {move || i18n.t(Key::WaitingAtLastSync).replace("{n}", &n.to_string())} })}
            </span>
            <Show when=move || can && device.signed_in>
                <button type="button" class="button button-danger" aria-label=label.clone() on:click=cut_off.clone()>{move || i18n.t(Key::SignOutDevice)}</button>
            </Show>
        </li>
    }
}
