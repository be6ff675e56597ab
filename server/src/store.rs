//! The database behind one trait: accounts, tokens, the change log and its fold. SQL lives only in `store/`.

pub mod postgres;
pub mod sqlite;

use async_trait::async_trait;
use huitou_shared::api::RejectCode;
use huitou_shared::{Change, DeviceId, Record, Role};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached (pool timeout, IO): a 503.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => Self::Unavailable(error.to_string()),
            sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                Self::Conflict("already exists".into())
            }
            // Busy, not broken: SQLite's lock outlived busy_timeout (SQLITE_BUSY, _LOCKED and
            // their extended codes), PostgreSQL's lock_timeout or statement_timeout ran out.
            // Or PostgreSQL going down or coming up: its sessions are ended by a shutdown
            // (57P01, 57P02), it refuses sessions while it starts (57P03), or a connection
            // broke (class 08); the pool connects afresh once it is back.
            sqlx::Error::Database(ref db)
                if db.code().is_some_and(|code| {
                    matches!(
                        code.as_ref(),
                        "5" | "6"
                            | "261"
                            | "517"
                            | "773"
                            | "262"
                            | "55P03"
                            | "57014"
                            | "40P01"
                            | "57P01"
                            | "57P02"
                            | "57P03"
                    ) || code.starts_with("08")
                }) =>
            {
                Self::Unavailable(error.to_string())
            }
            other => Self::Other(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Other(error.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Refused changes one user may have parked in the quarantine; older ones are dropped.
pub const QUARANTINE_PER_USER: usize = 1000;
/// A refused change larger than this is quarantined as its op, kind, id, field, hlc and size.
pub const QUARANTINE_BODY_BYTES: usize = 4096;

/// A user account as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct UserRow {
    pub id: String,
    pub org_id: String,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    /// When the user was disabled (RFC 3339 UTC); `None` while they may sign in.
    pub disabled_at: Option<String>,
    /// The password was set by someone else; the user must choose their own.
    pub must_change_password: bool,
    /// The store or team the user works in (empty: none).
    pub team: String,
}

/// Cut-offs (RFC 3339 UTC, as stored) that a token must be newer than.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenExpiry {
    pub idle_since: String,
    pub created_since: String,
}

/// Why a user's tokens end at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenEnd {
    /// The user signed out on that device.
    Logout,
    /// The user was disabled.
    Disabled,
    /// A manager cut the device off.
    Device,
    /// The user's password was reset or changed.
    Password,
}

impl TokenEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Logout => "logout",
            Self::Disabled => "disabled",
            Self::Device => "device",
            Self::Password => "password",
        }
    }
}

/// One line of the audit log (append-only).
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub at: String,
    /// Who acted (a user id); `None` for a failed sign-in of an unknown account.
    pub actor: Option<String>,
    pub device: Option<String>,
    /// e.g. `sign_in`, `sign_in_failed`, `user_created`, `user_disabled`, `device_revoked`.
    pub action: String,
    /// Whom or what it was about (a user id, a customer id).
    pub subject: Option<String>,
    /// A small JSON object with the rest (old and new role, the user name tried …).
    pub detail: Value,
}

/// Which audit lines to read: by who acted, by action, and from/until an instant (RFC 3339
/// UTC with milliseconds, as `AuditEntry::at` is written, so text order is time order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Lines at or after this instant.
    pub from: Option<String>,
    /// Lines before this instant.
    pub until: Option<String>,
}

/// One device of one user, from its tokens taken together.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceRow {
    pub user_id: String,
    pub device: String,
    pub first_sign_in: String,
    pub last_sign_in: String,
    pub last_seen: Option<String>,
    pub last_sync: Option<String>,
    pub signed_in: bool,
    /// Changes waiting on the device at its last contact.
    pub waiting: Option<i64>,
}

/// Accounts, devices and the audit log (the Team screen, issue 10).
#[async_trait]
pub trait TeamStore: Send + Sync {
    /// Every user of the organisation, disabled ones too, by name.
    async fn users(&self, org_id: &str) -> StoreResult<Vec<UserRow>>;

    /// One user of the organisation.
    async fn user(&self, org_id: &str, user_id: &str) -> StoreResult<Option<UserRow>>;

    /// Renames and/or changes the role or the store/team of a user; the user as it now is.
    async fn update_user(
        &self,
        org_id: &str,
        user_id: &str,
        name: Option<&str>,
        role: Option<Role>,
        team: Option<&str>,
    ) -> StoreResult<Option<UserRow>>;

