//! Every error the API answers with: one enum, turned into `{"error": {"code", "message"}}` here and nowhere else.

use crate::store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huitou_shared::api::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    BadCursor(String),
    #[error("missing, unknown or revoked token")]
    Unauthorized,
    #[error("unknown organisation, user name or password")]
    BadCredentials,
    /// The account was disabled: a device may hand in what it held (a last push), nothing else.
    #[error("this account was disabled by a manager")]
    AccountDisabled,
    /// The user may not do this (e.g. a salesperson opening the Team screen's API).
    #[error("{0}")]
    Forbidden(String),
    /// The password was set by someone else: choose your own first.
    #[error("choose your own password first")]
    PasswordChangeRequired,
    #[error("no such resource")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    /// Well-formed but not acceptable (SYNC §3: 422), e.g. an erasure confirmed with the wrong name.
    #[error("{0}")]
    Invalid(String),
    /// Too many attempts: try again after `retry_after` seconds.
    #[error("too many attempts, try again in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    #[error("the database is unavailable, try again later")]
    Unavailable,
    /// The detail is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::BadCursor(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::BadCredentials | Self::AccountDisabled => {
                StatusCode::UNAUTHORIZED
            }
            Self::Forbidden(_) | Self::PasswordChangeRequired => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::BadCursor(_) => "bad_cursor",
            Self::Unauthorized => "unauthorized",
            Self::BadCredentials => "bad_credentials",
            Self::AccountDisabled => "account_disabled",
            Self::Forbidden(_) => "forbidden",
            Self::PasswordChangeRequired => "password_change_required",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::TooLarge(_) => "too_large",
            Self::Invalid(_) => "invalid",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unavailable => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

impl ApiError {
    /// Seconds a client should wait before trying again (`Retry-After`), for 429 and 503.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after } => Some(*retry_after),
            Self::Unavailable => Some(RETRY_AFTER_SECONDS),
            _ => None,
        }
    }
}

/// What `Retry-After` says when the database is busy.
pub const RETRY_AFTER_SECONDS: u64 = 2;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(detail) => tracing::error!(%detail, "internal error"),
            Self::Unavailable => tracing::warn!("database unavailable"),
            _ => {}
        }
        let body = ErrorBody::new(self.code(), self.to_string());
        let mut response = (self.status(), Json(body)).into_response();
        if let Some(seconds) = self.retry_after() {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                Self::Unavailable
            }
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Other(detail) => Self::Internal(detail),
        }
    }
}

/// Answer of the panic catcher: a plain 500 in the usual shape, the panic text only in the log.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    ApiError::Internal(format!("panic: {detail}")).into_response()
}
