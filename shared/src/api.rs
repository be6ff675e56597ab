//! Wire types of the HTTP API (SYNC §3) and the one error shape every error uses.

use crate::merge::Change;
use crate::model::Role;
use serde::{Deserialize, Serialize};

/// Most changes one push may carry.
pub const MAX_PUSH_CHANGES: usize = 5000;
/// Largest push body, in bytes.
pub const MAX_PUSH_BYTES: usize = 8 * 1024 * 1024;
/// Page size of a pull when the device names none.
pub const DEFAULT_PULL_LIMIT: usize = 1000;
/// Largest page a pull returns.
pub const MAX_PULL_LIMIT: usize = 5000;
/// How far ahead of server time a change's clock may be (SYNC §8.5).
pub const MAX_CLOCK_AHEAD_MS: u64 = 5 * 60 * 1000;
/// Largest encoded `value` of a change.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub org: String,
    pub username: String,
    pub password: String,
    /// The device id this sign-in will sync with (SYNC §2), so the token is tied to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
}

/// `POST /api/v1/sync/live/ticket` → a single-use ticket for `GET /api/v1/sync/live?ticket=`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveTicket {
    pub ticket: String,
    pub expires_in_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub user: User,
    pub server_time_ms: u64,
}

/// A push body. `changes` stay raw JSON so each change is judged on its own (SYNC §6):
/// one malformed change is rejected with `invalid`, the rest of the request still counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub device: String,
    pub changes: Vec<serde_json::Value>,
}

/// Why the server refused one change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The change's clock is more than five minutes ahead: re-stamp and push again.
    ClockAhead,
    /// The user may not write that record.
    Forbidden,
    /// Malformed or fails validation.
    Invalid,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClockAhead => "clock_ahead",
            Self::Forbidden => "forbidden",
            Self::Invalid => "invalid",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub op: String,
    pub code: RejectCode,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub accepted: Vec<String>,
    pub rejected: Vec<Rejection>,
    pub cursor: String,
    pub server_time_ms: u64,
}

/// A record the user may no longer read: the device deletes its copy.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    pub kind: String,
    pub id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    pub cursor: String,
    pub has_more: bool,
    #[serde(default)]
    pub revoked: Vec<RecordRef>,
    pub server_time_ms: u64,
    /// Asked for with `count=true`, answered for users who read the whole organisation: how
    /// many changes remain after this page, so a first sync can show its progress. An
    /// estimate for display only (changes stored meanwhile add to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
}

/// Data of the `changed` event of `GET /api/v1/sync/live`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub cursor: String,
}

/// `{"error": {"code": "...", "message": "..."}}` — the body of every error answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.into(),
                message: message.into(),
            },
        }
    }
}
