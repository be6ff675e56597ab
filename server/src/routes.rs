//! The single route table: every endpoint, the layers around them, and the fallbacks.

pub mod audit;
pub mod auth;
pub mod customers;
pub mod erase;
pub mod exports;
pub mod health;
pub mod imports;
pub mod reports;
pub mod review;
pub mod sync;
pub mod team;

use crate::AppState;
use crate::error::{ApiError, panic_response};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{any, get, patch, post};
use huitou_shared::api::MAX_PUSH_BYTES;
use std::path::Path;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{Compression, CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Bodies other than a push's are small (sign-in, tickets): bound them tightly.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// A request that takes longer is answered 503 (and its transaction rolled back).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

pub fn router(state: AppState, static_dir: Option<&Path>) -> Router {
    let csp = content_security_policy(static_dir);
    let api = Router::new()
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route(
            "/api/v1/sync/push",
            post(sync::push).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route("/api/v1/sync/pull", get(sync::pull))
        .route("/api/v1/sync/live", get(sync::live))
        .route("/api/v1/sync/live/ticket", post(auth::live_ticket))
        .route("/api/v1/auth/password", post(team::change_password))
        .route("/api/v1/customers/{id}/summary", get(customers::summary))
        .route("/api/v1/customers/{id}/erase", post(erase::erase))
        .route("/api/v1/users", get(team::list).post(team::create))
        .route("/api/v1/users/{id}", patch(team::edit))
        .route("/api/v1/users/{id}/password", post(team::reset_password))
        .route("/api/v1/users/{id}/disable", post(team::disable))
        .route("/api/v1/devices", get(team::devices))
        .route("/api/v1/devices/revoke", post(team::revoke_device))
        .route("/api/v1/audit", get(audit::index))
        .route("/api/v1/audit/export", get(audit::export))
        .route("/api/v1/reports/{report}", get(reports::show))
        .route(
            "/api/v1/imports/check",
            post(imports::check).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route(
            "/api/v1/imports",
            post(imports::import).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route(
            "/api/v1/exports",
            post(exports::export).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route("/api/v1/review", get(review::list))
        .route("/api/v1/review/{id}/apply", post(review::apply))
        .route("/api/v1/review/{id}/discard", post(review::discard))
        .route("/healthz", get(health::show))
        .route("/api", any(not_found))
        .route("/api/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // API answers are made once and read once: the fastest level still shrinks a pull page
        // of JSON about fivefold, where the default level cost 40 % of a pull's server time.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .with_state(state);
    let app = match static_dir {
        Some(dir) => {
            let shell = get(app_shell).with_state(dir.to_path_buf());
            // `/` too goes to the shell, which picks the page (not straight to `index.html`).
            // The bundles are sent as `scripts/build-app` compressed them (`.br`, `.gz` beside
            // each file, brotli at its best level): compressing a 3 MB wasm per first visit
            // took seconds of CPU and tens of MB of peak memory. A file without them (a page,
            // a build by hand) is compressed on the way out at a middle level, which costs
            // little of either; `Compression` leaves an already encoded answer alone.
            let files = Compression::new(
                ServeDir::new(dir)
                    .precompressed_br()
                    .precompressed_gzip()
                    .append_index_html_on_directories(false)
                    .fallback(shell),
            )
            .quality(CompressionLevel::Precise(5));
            api.fallback_service(files)
                .layer(middleware::from_fn(no_cache_for_app_shell))
        }
        None => api.fallback(not_found),
    };
    app.layer(middleware::from_fn(time_limit))
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'self'")),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        // Method and path only: the query may carry `access_token`, headers carry bearer tokens.
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        }))
}

/// The app's Content-Security-Policy: its own scripts and wasm only. Trunk's loader is an
/// inline module script in `index.html`; it is allowed by its SHA-256 and nothing else inline is.
pub fn content_security_policy(static_dir: Option<&Path>) -> String {
    let pages: Vec<String> = [MAIN_PAGE, MANAGER_PAGE]
        .iter()
        .filter_map(|page| std::fs::read_to_string(static_dir?.join(page)).ok())
        .collect();
    let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
    for inline in pages.iter().flat_map(|page| inline_scripts(page)) {
        use base64::Engine;
        use sha2::Digest;
        let digest = sha2::Sha256::digest(inline.as_bytes());
        let hash = base64::engine::general_purpose::STANDARD.encode(digest);
        scripts.push_str(&format!(" 'sha256-{hash}'"));
    }
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The app's page, and the manager bundle's (`crate::bundle` in the app), in the app's folder.
const MAIN_PAGE: &str = "index.html";
const MANAGER_PAGE: &str = "manage/index.html";

/// The page for any path that is not a file (the app routes itself): the manager bundle's
/// when the browser asks for it (`huitou_bundle=manager`, set by the app when a manager
/// signs in — a hint, not a permission: every API call is authorised by its token) and this
/// server has it, the main one otherwise.
async fn app_shell(
    axum::extract::State(dir): axum::extract::State<std::path::PathBuf>,
    headers: axum::http::HeaderMap,
) -> Response {
    let wants_manager = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| pair.trim() == "huitou_bundle=manager");
    let mut page = None;
    if wants_manager {
        page = tokio::fs::read_to_string(dir.join(MANAGER_PAGE)).await.ok();
    }
    if page.is_none() {
        page = tokio::fs::read_to_string(dir.join(MAIN_PAGE)).await.ok();
    }
    match page {
        Some(html) => {
            let mut response = axum::response::Html(html).into_response();
            response
                .headers_mut()
                .insert(axum::http::header::VARY, HeaderValue::from_static("Cookie"));
            response
        }
        None => ApiError::NotFound.into_response(),
    }
}

/// The bodies of `<script>` elements without `src` in an HTML page.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            found.push(&body[..close]);
        }
        rest = &body[close..];
    }
    found
}

/// Answers a request that runs longer than `REQUEST_TIMEOUT` with 503 in the JSON shape. A live
/// stream is not cut: its response (headers) comes at once and only its body goes on.
async fn time_limit(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("request timed out");
            ApiError::Unavailable.into_response()
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_external_ones_skipped() {
        let html = r#"<script src="/a.js"></script><script type="module">import init from '/app.js';init();</script><p>x</p>"#;
        assert_eq!(
            inline_scripts(html),
            vec!["import init from '/app.js';init();"]
        );
        assert!(inline_scripts("<p>no scripts</p>").is_empty());
    }
}
