//! The [`Store`](super::Store) on PostgreSQL. Sequence numbers are handed out before commit there,
//! so every push first takes its organisation's transaction-scoped advisory lock: an
//! organisation's pushes commit in seq order and a pull cursor (always within one
//! organisation) never skips a change committed later with a smaller seq.

use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, PgRow, Postgres};
use std::time::Duration;

type Conn = PgConnection;
type DbRow = PgRow;
type BackendStore = PostgresStore;

/// How long a push waits for a lock before the answer is 503 + `Retry-After`.
const LOCK_TIMEOUT: &str = "5s";

pub struct PostgresStore {
    pool: PgPool,
    /// This instance's id in `LISTEN/NOTIFY` messages, so it skips its own.
    instance: String,
    /// Changes this instance stored, and the count at which it next refreshes the planner's
    /// statistics (`after_push`).
    stored: std::sync::atomic::AtomicUsize,
    next_analyze: std::sync::atomic::AtomicUsize,
}

/// The first `ANALYZE` after this many changes stored by one instance; each next one after twice
/// as many, at most `ANALYZE_AT_MOST` apart. A fresh database or a bulk import has no statistics
/// until autovacuum catches up (and it may be off); without them the planner joins badly.
const ANALYZE_FIRST: usize = 5_000;
const ANALYZE_AT_MOST: usize = 1_000_000;

/// The `LISTEN/NOTIFY` channel by which instances over one database tell each other of pushes.
const LIVE_CHANNEL: &str = "huitou_live";
/// NOTIFY payloads must stay under 8000 bytes: past this, the readers are widened to everyone
/// in the organisation (they are told to pull; a pull only ever brings what they may read).
const MAX_NOTICE_BYTES: usize = 7000;

#[derive(serde::Serialize, serde::Deserialize)]
struct Notice {
    instance: String,
    stored: Stored,
}

impl PostgresStore {
    /// Connects to and migrates the database at `url`.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        check_durable(&pool).await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self {
            pool,
            instance: huitou_shared::model::new_id(),
            stored: std::sync::atomic::AtomicUsize::new(0),
            next_analyze: std::sync::atomic::AtomicUsize::new(ANALYZE_FIRST),
        })
    }
}

/// Refuses a database that acknowledges commits before they are on disk (`fsync` off, or
/// `synchronous_commit` off for this database or role): an op listed as accepted must survive
/// a crash of the database server (SYNC §3).
pub async fn check_durable(pool: &PgPool) -> StoreResult<()> {
    let commit: String = sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(pool)
        .await?;
    let fsync: String = sqlx::query_scalar("SHOW fsync").fetch_one(pool).await?;
    if commit.eq_ignore_ascii_case("off") || !fsync.eq_ignore_ascii_case("on") {
        return Err(StoreError::Other(format!(
            "refusing to start: PostgreSQL synchronous_commit={commit}, fsync={fsync}; \
             accepted changes could be lost on a crash"
        )));
    }
    Ok(())
}

/// Takes the organisation's push lock: pushes of one organisation commit in seq order (what its
/// pull cursors rely on), while other organisations push at the same time.
async fn begin_write(
    pool: &PgPool,
    org_id: &str,
) -> StoreResult<sqlx::Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"
    )))
    .execute(&mut *tx)
    .await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 1752524148))")
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The `n`th argument of a statement built by `sql.rs`.
fn placeholder(n: usize) -> String {
    format!("${n}")
}

/// `= ANY($first)`: every key in one array argument (`bind_keys!`). One parameter whatever the
/// count, so the plan is the unique index's whatever the statistics say: a list of 1,000
/// parameters on a table never analyzed made the planner walk the organisation's whole log.
fn key_list(first: usize, _count: usize) -> String {
    format!("= ANY({})", placeholder(first))
}

/// Binds the keys of a `key_list` as one text array.
macro_rules! bind_keys {
    ($query:expr, $keys:expr) => {{
        let keys: Vec<&str> = $keys.iter().map(|key| &**key).collect();
        $query.bind(keys)
    }};
}

