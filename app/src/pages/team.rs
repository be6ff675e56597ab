//! The Team screen (PRODUCT §10, §13) for managers and admins: the organisation's people —
//! add one with a first password they must change, rename, change role, reset a password,
//! disable (their devices hand in what they hold and wipe) — and every device they signed in
//! on, each of which can be cut off. It talks to the server directly (`/api/v1/users`,
//! `/api/v1/devices`): accounts are not synced records, so this screen needs a connection.

use crate::i18n::{Key, date_time, use_i18n};
use crate::replica::{Replica, use_replica};
use gloo_net::http::{Method, RequestBuilder};
use huitou_shared::Role;
use huitou_shared::api::{
    AuditLine, AuditPage, DeviceInfo, DeviceRevoke, Devices, MIN_PASSWORD_CHARS, Member,
    MemberEdit, Members, NewMember, PasswordReset,
};
use leptos::prelude::*;

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
            <AuditLog/>
        </section>
    }
}

/// The audit log's actions, in the order the filter lists them, with their labels.
const AUDIT_ACTIONS: [(&str, Key); 14] = [
    ("sign_in", Key::AuditSignIn),
    ("sign_in_failed", Key::AuditSignInFailed),
    ("sign_in_refused", Key::AuditSignInRefused),
    ("user_created", Key::AuditUserCreated),
    ("user_changed", Key::AuditUserChanged),
    ("password_reset", Key::AuditPasswordReset),
    ("password_changed", Key::AuditPasswordChanged),
    ("user_disabled", Key::AuditUserDisabled),
    ("device_revoked", Key::AuditDeviceRevoked),
    ("review_applied", Key::AuditReviewApplied),
    ("review_discarded", Key::AuditReviewDiscarded),
    ("pool_released", Key::AuditPoolReleased),
    ("pool_claimed", Key::AuditPoolClaimed),
    ("customer_erased", Key::AuditCustomerErased),
];