    /// Sets a user's password hash and whether they must change it; every token of theirs
    /// except `keep` ends (reason `password`).
    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        must_change: bool,
        keep: Option<&str>,
    ) -> StoreResult<()>;

    /// Disables a user at `at` and ends every token of theirs (reason `disabled`); the
    /// first disabling time stays when called again.
    async fn disable_user(
        &self,
        org_id: &str,
        user_id: &str,
        at: &str,
    ) -> StoreResult<Option<UserRow>>;

    /// A disabled user's token: its user, when the token has not otherwise ended. Such a
    /// token may still hand in what its device held (a last push), nothing else.
    async fn disabled_token_user(&self, token_hash: &str) -> StoreResult<Option<UserRow>>;

    /// Every device the organisation's users signed in on.
    async fn devices(&self, org_id: &str) -> StoreResult<Vec<DeviceRow>>;

    /// Ends every live token of `user_id` on `device` (reason `device`); how many ended.
    async fn revoke_device(&self, org_id: &str, user_id: &str, device: &str) -> StoreResult<u64>;

    /// Appends one line to the organisation's audit log.
    async fn audit(&self, org_id: &str, entry: &AuditEntry) -> StoreResult<()>;

    /// The organisation's audit log, newest first: at most `limit` lines before `before`
    /// (a line's position; `None` from the newest) that `filter` lets through.
    async fn audit_log(
        &self,
        org_id: &str,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<(i64, AuditEntry)>>;

    /// The organisation's quarantined changes, newest first (at most `limit`; only those
    /// still to decide when `open_only`).
    async fn review_list(
        &self,
        org_id: &str,
        open_only: bool,
        limit: usize,
    ) -> StoreResult<Vec<ReviewRow>>;

    /// One quarantined change of the organisation.
    async fn review_item(&self, org_id: &str, id: i64) -> StoreResult<Option<ReviewRow>>;

    /// Moves a quarantined change from state `from` to `decision.resolution` (`None`: open
    /// again); false when it is not in `from` (or not the organisation's).
    async fn review_decide(
        &self,
        org_id: &str,
        id: i64,
        from: ReviewState,
        decision: &Decision<'_>,
    ) -> StoreResult<bool>;

    /// Forgets the quarantine rows `user_id` left for `op` other than `keep`: a manager's
    /// apply that was refused again is not a new change to review.
    async fn review_forget(
        &self,
        org_id: &str,
        user_id: &str,
        op: &str,
        keep: i64,
    ) -> StoreResult<()>;
}

/// Where a quarantined change stands. An apply first claims the change (`Applying`), then
/// pushes it, then marks it `applied`: a discard meanwhile finds it taken, and a crash between
/// leaves it `applying`, which a manager may apply again (the push is idempotent by op).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewState {
    /// Not decided.
    Open,
    /// Not decided, or an apply under way (or cut short).
    OpenOrApplying,
    /// An apply under way.
    Applying,
}

/// A quarantined change and, once a manager decided, what they decided.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewRow {
    pub id: i64,
    pub user_id: String,
    pub device: String,
    pub at: String,
    pub op: String,
    pub change: Value,
    pub code: String,
    pub message: String,
    /// `applied` or `discarded`; `None` while open.
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
    pub reason: Option<String>,
}

/// A manager's decision on a quarantined change.
#[derive(Clone, Debug)]
pub struct Decision<'a> {
    /// `applying`, `applied`, `discarded`; `None` to open it again.
    pub resolution: Option<&'a str>,
    pub by: &'a str,
    pub at: &'a str,
    pub reason: Option<&'a str>,
}

/// A live token: its user, and when it was last used (or created).
#[derive(Clone, Debug, PartialEq)]
pub struct TokenUse {
    pub user: UserRow,
    pub last_used_at: String,
    pub device: Option<String>,
}

/// Who is writing or reading: the authenticated user.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    pub user_id: String,
    pub org_id: String,
    pub role: Role,
}

/// One change of a push, after validation outside the store.
#[derive(Clone, Debug)]
pub enum Incoming {
    /// Well-formed; `change.author` already set to the authenticated user. Should it be
    /// refused, the quarantine keeps it as `change` encodes it.
    Valid { change: Change },
    /// Refused before the store judged it (failed validation: `invalid`; written by a
    /// disabled account after it was disabled: `forbidden`): goes to quarantine with `code`.
    Refused {
        op: String,
        raw: Value,
        code: RejectCode,
        message: String,
    },
}

/// What the store decided for one incoming change.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Accepted,
    Rejected { code: RejectCode, message: String },
}

/// Who may read what a push stored, so live events wake only them (SYNC §3, `/sync/live`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Readers {
    /// Some change is organisation-wide (or was on a customer shared until now).
    pub everyone: bool,
    /// Customers the changes belong to (or belonged to, for a moved child): their readers.
    pub customers: BTreeSet<String>,
    /// Users named outright: a private record's salesperson, a customer's owner until now.
    pub users: BTreeSet<String>,
}

