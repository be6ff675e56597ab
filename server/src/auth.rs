//! Passwords (argon2, hashed off the async threads, a bounded number at a time), opaque
//! bearer tokens stored as SHA-256 that end (idle and absolute expiry, logout), single-use
//! live-stream tickets, login throttling, and the auth extractor.

use crate::AppState;
use crate::error::ApiError;
use crate::store::{Actor, TokenExpiry};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use huitou_shared::Role;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// The only path that takes a credential from the query string (`?ticket=`, a single-use
/// ticket from `POST /api/v1/sync/live/ticket`): `EventSource` cannot set headers.
pub const LIVE_PATH: &str = "/api/v1/sync/live";
/// How long a live ticket stays usable.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(60);
/// A token's `last_used_at` is written at most this often.
const TOUCH_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// How long tokens live and how hard sign-in may be tried.
#[derive(Clone, Debug)]
pub struct Policy {
    /// A token unused for this long stops working.
    pub token_idle: Duration,
    /// A token stops working this long after sign-in, used or not.
    pub token_lifetime: Duration,
    /// Sign-in attempts one address may make per minute (a burst of as many, then one per
    /// `60 / n` seconds).
    pub logins_per_minute: u32,
    /// Failed sign-ins of one account before it must wait; each further failure doubles the wait.
    pub free_failures: u32,
    /// Password hashes computed at once (each takes 19 MiB); further sign-ins wait their turn.
    pub concurrent_hashes: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            token_idle: Duration::from_secs(30 * 24 * 3600),
            token_lifetime: Duration::from_secs(90 * 24 * 3600),
            logins_per_minute: 20,
            free_failures: 5,
            concurrent_hashes: 4,
        }
    }
}

/// First wait after the free failures, doubled per further failure, up to `MAX_LOCKOUT`.
const FIRST_LOCKOUT: Duration = Duration::from_secs(30);
const MAX_LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Accounts tracked before settled entries are forgotten.
const TRACKED_ACCOUNTS: usize = 10_000;

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    until: Instant,
}

/// Sign-in throttling (per address, per account) and the bound on concurrent password hashes.
pub struct Guard {
    pub policy: Policy,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    accounts: Mutex<HashMap<String, Failures>>,
    hashing: Semaphore,
}

impl Guard {
    pub fn new(policy: Policy) -> Self {
        let per_minute =
            NonZeroU32::new(policy.logins_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            addresses: RateLimiter::keyed(Quota::per_minute(per_minute)),
            accounts: Mutex::new(HashMap::new()),
            hashing: Semaphore::new(policy.concurrent_hashes.max(1)),
            policy,
        }
    }

    /// Refuses a sign-in from `address` that comes too soon, with the seconds to wait.
    pub fn check_address(&self, address: IpAddr) -> Result<(), ApiError> {
        self.addresses.check_key(&address).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            ApiError::TooManyRequests {
                retry_after: wait.as_secs().max(1),
            }
        })
    }

    /// Refuses a sign-in of an account still waiting after failures.
    pub fn check_account(&self, account: &str) -> Result<(), ApiError> {
        let accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        match accounts.get(account) {
            Some(failures) if failures.until > Instant::now() => Err(ApiError::TooManyRequests {
                retry_after: (failures.until - Instant::now()).as_secs().max(1),
            }),
            _ => Ok(()),
        }
    }

    /// Counts a failed sign-in; past the free ones the account waits, longer each time.
    pub fn failed(&self, account: &str) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if accounts.len() >= TRACKED_ACCOUNTS {
            accounts.retain(|_, f| f.until > now);
        }
        let entry = accounts.entry(account.to_owned()).or_insert(Failures {
            count: 0,
            until: now,
        });
        entry.count += 1;
        if let Some(over) = entry.count.checked_sub(self.policy.free_failures + 1) {
            let wait = FIRST_LOCKOUT
                .saturating_mul(1u32 << over.min(10))
                .min(MAX_LOCKOUT);
            entry.until = now + wait;
        }
    }

    /// A successful sign-in clears the account's failures.
    pub fn succeeded(&self, account: &str) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        accounts.remove(account);
    }

    /// Waits for a turn to hash a password (at most `concurrent_hashes` at once).
    pub async fn hashing_turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        match tokio::time::timeout(Duration::from_secs(10), self.hashing.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ApiError::TooManyRequests { retry_after: 5 }),
        }
    }

    /// The cut-offs a token must be newer than, now.
    pub fn expiry(&self) -> TokenExpiry {
        let now = chrono::Utc::now();
        let before = |d: Duration| {
            let back = chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX);
            now.checked_sub_signed(back)
                .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        TokenExpiry {
            idle_since: before(self.policy.token_idle),
            created_since: before(self.policy.token_lifetime),
        }
    }
}

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
    /// Set when the account was disabled: then only a last push (and logout) gets this far.
    pub disabled_at: Option<String>,
    /// The device the token was signed in from, when it said.
    pub device: Option<String>,
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
    let header = parts.headers.get(AUTHORIZATION)?;
    let text = header.to_str().ok()?;
    let (scheme, token) = text.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The `ticket` of a live-stream request's query.
