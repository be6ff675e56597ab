//! The Team screen's API (PRODUCT §10, issue 10): users and their devices (the audit log
//! they fill is read in `audit.rs`).
//! Managers manage salespeople, admins everyone (`permissions::may_manage`); nobody
//! disables, resets or re-roles themselves. Every action is written to the audit log.

use crate::AppState;
use crate::auth::{self, AuthUser};
use crate::directory;
use crate::error::ApiError;
use crate::permissions::may_manage;
use crate::routes::ApiJson;
use crate::store::{AuditEntry, DeviceRow, UserRow};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use huitou_shared::api::{
    DeviceInfo, DeviceRevoke, Devices, Member, MemberEdit, Members, NewMember, PasswordChange,
    PasswordReset, password_problem,
};
use huitou_shared::model::is_uuid_text;
use serde_json::{Value, json};

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn member(user: UserRow) -> Member {
    Member {
        id: user.id,
        username: user.username,
        name: user.name,
        role: user.role,
        disabled_at: user.disabled_at,
        must_change_password: user.must_change_password,
        team: user.team,
    }
}

/// Managers and admins only: `403` saying "only managers and admins {what}" otherwise.
pub(crate) fn managers_only(user: &AuthUser, what: &str) -> Result<(), ApiError> {
    if user.role.sees_everything() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "only managers and admins {what}"
        )))
    }
}

pub(crate) fn manager(user: &AuthUser) -> Result<(), ApiError> {
    managers_only(user, "manage the team")
}

