//! Passwords (argon2, hashed off the async threads), opaque bearer tokens stored as SHA-256, and the auth extractor.

use crate::AppState;
use crate::error::ApiError;
use crate::store::Actor;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use huitou_shared::Role;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The only path that takes its token from the query string: `EventSource` cannot set headers.
pub const LIVE_PATH: &str = "/api/v1/sync/live";

/// Hashes a password into a PHC string (argon2id, default parameters).
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
}

pub fn hash_password_blocking(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::Internal(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Checks a password; with no stored hash it still does the work, so timing does not tell which part was wrong.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let decoy = || {
            static DECOY: OnceLock<String> = OnceLock::new();
            DECOY
                .get_or_init(|| hash_password_blocking("decoy").unwrap_or_default())
                .clone()
        };
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(decoy);
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))
}

/// A new bearer token: 32 random bytes as hex.
pub fn new_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The authenticated user of a request.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user_id: String,
    pub org_id: String,
    pub role: Role,
    pub token_hash: String,
}

impl AuthUser {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user_id.clone(),
            org_id: self.org_id.clone(),
            role: self.role,
        }
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        let text = header.to_str().ok()?;
        let (scheme, token) = text.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    if parts.uri.path() == LIVE_PATH {
        let query = parts.uri.query()?;
        return query.split('&').find_map(|pair| {
            pair.strip_prefix("access_token=")
                .map(|token| token.to_owned())
        });
    }
    None
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        let token_hash = token_hash(&token);
        let user = state
            .store
            .token_user(&token_hash)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Self {
            user_id: user.id,
            org_id: user.org_id,
            role: user.role,
            token_hash,
        })
    }
}
