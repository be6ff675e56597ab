//! `GET /healthz`: 200 once the database answers.

use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

pub async fn show(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.store.ping().await.map_err(|error| {
        tracing::warn!(%error, "health check failed");
        ApiError::Unavailable
    })?;
    Ok(Json(json!({"status": "ok"})))
}
