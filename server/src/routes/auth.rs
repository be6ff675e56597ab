//! `POST /api/v1/auth/login` and `/logout`: password in, opaque bearer token out.

use crate::AppState;
use crate::auth::{self, AuthUser};
use crate::error::ApiError;
use crate::routes::ApiJson;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use huitou_shared::api::{LoginRequest, LoginResponse, User};

pub async fn login(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let user = state
        .store
        .find_user(&request.org, &request.username)
        .await?;
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let matches = auth::verify_password(request.password, stored_hash).await?;
    let Some(user) = user.filter(|_| matches) else {
        return Err(ApiError::BadCredentials);
    };
    let token = auth::new_token()?;
    state
        .store
        .insert_token(&auth::token_hash(&token), &user.id)
        .await?;
    tracing::info!(user = %user.id, "logged in");
    Ok(Json(LoginResponse {
        token,
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