/// A push stored new changes in an organisation: where, the cursor after it, and who may read
/// them. Sent to this instance's live streams, and through the database to other instances'.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stored {
    pub org_id: String,
    pub cursor: String,
    pub readers: Readers,
}

#[derive(Clone, Debug)]
pub struct PushOutcome {
    /// One verdict per incoming change, in order.
    pub verdicts: Vec<Verdict>,
    /// The org's latest log position after the push.
    pub latest_seq: i64,
    /// True when at least one new change was stored.
    pub stored_any: bool,
    pub readers: Readers,
}

/// A change as read back from the log, with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Logged {
    pub seq: i64,
    pub change: Change,
}

/// Where a device stands: it holds every change up to `seq` that it may read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub seq: i64,
    /// A salesperson's pull under way over the log window `(seq, end]`.
    pub round: Option<Round>,
}

/// A salesperson's round: the records whose visibility changed in `(seq, end]` were revoked or
/// are being sent whole (`backfill`: where that stands; `None` when done), then the window's changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub end: i64,
    pub backfill: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Page {
    /// The page's first changes (a round's backfill), then `log`.
    pub changes: Vec<Change>,
    /// The rest of the page as the database encoded it: change objects in SYNC §2's shape,
    /// separated by commas (empty: none), sent as they are.
    pub log: String,
    pub has_more: bool,
    pub position: Position,
    /// Records the user may no longer read, `(kind, id)`: a customer takes its children along.
    pub revoked: Vec<(String, String)>,
}

/// One quarantined change, for managers (and tests) to inspect.
#[derive(Clone, Debug, PartialEq)]
pub struct Quarantined {
    pub user_id: String,
    pub device: String,
    pub op: String,
    pub change: Value,
    pub code: String,
    pub message: String,
}

/// A customer's record and its child records (visits, referrals, ...), folded from `state`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerRecords {
    pub customer: Record,
    /// `(kind, id)` → record, for every record whose scope is the customer.
    pub children: BTreeMap<(String, String), Record>,
}

impl CustomerRecords {
    /// Children as `(kind, record)`, e.g. for `retention::History::from_children`.
    pub fn children_by_kind(&self) -> impl Iterator<Item = (&str, &Record)> {
        self.children
            .iter()
            .map(|((kind, _), record)| (kind.as_str(), record))
    }
}

/// The answer to [`Store::claim_job`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobClaim {
    Mine,
    Held,
    Done,
}

#[async_trait]
pub trait Store: TeamStore + Send + Sync {
    /// `SELECT 1`: is the database reachable?
    async fn ping(&self) -> StoreResult<()>;

    /// The id of the organisation named `name`, created when missing.
    async fn ensure_org(&self, name: &str) -> StoreResult<String>;