/// The user `id` of the actor's organisation, when the actor may manage them.
async fn managed(state: &AppState, actor: &AuthUser, id: &str) -> Result<UserRow, ApiError> {
    manager(actor)?;
    if !is_uuid_text(id) {
        return Err(ApiError::NotFound);
    }
    let target = state
        .store
        .user(&actor.org_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if target.id == actor.user_id {
        return Err(ApiError::Forbidden(
            "you cannot do this to your own account".to_owned(),
        ));
    }
    if !may_manage(actor.role, target.role) {
        return Err(ApiError::Forbidden(format!(
            "a {} cannot manage a {}",
            actor.role.as_str(),
            target.role.as_str()
        )));
    }
    Ok(target)
}

/// Writes one audit line; a failure is logged, never turned into a failed action.
pub async fn audit(
    state: &AppState,
    org_id: &str,
    actor: Option<&str>,
    device: Option<&str>,
    action: &str,
    subject: Option<&str>,
    detail: Value,
) {
    let entry = AuditEntry {
        at: now_text(),
        actor: actor.map(str::to_owned),
        device: device.map(str::to_owned),
        action: action.to_owned(),
        subject: subject.map(str::to_owned),
        detail,
    };
    if let Err(e) = state.store.audit(org_id, &entry).await {
        tracing::error!(error = %e, action, "could not write the audit log");
    }
}

/// Writes one audit line for an action of the signed-in `actor`.
pub(crate) async fn audit_by(
    state: &AppState,
    actor: &AuthUser,
    action: &str,
    subject: &str,
    detail: Value,
) {
    audit(
        state,
        &actor.org_id,
        Some(&actor.user_id),
        actor.device.as_deref(),
        action,
        Some(subject),
        detail,
    )
    .await;
}

/// A user name or display name: trimmed, 1 to 64 characters, no control characters.
fn name_field(what: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars == 0 || chars > 64 || text.chars().any(char::is_control) {
        return Err(ApiError::BadRequest(format!(
            "{what} must be 1 to 64 characters, without control characters"
        )));
    }
    Ok(text.to_owned())
}

fn password_field(password: &str) -> Result<(), ApiError> {
    match password_problem(password) {
        Some(problem) => Err(ApiError::BadRequest(problem)),
        None => Ok(()),
    }
}

/// Publishes the user's synced record (names in history, owners lists) and wakes every
/// device of the organisation — a disabled user's too, which then learns it was disabled.
async fn publish(state: &AppState, user: &UserRow) -> Result<(), ApiError> {
    let outcome = directory::publish_user(state.store.as_ref(), user)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let cursor = crate::routes::sync::encode_cursor(&crate::store::Position {
        seq: outcome.latest_seq,
        round: None,
    });
    crate::routes::sync::tell_devices(state, &user.org_id, &outcome, &cursor).await;
    Ok(())
}

/// `GET /api/v1/users`
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Members>, ApiError> {
    manager(&user)?;
    let users = state.store.users(&user.org_id).await?;
    Ok(Json(Members {
        users: users.into_iter().map(member).collect(),
    }))
}

/// `POST /api/v1/users`: a new user whose first password must be changed at first sign-in.
pub async fn create(
    State(state): State<AppState>,
    actor: AuthUser,
    ApiJson(request): ApiJson<NewMember>,
) -> Result<(StatusCode, Json<Member>), ApiError> {
    manager(&actor)?;
    if !may_manage(actor.role, request.role) {
        return Err(ApiError::Forbidden(format!(
            "a {} cannot create a {}",
            actor.role.as_str(),
            request.role.as_str()
        )));
    }
    let username = name_field("username", &request.username)?;
    if username.chars().any(char::is_whitespace) {
        return Err(ApiError::BadRequest(
            "username must not hold spaces".to_owned(),
        ));
    }
    let name = name_field("name", &request.name)?;
    password_field(&request.password)?;
    let hash = auth::hash_password(request.password).await?;
    let mut created = state
        .store
        .create_user(&actor.org_id, &username, &name, request.role, &hash)
        .await?;
    state
        .store
        .set_password(&created.id, &hash, true, None)
        .await?;
    created.must_change_password = true;
    publish(&state, &created).await?;
    audit_by(
        &state,
        &actor,
        "user_created",
        &created.id,
        json!({"username": created.username, "name": created.name, "role": created.role.as_str()}),
    )
    .await;
    Ok((StatusCode::CREATED, Json(member(created))))
}

/// `PATCH /api/v1/users/{id}`: rename, change role or store/team (managers only).
pub async fn edit(
    State(state): State<AppState>,
    actor: AuthUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<MemberEdit>,
) -> Result<Json<Member>, ApiError> {
    let name = request
        .name
        .as_deref()
        .map(|n| name_field("name", n))
        .transpose()?;
    let team = request
        .team
        .as_deref()
        .map(|t| {
            let t = t.trim();
            if t.chars().count() > 60 || t.chars().any(char::is_control) {
                Err(ApiError::BadRequest(
                    "team must be at most 60 characters, one line".into(),
                ))
            } else {
                Ok(t.to_owned())
            }
        })
        .transpose()?;
    // Renaming yourself is fine, and a manager may set their own team; changing your own role
    // is not, nor a salesperson their team.
    let before = if id == actor.user_id
        && request.role.is_none()
        && (team.is_none() || actor.role.sees_everything())
    {
        state
            .store
            .user(&actor.org_id, &id)
            .await?
            .ok_or(ApiError::NotFound)?
    } else {
        managed(&state, &actor, &id).await?
    };
    if let Some(role) = request.role
        && !may_manage(actor.role, role)
    {
        return Err(ApiError::Forbidden(format!(
            "a {} cannot make someone a {}",
            actor.role.as_str(),
            role.as_str()
        )));
    }
    let after = state
        .store
        .update_user(
            &actor.org_id,
            &id,
            name.as_deref(),
            request.role,
            team.as_deref(),
        )
        .await?
        .ok_or(ApiError::NotFound)?;
    publish(&state, &after).await?;
    audit_by(
        &state,
        &actor,
        "user_changed",
        &id,
        json!({
            "name": [before.name, after.name],
            "role": [before.role.as_str(), after.role.as_str()],
            "team": [before.team, after.team],
        }),
    )
    .await;
    Ok(Json(member(after)))
}

/// `POST /api/v1/users/{id}/password`: a new password the user must change; their devices
/// are signed out.
pub async fn reset_password(
    State(state): State<AppState>,
    actor: AuthUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<PasswordReset>,
) -> Result<StatusCode, ApiError> {
    let target = managed(&state, &actor, &id).await?;
    password_field(&request.password)?;
    let hash = auth::hash_password(request.password).await?;
    state
        .store
        .set_password(&target.id, &hash, true, None)
        .await?;
    audit_by(&state, &actor, "password_reset", &target.id, json!({})).await;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/users/{id}/disable`: the user can no longer sign in, every token of theirs
/// stops reading at once, and their devices hand in what they hold and wipe. Idempotent.
pub async fn disable(
    State(state): State<AppState>,
    actor: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Member>, ApiError> {
    let target = managed(&state, &actor, &id).await?;
    let disabled = state
        .store
        .disable_user(&actor.org_id, &target.id, &now_text())
        .await?
        .ok_or(ApiError::NotFound)?;
    publish(&state, &disabled).await?;
    if target.disabled_at.is_none() {
        audit_by(
            &state,
            &actor,
            "user_disabled",
            &target.id,
            json!({"name": target.name}),
        )
        .await;
    }
    Ok(Json(member(disabled)))
}

/// `POST /api/v1/auth/password`: a signed-in user chooses their own password; their other
/// devices are signed out, this one stays.
pub async fn change_password(
    State(state): State<AppState>,
    actor: AuthUser,
    ApiJson(request): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let user = state
        .store
        .user(&actor.org_id, &actor.user_id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let matches = {
        let _turn = state.auth.hashing_turn().await?;
        auth::verify_password(request.current, Some(user.password_hash.clone())).await?
    };
    if !matches {
        return Err(ApiError::BadCredentials);
    }
    password_field(&request.new)?;
    let same = {
        let _turn = state.auth.hashing_turn().await?;
        auth::verify_password(request.new.clone(), Some(user.password_hash)).await?
    };
    if same {
        return Err(ApiError::BadRequest(
            "the new password must differ from the current one".to_owned(),
        ));
    }
    let hash = auth::hash_password(request.new).await?;
    state
        .store
        .set_password(&user.id, &hash, false, Some(&actor.token_hash))
        .await?;
    audit_by(
        &state,
        &actor,
        "password_changed",
        &actor.user_id,
        json!({}),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

fn device_info(row: DeviceRow) -> DeviceInfo {
    DeviceInfo {
        user_id: row.user_id,
        device: row.device,
        first_sign_in: row.first_sign_in,
        last_sign_in: row.last_sign_in,
        last_seen: row.last_seen,
        last_sync: row.last_sync,
        signed_in: row.signed_in,
        waiting: row.waiting,
    }
}

/// `GET /api/v1/devices`
pub async fn devices(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Devices>, ApiError> {
    manager(&user)?;
    let rows = state.store.devices(&user.org_id).await?;
    Ok(Json(Devices {
        devices: rows.into_iter().map(device_info).collect(),
    }))
}

/// `POST /api/v1/devices/revoke`: signs one device of one user out.
pub async fn revoke_device(
    State(state): State<AppState>,
    actor: AuthUser,
    ApiJson(request): ApiJson<DeviceRevoke>,
) -> Result<StatusCode, ApiError> {
    let target = managed(&state, &actor, &request.user_id).await?;
    let ended = state
        .store
        .revoke_device(&actor.org_id, &target.id, &request.device)
        .await?;
    if ended == 0 {
        return Err(ApiError::NotFound);
    }
    audit_by(
        &state,
        &actor,
        "device_revoked",
        &target.id,
        json!({"device": request.device}),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}
