//! `POST /api/v1/auth/login` and `/logout`: password in, opaque bearer token out.

use crate::AppState;
use crate::auth::{self, AuthUser};
use crate::error::ApiError;
use crate::routes::ApiJson;
use crate::routes::team;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use huitou_shared::api::{LiveTicket, LoginRequest, LoginResponse, User};
use serde_json::json;
use std::net::SocketAddr;

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let guard = &state.auth;
    guard.check_address(peer.ip())?;
    // The account key ignores case and spacing a user might vary between tries.
    let account = format!(
        "{}\u{1}{}",
        request.org.trim().to_lowercase(),
        request.username.trim().to_lowercase()
    );
    guard.check_account(&account)?;
    let device = match request.device.as_deref() {
        Some(device) => Some(
            huitou_shared::DeviceId::parse(device)
                .map_err(ApiError::BadRequest)?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    // No account has a NUL in its names (and PostgreSQL refuses one in a query's text).
    let named = !request.org.contains('\0') && !request.username.contains('\0');
    let user = if named {
        state
            .store
            .find_user(&request.org, &request.username)
            .await?
    } else {
        None
    };
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let matches = {
        let _turn = guard.hashing_turn().await?;
        auth::verify_password(request.password, stored_hash).await?
    };
    let Some(user) = user.clone().filter(|_| matches) else {
        guard.failed(&account);
        if let Some(known) = &user {
            team::audit(
                &state,
                &known.org_id,
                None,
                device.as_deref(),
                "sign_in_failed",
                Some(&known.id),
                json!({}),
            )
            .await;
        }
        return Err(ApiError::BadCredentials);
    };
    guard.succeeded(&account);
    if user.disabled_at.is_some() {
        team::audit(
            &state,
            &user.org_id,
            None,
            device.as_deref(),
            "sign_in_refused",
            Some(&user.id),
            json!({"why": "disabled"}),
        )
        .await;
        return Err(ApiError::AccountDisabled);
    }
    let token = auth::new_token()?;
    state
        .store
        .insert_token(&auth::token_hash(&token), &user.id, device.as_deref())
        .await?;
    tracing::info!(user = %user.id, "logged in");
    team::audit(
        &state,
        &user.org_id,
        Some(&user.id),
        device.as_deref(),
        "sign_in",
        Some(&user.id),
        json!({}),
    )
    .await;
    Ok(Json(LoginResponse {
        token,
        must_change_password: user.must_change_password,
        user: User {
            id: user.id,
            name: user.name,
            role: user.role,
        },
        server_time_ms: crate::routes::sync::server_time_ms(),
    }))
}

pub async fn logout(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    state.store.revoke_token(&user.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/sync/live/ticket`: a single-use ticket, valid for a minute, to open the live
/// stream with (`GET /api/v1/sync/live?ticket=…`), so the bearer token never goes in a URL.
pub async fn live_ticket(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<LiveTicket>, ApiError> {
    let ticket = auth::new_token()?;
    let expires =
        chrono::Utc::now() + chrono::TimeDelta::from_std(auth::TICKET_LIFETIME).unwrap_or_default();
    state
        .store
        .insert_ticket(
            &auth::token_hash(&ticket),
            &user.token_hash,
            &expires.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        )
        .await?;
    Ok(Json(LiveTicket {
        ticket,
        expires_in_ms: u64::try_from(auth::TICKET_LIFETIME.as_millis()).unwrap_or(u64::MAX),
    }))
}