fn ticket(parts: &Parts) -> Option<String> {
    if parts.uri.path() != LIVE_PATH {
        return None;
    }
    parts.uri.query()?.split('&').find_map(|pair| {
        pair.strip_prefix("ticket=")
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    })
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token_hash = match (bearer(parts).filter(|t| !t.is_empty()), ticket(parts)) {
            (Some(token), _) => token_hash(&token),
            (None, Some(ticket)) => state
                .store
                .take_ticket(&token_hash(&ticket), &now_text())
                .await?
                .ok_or(ApiError::Unauthorized)?,
            (None, None) => return Err(ApiError::Unauthorized),
        };
        let Some(used) = state
            .store
            .token_user(&token_hash, &state.auth.expiry())
            .await?
        else {
            return disabled_account(parts, state, token_hash).await;
        };
        // A password someone else set must be replaced before anything else.
        let path = parts.uri.path();
        if used.user.must_change_password
            && path != "/api/v1/auth/password"
            && path != "/api/v1/auth/logout"
        {
            return Err(ApiError::PasswordChangeRequired);
        }
        let stale = chrono::DateTime::parse_from_rfc3339(&used.last_used_at)
            .map(|at| chrono::Utc::now().signed_duration_since(at) > TOUCH_EVERY)
            .unwrap_or(true);
        if stale {
            // At most once a minute per token (a write on every pull would take the write
            // lock pushes need): idle expiry and the device's last sync are minute-exact.
            // Best effort: a busy database must not turn a pull into an error; the next
            // request a minute on tries again.
            let syncing = parts.uri.path().starts_with("/api/v1/sync/");
            if let Err(e) = state
                .store
                .touch_token(&token_hash, &now_text(), syncing)
                .await
            {
                tracing::warn!(error = %e, "could not note a token's use");
            }
        }
        Ok(Self {
            user_id: used.user.id,
            org_id: used.user.org_id,
            role: used.user.role,
            token_hash,
            disabled_at: None,
            device: used.device,
        })
    }
}

/// A token that no longer works: `account_disabled` when its user was disabled (so the
/// device knows to hand in what it holds and wipe the organisation's data), and then a last
/// push still gets through; else `unauthorized`.
async fn disabled_account(
    parts: &Parts,
    state: &AppState,
    token_hash: String,
) -> Result<AuthUser, ApiError> {
    let user = state
        .store
        .disabled_token_user(&token_hash)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let handing_in = parts.method == axum::http::Method::POST
        && matches!(
            parts.uri.path(),
            "/api/v1/sync/push" | "/api/v1/auth/logout"
        );
    if !handing_in {
        return Err(ApiError::AccountDisabled);
    }
    Ok(AuthUser {
        user_id: user.id,
        org_id: user.org_id,
        role: user.role,
        token_hash,
        disabled_at: user.disabled_at,
        device: None,
    })
}
