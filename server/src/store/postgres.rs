//! The [`Store`](super::Store) on PostgreSQL. Sequence numbers are handed out before commit there,
//! so every push first takes one transaction-scoped advisory lock: pushes commit in seq order
//! and a pull cursor never skips a change committed later with a smaller seq.

use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, PgRow, Postgres};
use std::time::Duration;

type Conn = PgConnection;
type DbRow = PgRow;
type BackendStore = PostgresStore;

/// Key of the advisory lock that serialises pushes.
const PUSH_LOCK: i64 = 0x6875_6974_6f75; // "huitou"

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to and migrates the database at `url`.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

async fn begin_write(pool: &PgPool) -> StoreResult<sqlx::Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(PUSH_LOCK)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The `n`th argument of a statement built by `sql.rs`.
fn placeholder(n: usize) -> String {
    format!("${n}")
}

include!("sql.rs");
