//! The [`Store`](super::Store) on SQLite: WAL, `synchronous=FULL`, and every push in one `BEGIN IMMEDIATE`
//! transaction, so log positions are handed out in commit order and a pull cursor never skips.

use sqlx::ConnectOptions;
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool,
    SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

type Conn = SqliteConnection;
type DbRow = SqliteRow;
type BackendStore = SqliteStore;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating file and folder when missing) and migrates the database at `url`.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // Deleted content is overwritten with zeros, so an erased customer (SYNC §5) is not
            // left readable in free pages.
            .pragma("secure_delete", "on")
            .disable_statement_logging();
        if let Some(parent) = options.get_filename().parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Other(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        check_durable(&pool).await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// Refuses a database that would not keep an accepted change through a power cut: the answer
/// lists ops as accepted only after commit (SYNC §3), which means nothing unless commits reach
/// the disk (`synchronous` FULL or EXTRA, in WAL mode).
pub async fn check_durable(pool: &SqlitePool) -> StoreResult<()> {
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(pool)
        .await?;
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await?;
    if synchronous < 2 || !journal.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Other(format!(
            "refusing to start: SQLite synchronous={synchronous}, journal_mode={journal}; \
             accepted changes could be lost (need synchronous=FULL, journal_mode=WAL)"
        )));
    }
    Ok(())
}

/// Takes SQLite's write lock at once, so seq order is commit order and no upgrade can fail midway.
async fn begin_write(
    pool: &SqlitePool,
    _org_id: &str,
) -> StoreResult<sqlx::Transaction<'static, Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// The `n`th argument of a statement built by `sql.rs`: a plain `?` (arguments bound in the
/// order they appear), because sqlx resolves every `$N` by name, which SQLite does by a
/// linear scan: binding a statement of a thousand `$N` arguments would take a million steps.
fn placeholder(_n: usize) -> String {
    "?".to_owned()
}

/// `IN (?, ?, …)` for `count` keys bound one by one with `bind_keys!`, from argument `first`.
fn key_list(first: usize, count: usize) -> String {
    format!("IN {}", placeholders(1, count, first))
}

/// Binds the keys of a `key_list`, one argument each.
macro_rules! bind_keys {
    ($query:expr, $keys:expr) => {{
        let mut query = $query;
        for key in $keys {
            query = query.bind(&**key);
        }
        query
    }};
}

/// How many parameters a `key_list` of `count` keys takes.
fn key_count(count: usize) -> usize {
    count
}

include!("sql.rs");
include!("team_sql.rs");

/// One process serves a SQLite file: no other instance to tell, none to hear from.
impl SqliteStore {
    /// SQLite's planner does well without statistics on these tables; nothing to refresh.
    fn after_push(&self, _stored: usize) {}

    /// After an erasure: the WAL still holds the pages as they were; checkpoint them into the
    /// database (where `secure_delete` zeroed what was deleted) and truncate the WAL.
    async fn after_erase(&self) -> StoreResult<()> {
        // Busy while a reader holds an old snapshot (a pull under way): wait and try again.
        for _ in 0..50 {
            let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.pool)
                .await?;
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tracing::warn!("after an erasure the WAL could not be truncated; the next checkpoint will");
        Ok(())
    }

    async fn announce_notice(&self, _stored: &Stored) -> StoreResult<()> {
        Ok(())
    }

    async fn relay_notices(
        &self,
        _live: tokio::sync::broadcast::Sender<Stored>,
    ) -> StoreResult<()> {
        Ok(())
    }
}
