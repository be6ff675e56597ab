//! The single route table: every endpoint, the layers around them, and the fallbacks.

pub mod auth;
pub mod customers;
pub mod health;
pub mod sync;

use crate::AppState;
use crate::error::{ApiError, panic_response};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, get, post};
use huitou_shared::api::MAX_PUSH_BYTES;
use std::path::Path;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

pub fn router(state: AppState, static_dir: Option<&Path>) -> Router {
    let api = Router::new()
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route(
            "/api/v1/sync/push",
            post(sync::push).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route("/api/v1/sync/pull", get(sync::pull))
        .route("/api/v1/sync/live", get(sync::live))
        .route("/api/v1/customers/{id}/summary", get(customers::summary))
        .route("/healthz", get(health::show))
        .route("/api", any(not_found))
        .route("/api/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    let app = match static_dir {
        Some(dir) => {
            let files = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
            api.fallback_service(files)
                .layer(middleware::from_fn(no_cache_for_app_shell))
        }
        None => api.fallback(not_found),
    };
    app.layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(panic_response))
        // Method and path only: the query may carry `access_token`, headers carry bearer tokens.
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        }))
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// `index.html` and `sw.js` must be revalidated, or a device keeps running an old app.
async fn no_cache_for_app_shell(request: Request, next: Next) -> Response {
    let is_worker = request.uri().path().ends_with("/sw.js");
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_worker || is_html {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

/// `Json` whose rejections use our error shape: 413 for bodies over the limit, 400 for the rest.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    axum::Json<T>:
        axum::extract::FromRequest<S, Rejection = axum::extract::rejection::JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::TooLarge(format!(
                    "the body is larger than {} bytes",
                    MAX_PUSH_BYTES
                )))
            }
            Err(rejection) => Err(ApiError::BadRequest(rejection.body_text())),
        }
    }
}