/// PostgreSQL hands log positions out from its sequence, in the push's `RETURNING`.
async fn first_log_seq(_conn: &mut Conn) -> StoreResult<Option<i64>> {
    Ok(None)
}

/// A pull page as one row, built by PostgreSQL: how many changes (`n`), the last log position
/// (`last`) and the changes as a JSON array in SYNC §2's shape (`changes`), from `inner`'s rows
/// (seq, op, kind, record_id, field, value, hlc, author). Each object is written out as text
/// (`value` is stored as JSON already), without the spaces `json_build_object` puts in.
fn aggregate_changes(inner: &str) -> String {
    format!(
        "SELECT COUNT(*) AS n, MAX(seq) AS last,
                '[' || COALESCE(string_agg(
                    '{{\"op\":' || to_json(op)::text || ',\"kind\":' || to_json(kind)::text
                    || ',\"id\":' || to_json(record_id)::text || ',\"field\":' || to_json(field)::text
                    || ',\"value\":' || value || ',\"hlc\":' || to_json(hlc)::text
                    || ',\"author\":' || to_json(author)::text || '}}', ',' ORDER BY seq), '') || ']'
                  AS changes
         FROM ({inner}) AS page"
    )
}

/// How many parameters a `key_list` of `count` keys takes: one array.
fn key_count(_count: usize) -> usize {
    1
}

include!("sql.rs");
include!("team_sql.rs");

impl PostgresStore {
    /// After an erasure: the deleted rows are dead tuples until vacuumed; `VACUUM` makes their
    /// space free for reuse (their bytes are overwritten as it is reused; WAL segments go at
    /// the checkpoints that recycle them).
    async fn after_erase(&self) -> StoreResult<()> {
        // Off the request: on a big log it scans every index.
        let pool = self.pool.clone();
        tokio::spawn(async move {
            if let Err(e) = sqlx::raw_sql("VACUUM log, fields, quarantine")
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, "VACUUM after an erasure failed");
            }
        });
        Ok(())
    }

    /// Counts stored changes; at each threshold, refreshes statistics off the request path.
    fn after_push(&self, stored: usize) {
        use std::sync::atomic::Ordering;
        let total = self.stored.fetch_add(stored, Ordering::Relaxed) + stored;
        let due = self.next_analyze.load(Ordering::Relaxed);
        let next = due + due.min(ANALYZE_AT_MOST);
        if total >= due
            && self
                .next_analyze
                .compare_exchange(due, next, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let pool = self.pool.clone();
            tokio::spawn(async move {
                if let Err(e) = sqlx::raw_sql("ANALYZE log, records, fields")
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(error = %e, "ANALYZE after a bulk load failed");
                }
            });
        }
    }

    async fn announce_notice(&self, stored: &Stored) -> StoreResult<()> {
        let mut notice = Notice {
            instance: self.instance.clone(),
            stored: stored.clone(),
        };
        let mut payload = serde_json::to_string(&notice).unwrap_or_default();
        if payload.len() > MAX_NOTICE_BYTES {
            notice.stored.readers = Readers {
                everyone: true,
                ..Readers::default()
            };
            payload = serde_json::to_string(&notice).unwrap_or_default();
        }
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(LIVE_CHANNEL)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn relay_notices(&self, live: tokio::sync::broadcast::Sender<Stored>) -> StoreResult<()> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen(LIVE_CHANNEL).await?;
        let instance = self.instance.clone();
        tokio::spawn(async move {
            loop {
                // `recv` reconnects after a lost connection; notices sent meanwhile are lost,
                // and devices then catch up at their next periodic sync.
                match listener.recv().await {
                    Ok(notification) => {
                        match serde_json::from_str::<Notice>(notification.payload()) {
                            Ok(notice) if notice.instance != instance => {
                                let _ = live.send(notice.stored);
                            }
                            Ok(_) => {}
                            Err(e) => tracing::warn!(error = %e, "unreadable live notice"),
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "live notices: connection lost, retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }
}