    /// Creates a user; `Conflict` when the user name is taken in that organisation.
    async fn create_user(
        &self,
        org_id: &str,
        username: &str,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> StoreResult<UserRow>;

    async fn find_user(&self, org_name: &str, username: &str) -> StoreResult<Option<UserRow>>;

    /// Stores a new token of `user_id`, signed in from `device` (the device id it syncs with).
    async fn insert_token(
        &self,
        token_hash: &str,
        user_id: &str,
        device: Option<&str>,
    ) -> StoreResult<()>;

    /// The user of a live token: not revoked, used since `expiry.idle_since` and created
    /// since `expiry.created_since`.
    async fn token_user(
        &self,
        token_hash: &str,
        expiry: &TokenExpiry,
    ) -> StoreResult<Option<TokenUse>>;

    /// Notes that a token was used at `at` (and, with `synced`, that its device synced then).
    async fn touch_token(&self, token_hash: &str, at: &str, synced: bool) -> StoreResult<()>;

    /// Notes how many changes the token's device still has waiting to send.
    async fn note_waiting(&self, token_hash: &str, waiting: i64) -> StoreResult<()>;

    async fn revoke_token(&self, token_hash: &str) -> StoreResult<()>;

    /// Stores a single-use live-stream ticket for a token, valid until `expires_at`.
    async fn insert_ticket(
        &self,
        ticket_hash: &str,
        token_hash: &str,
        expires_at: &str,
    ) -> StoreResult<()>;

    /// Uses up a ticket: the token it stands for, when it was still valid at `now`.
    async fn take_ticket(&self, ticket_hash: &str, now: &str) -> StoreResult<Option<String>>;

    /// Judges and stores a push in one transaction, committed before returning.
    /// `parents` maps child records `(kind, id)` to the `customer_id` the same batch gives them.
    async fn push(
        &self,
        actor: &Actor,
        device: &DeviceId,
        incoming: &[Incoming],
        parents: &HashMap<(String, String), String>,
    ) -> StoreResult<PushOutcome>;

    /// Up to `limit` changes after `from` that `actor` may read, in log order.
    async fn pull(&self, actor: &Actor, from: &Position, limit: usize) -> StoreResult<Page>;

    async fn latest_seq(&self, org_id: &str) -> StoreResult<i64>;

    /// How many of the organisation's changes lie after log position `seq` (a first sync's
    /// progress; one index range count).
    async fn changes_after(&self, org_id: &str, seq: i64) -> StoreResult<u64>;

    /// Claims slot `slot` of background job `job` for `instance` (see `crate::jobs`): `Mine`
    /// when this instance now holds it (new, or taken over from a claim older than
    /// `stale_before_ms` that never finished), `Done` when some instance finished it, `Held`
    /// while another instance's claim is live.
    async fn claim_job(
        &self,
        job: &str,
        slot: i64,
        instance: &str,
        now_ms: i64,
        stale_before_ms: i64,
    ) -> StoreResult<JobClaim>;

    /// Marks `instance`'s claim on the slot finished.
    async fn finish_job(
        &self,
        job: &str,
        slot: i64,
        instance: &str,
        now_ms: i64,
    ) -> StoreResult<()>;

    /// May `actor` read any of `customers` (SYNC §4)?
    async fn reads_any(&self, actor: &Actor, customers: &BTreeSet<String>) -> StoreResult<bool>;

    /// A customer and its child records as the server's state holds them; `None` when the
    /// customer is unknown in the actor's organisation or not visible to the actor (SYNC §4,
    /// the same visibility as pulls).
    async fn customer_records(
        &self,
        actor: &Actor,
        customer_id: &str,
    ) -> StoreResult<Option<CustomerRecords>>;

    /// Every record of one organisation-wide `kind` (e.g. `rule_set`, `playbook`) as the
    /// server's state holds them, by id. Only for kinds every member of the organisation reads.
    async fn org_records(&self, org_id: &str, kind: &str) -> StoreResult<BTreeMap<String, Record>>;

    async fn quarantine(&self, org_id: &str) -> StoreResult<Vec<Quarantined>>;

    /// The ids of every organisation.
    async fn org_ids(&self) -> StoreResult<Vec<String>>;

    /// One record as the server's state holds it (`None`: unknown).
    async fn record(&self, org_id: &str, kind: &str, id: &str) -> StoreResult<Option<Record>>;

    /// After an erasure's clearing changes are stored (SYNC §5): deletes from the log every
    /// earlier write of the records of `customer_id` (the customer, its child records, its pool
    /// entry) — only each field's winning write stays, which for a personal field is the
    /// server's `null` — and the quarantined changes naming any of `ids`; then makes the
    /// database files keep no copy (SQLite: deleted content zeroed, WAL truncated; PostgreSQL:
    /// `VACUUM`). Returns how many log rows went.
    async fn erase_history(
        &self,
        org_id: &str,
        customer_id: &str,
        ids: &[String],
    ) -> StoreResult<u64>;

    /// Up to `limit` customers of `org_id` with an owner (not the pool) whose `owner` was last
    /// written before `before_hlc` and none of whose visits or contacts was written since: the
    /// candidates for the shared pool (`customer::pool`), in id order after `after_id`.
    async fn pool_candidates(
        &self,
        org_id: &str,
        before_hlc: &str,
        after_id: &str,
        limit: usize,
    ) -> StoreResult<Vec<String>>;

    /// Claims the server accepted but did not finish (the customer is still the pool's):
    /// `(customer id, claimer)`.
    async fn pool_unfinished_claims(&self, org_id: &str) -> StoreResult<Vec<(String, String)>>;

    /// True when the log holds at least one change (of any organisation).
    async fn has_changes(&self) -> StoreResult<bool>;

    /// Tells the other server instances over this database that a push stored changes (after
    /// its commit): PostgreSQL `NOTIFY`. SQLite has one instance: nothing to do.
    async fn announce(&self, stored: &Stored) -> StoreResult<()>;

    /// Passes what other instances announce to this instance's live streams, from now on
    /// (PostgreSQL `LISTEN` in a background task).
    async fn relay(&self, live: tokio::sync::broadcast::Sender<Stored>) -> StoreResult<()>;
}

pub type DynStore = Arc<dyn Store>;

/// Opens the store named by a database URL (`sqlite://...` or `postgres://...`) and runs its migrations.
pub async fn open(database_url: &str) -> StoreResult<DynStore> {
    if database_url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::open(database_url).await?))
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        Ok(Arc::new(postgres::PostgresStore::open(database_url).await?))
    } else {
        Err(StoreError::Other(format!(
            "unsupported database URL (expected sqlite:// or postgres://): {}",
            database_url.split(':').next().unwrap_or_default()
        )))
    }
}
