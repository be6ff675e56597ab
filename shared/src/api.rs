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

const DECISION_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x3c9e_51a0_7d24_4e8b_b1f6_08a2_c4d7_e913);

/// The id of the `decision` record on the refused change `op`: one per change, whoever decides.
pub fn decision_id(op: &str) -> String {
    uuid::Uuid::new_v5(&DECISION_NAMESPACE, op.as_bytes()).to_string()
}

/// The device id and author of what the server writes by itself (the directory of users, the
/// shared pool's releases).
pub const SERVER_AUTHOR: &str = "huitou-server";

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
    /// The password was set by someone else (a first password, or a reset): the user must
    /// choose their own (`POST /api/v1/auth/password`) before anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

/// Passwords are at least this many characters.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Checks a new password: at least [`MIN_PASSWORD_CHARS`] characters, at most 256, and no
/// control characters.
///
/// ```
/// use huitou_shared::api::password_problem;
/// assert!(password_problem("short").is_some());
/// assert!(password_problem("long enough").is_none());
/// ```
pub fn password_problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Some(format!(
            "password must be at least {MIN_PASSWORD_CHARS} characters"
        ))
    } else if chars > 256 {
        Some("password must be at most 256 characters".to_owned())
    } else if password.chars().any(char::is_control) {
        Some("password must not hold control characters".to_owned())
    } else {
        None
    }
}

/// `POST /api/v1/auth/password`: a signed-in user sets their own password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// A member of the organisation as the Team screen lists it (`GET /api/v1/users`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub username: String,
    pub name: String,
    pub role: Role,
    /// When a manager disabled the user (RFC 3339); `None` while the user may sign in.
    #[serde(default)]
    pub disabled_at: Option<String>,
    /// The user still has a password someone else set.
    #[serde(default)]
    pub must_change_password: bool,
    /// The store or team the user works in (empty: none), for Insights by team.
    #[serde(default)]
    pub team: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Members {
    pub users: Vec<Member>,
}

/// `POST /api/v1/users`: a new user with a first password they must change at first sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewMember {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// `PATCH /api/v1/users/{id}`: rename, change role or store/team (`""` for none); absent
/// fields stay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
}

/// `POST /api/v1/users/{id}/password`: a manager sets a new password the user must change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub password: String,
}

/// One device a user signed in on (`GET /api/v1/devices`): its tokens, taken together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub user_id: String,
    pub device: String,
    /// RFC 3339 times: first and last sign-in, last request, last push or pull.
    pub first_sign_in: String,
    pub last_sign_in: String,
    #[serde(default)]
    pub last_seen: Option<String>,
    #[serde(default)]
    pub last_sync: Option<String>,
    /// At least one of its tokens still works.
    pub signed_in: bool,
    /// Changes the device still had waiting to send at its last contact (when it said).
    #[serde(default)]
    pub waiting: Option<i64>,
}

/// The request header in which a device says how many changes wait in its outbox.
pub const WAITING_HEADER: &str = "x-huitou-waiting";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Devices {
    pub devices: Vec<DeviceInfo>,
}

/// One line of the audit log (`GET /api/v1/audit`): who did what, when, from which device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    /// Its position in the organisation's log; `before=` pages back from it.
    pub seq: i64,
    pub at: String,
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub device: Option<String>,
    /// `sign_in`, `sign_in_failed`, `user_created`, `user_changed`, `password_reset`,
    /// `password_changed`, `user_disabled`, `device_revoked`.
    pub action: String,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub detail: serde_json::Value,
}

/// A page of the audit log, newest first; `next` is the `before=` of the next page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditLine>,
    #[serde(default)]
    pub next: Option<i64>,
}

/// One refused change in the managers' review (`GET /api/v1/review`): who, from which
/// device, when, the change as it was pushed, why it was refused and, once decided, what a
/// manager decided (`applied` or `discarded`, with the reason given).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub id: i64,
    pub user_id: String,
    pub device: String,
    pub at: String,
    pub change: serde_json::Value,
    pub code: RejectCode,
    pub message: String,
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default)]
    pub resolved_by: Option<String>,
    #[serde(default)]
    pub resolved_at: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `GET /api/v1/review[?all=true]`: the refused changes still to decide (all, with `all`),
/// newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub items: Vec<ReviewItem>,
}

/// `POST /api/v1/review/{id}/discard`: why the change is not taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Discard {
    pub reason: String,
}

/// `POST /api/v1/devices/revoke`: cut one device of one user off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceRevoke {
    pub user_id: String,
    pub device: String,
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
    /// The customer was erased (SYNC §5): the device drops the change and tells the user.
    Erased,
    /// A loyalty ledger (points, stored value) would not cover this taking entry at the
    /// server's count: the balance was spent on another device (`loyalty`).
    Insufficient,
    /// The voucher was already redeemed, at another visit (`loyalty`).
    AlreadyRedeemed,
}

impl RejectCode {
    /// The code named by `text`, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::from(text)).ok()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClockAhead => "clock_ahead",
            Self::Forbidden => "forbidden",
            Self::Invalid => "invalid",
            Self::Erased => "erased",
            Self::Insufficient => "insufficient",
            Self::AlreadyRedeemed => "already_redeemed",
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

/// `POST /api/v1/exports` (managers): a table as the screen shows it — headers in the reader's
/// language, the filters applied — for the server to write as a spreadsheet file and audit.
/// Cells are text, numbers or null.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportRequest {
    /// What is exported, for the file name and the audit log: `[a-z0-9-]`, at most 31 (an Excel sheet name).
    pub name: String,
    pub format: ExportFormat,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// UTF-8 with a byte-order mark (Excel then reads Chinese), formulas made inert.
    Csv,
    /// An Excel workbook: numbers stay numbers.
    Xlsx,
}

/// Most rows and columns of one export.
pub const EXPORT_MAX_ROWS: usize = 100_000;
pub const EXPORT_MAX_COLUMNS: usize = 60;