/// The organisation's audit log (PRODUCT §10), newest first, 50 lines at a time, by action.
#[component]
fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let lines = RwSignal::new(Vec::<AuditLine>::new());
    let next = RwSignal::new(None::<i64>);
    let action = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<Key>);
    let load = move |before: Option<i64>| {
        let mut path = String::from("/api/v1/audit?limit=50");
        if let Some(before) = before {
            path.push_str(&format!("&before={before}"));
        }
        let chosen = action.get_untracked();
        if !chosen.is_empty() {
            path.push_str(&format!("&action={chosen}"));
        }
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
    view! {
        <section class="card audit">
            <h2>{move || i18n.t(Key::AuditLog)}</h2>
            {move || failure.get().map(|key| view! { <p class="banner banner-error" role="alert">{i18n.t(key)}</p> })}
            <label class="field field-inline">
                <span>{move || i18n.t(Key::FilterAction)}</span>
                <select name="audit_action" on:change=move |ev| { action.set(event_target_value(&ev)); load(None); }>
                    <option value="">{move || i18n.t(Key::All)}</option>
                    {AUDIT_ACTIONS.iter().map(|(value, key)| view! {
                        <option value=*value selected=move || action.get() == *value>{move || i18n.t(*key)}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || !lines.with(Vec::is_empty) fallback=move || view! { <p class="empty">{i18n.t(Key::NoAuditLines)}</p> }>
                <ul class="list" aria-label=move || i18n.t(Key::AuditLog)>
                    {move || lines.get().into_iter().map(|line| {
                        let at = line.at.clone();
                        view! {
                            <li class="list-item">
                                <span class="list-title">{name(&line.actor)} " · " {label(&line.action)}
                                    {line.subject.as_ref().map(|_| view! { " · " {name(&line.subject)} })}
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
                        let edit = MemberEdit { name: Some(name.get_untracked()), role: Some(role.get_untracked()) };
                        act(gloo_net::http::Method::PATCH, path(""), serde_json::to_value(edit).ok(), Key::Saved);
                    }>
                        <label class="field"><span>{move || i18n.t(Key::Name)}</span>
                            <input type="text" name="member-name" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                        </label>
                        <RolePicker my_role role/>
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

/// 离职继承: a leaving user's customers, open tasks and history go to the colleagues chosen,
/// split evenly or by tier; the preview says what each receives before anything moves. The
/// moves and a note on each customer's timeline are written in one local transaction (synced
/// edits, `shared::customer::reassign::hand_over`), then the user is disabled. A second run
/// (after a crash, or on another device) finds nothing left to move.
#[component]
fn HandOverPanel(
    leaver: String,
    name: String,
    disabled: bool,
    finish: impl Fn() + Copy + Send + Sync + 'static,
    cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    use crate::pages::customer::reassign::owners;
    use huitou_shared::Kind;
    use huitou_shared::customer::reassign::{Customer, Split, hand_over};
    use huitou_shared::retention::Tier;

    let i18n = use_i18n();
    let replica = use_replica();
    let org = crate::org::use_org();
    let leaver = StoredValue::new(leaver);
    let chosen = RwSignal::new(Vec::<String>::new());
    let by_tier = RwSignal::new(true);
    let busy = RwSignal::new(false);
    let colleagues = Memo::new(move |_| {
        owners(replica)
            .into_iter()
            .filter(|(id, _)| *id != leaver.get_value())
            .collect::<Vec<_>>()
    });
    // The hand-over as it would be written now: edits, and per colleague (customers, open
    // tasks, open complaints).
    let plan = Memo::new_with_compare(
        move |_| {
            let today = chrono::Local::now().date_naive();
            let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let how = if by_tier.get() {
                Split::ByTier
            } else {
                Split::Evenly
            };
            let chosen = chosen.get();
            let to: Vec<&str> = chosen.iter().map(String::as_str).collect();
            replica.records.with(|r| {
                org.with(|org| {
                    replica
                        .derived
                        .update_value(|d| _ = d.refresh(r, org, today))
                });
                let leaver = leaver.get_value();
                let book: Vec<(Customer<'_>, Tier)> = r
                    .of_kind(Kind::CUSTOMER)
                    .filter(|c| c.record.text("owner") == Some(leaver.as_str()))
                    .filter(|c| !huitou_shared::customer::erasure::is_erased(&c.record))
                    .map(|c| {
                        let tier = replica
                            .derived
                            .with_value(|d| d.facts(&c.id).map_or(Tier::New, |f| f.tier));
                        let tasks = r
                            .children_of(Kind::TASK, &c.id)
                            .map(|t| (t.id.as_str(), &t.record))
                            .collect();
                        (
                            Customer {
                                id: &c.id,
                                owner: c.record.text("owner"),
                                tasks,
                            },
                            tier,
                        )
                    })
                    .collect();
                let done = hand_over(&book, &leaver, &to, how, &at);
                let complaints = |customer: &str| {
                    r.children_of(Kind::COMPLAINT, customer)
                        .filter(|c| {
                            !c.record.is_deleted() && c.record.value("resolved_at").is_none()
                        })
                        .count()
                };
                let mut rows: Vec<(String, usize, usize, usize)> = done
                    .shares
                    .iter()
                    .map(|(who, share)| (who.clone(), share.customers, share.open_tasks, 0))
                    .collect();
                for edit in done.edits.iter().filter(|e| e.kind == Kind::CUSTOMER) {
                    let to = edit
                        .fields
                        .first()
                        .and_then(|(_, v)| v.as_str())
                        .unwrap_or_default();
                    if let Some(row) = rows.iter_mut().find(|row| row.0 == to) {
                        row.3 += complaints(&edit.id);
                    }
                }
                (book.len(), done.edits, rows)
            })
        },
        |_, _| true,
    );
    let total = move || plan.with(|p| p.0);
    let confirm = move |_| {
        // On a half-received book some of their customers are not here yet.
        if busy.get_untracked() || !replica.settled() {
            return;
        }
        busy.set(true);
        let (_, edits, _) = plan.get_untracked();
        leptos::task::spawn_local(async move {
            match replica.edit_many(edits).await {
                Ok(()) => finish(),
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let name_of = move |id: &str| {
        colleagues.with(|c| {
            c.iter()
                .find(|(who, _)| who == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        })
    };
    let title = format!("{} {name}", i18n.t(Key::HandOver));
    view! {
        <div class="inline-form hand-over" role="group" aria-label=title>
            <p>{move || i18n.t(if disabled { Key::HandOverHelpDisabled } else { Key::HandOverHelp })}</p>
            <p>{move || i18n.t(Key::HandOverCount).replace("{n}", &total().to_string())}</p>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::HandOverTo)}</legend>
                {move || colleagues.get().into_iter().map(|(id, who)| {
                    let key = id.clone();
                    view! {
                        <label class="field-check">
                            <input type="checkbox" prop:checked={let id = id.clone(); move || chosen.with(|c| c.contains(&id))}
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| *x != key);
                                        if on { c.push(key.clone()); }
                                    });
                                }/>
                            <span>{who}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::HandOverSplit)}</legend>
                <label class="field-check">
                    <input type="radio" name="split" prop:checked=move || by_tier.get() on:change=move |_| by_tier.set(true)/>
                    <span>{move || i18n.t(Key::SplitByTier)}</span>
                </label>
                <label class="field-check">
                    <input type="radio" name="split" prop:checked=move || !by_tier.get() on:change=move |_| by_tier.set(false)/>
                    <span>{move || i18n.t(Key::SplitEvenly)}</span>
                </label>
            </fieldset>
            <Show when=move || !chosen.with(Vec::is_empty)>
                <table class="table">
                    <caption>{move || i18n.t(Key::HandOverPreview)}</caption>
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::Colleague)}</th>
                        <th scope="col">{move || i18n.t(Key::Customers)}</th>
                        <th scope="col">{move || i18n.t(Key::OpenTasks)}</th>
                        <th scope="col">{move || i18n.t(Key::OpenComplaints)}</th>
                    </tr></thead>
                    <tbody>
                        {move || plan.get().2.into_iter().map(|(who, customers, tasks, complaints)| view! {
                            <tr><th scope="row">{name_of(&who)}</th><td>{customers}</td><td>{tasks}</td><td>{complaints}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <Show when=move || !replica.settled()>
                <p class="muted" role="status">{move || i18n.t(Key::BookStillArriving)}</p>
            </Show>
            <div class="actions">
                <button type="button" class="button button-primary" on:click=confirm
                    disabled=move || busy.get() || !replica.settled() || (chosen.with(Vec::is_empty) && total() > 0)>
                    {move || i18n.t(if disabled { Key::HandOverConfirmDisabled } else { Key::HandOverConfirm }).replace("{n}", &total().to_string())}
                </button>
                <button type="button" class="button" on:click=move |_| cancel()>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </div>
    }
}
