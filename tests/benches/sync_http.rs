//! Sync throughput over real HTTP: push 50,000 changes in batches of 1000, then pull them all back in pages of 1000. Run: `cargo bench -p huitou-tests --bench sync_http`
//!
//! `HUITOU_BENCH_CHANGES=760000` sets the scale; `HUITOU_BENCH_POSTGRES=postgres://…/db` runs it
//! on a fresh PostgreSQL database made on that server (never analyzed by hand). The push rate of
//! the first and the last tenth of the load is printed too: it must not fall as the log grows.
//!
//! The server runs in this process (`huitou_server::start`) on 127.0.0.1:0 with a fresh SQLite
//! file; the client is reqwest over a real socket. Prints figures only (STYLE rule 7); the bar
//! is 20,000 changes/s for push+pull. The asserts check correctness, never timing.

use anyhow::{Context, ensure};
use huitou_server::Config;
use huitou_shared::api::{LoginResponse, PullResponse, PushResponse};
use huitou_shared::{Change, Role};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const DEFAULT_CHANGES: usize = 50_000;
const BATCH: usize = 1000;
const PAGE: usize = 1000;
const ORG: &str = "bench";
const USERNAME: &str = "manager";
const PASSWORD: &str = "huitou-demo";
const DEVICE: &str = "bench-device-01";

/// Customers (`name`, `phone`) each with one visit (`customer_id` first, then `amount`, `party_size`):
/// five changes per customer, stamped from now on with strictly increasing clocks.
fn changes(count: usize) -> Vec<Value> {
    let start = u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    let mut stamp = 0u64;
    let mut next_hlc = || {
        stamp += 1;
        format!("{:015}:{:05}:{DEVICE}", start + stamp / 1000, stamp % 1000)
    };
    let mut changes = Vec::with_capacity(count);
    for n in 0..count / 5 {
        let customer = huitou_shared::model::new_id();
        let visit = huitou_shared::model::new_id();
        let writes: [(&str, &str, &str, Value); 5] = [
            ("customer", &customer, "name", json!(format!("客户{n:05}"))),
            (
                "customer",
                &customer,
                "phone",
                json!(format!("138{:08}", n * 7919 % 100_000_000)),
            ),
            ("visit", &visit, "customer_id", json!(customer)),
            ("visit", &visit, "amount", json!((n % 5000) as f64 * 1.5)),
            ("visit", &visit, "party_size", json!(1 + n % 12)),
        ];
        for (kind, id, field, value) in writes {
            let change = Change::new(kind, id, field, value, &next_hlc());
            changes.push(serde_json::to_value(change).expect("a change serialises"));
        }
    }
    changes
}

fn rate(n: usize, time: Duration) -> f64 {
    n as f64 / time.as_secs_f64()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let count: usize = std::env::var("HUITOU_BENCH_CHANGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CHANGES);
    let mut config = Config::sqlite(dir.path().join("bench.db"));
    let mut backend = format!("SQLite file in {}", dir.path().display());
    if let Ok(server_url) = std::env::var("HUITOU_BENCH_POSTGRES") {
        use sqlx::Connection;
        let name = format!("huitou_bench_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&server_url).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await?;
        let (base, _) = server_url
            .rsplit_once('/')
            .context("a PostgreSQL URL with a database")?;
        config.database_url = format!("{base}/{name}");
        backend = format!("a fresh PostgreSQL database {name}");
    }
    let server = huitou_server::start(config).await?;
    let org_id = server.store.ensure_org(ORG).await?;
    let hash = huitou_server::auth::hash_password_blocking(PASSWORD)
        .map_err(|e| anyhow::anyhow!("hash: {e:?}"))?;
    server
        .store
        .create_user(&org_id, USERNAME, "Manager", Role::Manager, &hash)
        .await?;
    let url = server.url();
    let client = reqwest::Client::new();
    let login: LoginResponse = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"org": ORG, "username": USERNAME, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login.token;

    let changes = changes(count);
    println!(
        "sync_http: server {url}, {backend}, {} changes ({} customers with one visit each)",
        changes.len(),
        changes.len() / 5
    );

    let started = Instant::now();
    let batches = changes.len().div_ceil(BATCH);
    let tenth = (batches / 10).max(1);
    let mut first_tenth = Duration::ZERO;
    let mut last_tenth_started = None;
    for (index, batch) in changes.chunks(BATCH).enumerate() {
        if index == tenth {
            first_tenth = started.elapsed();
        }
        if index + tenth == batches {
            last_tenth_started = Some(Instant::now());
        }
        let response: PushResponse = client
            .post(format!("{url}/api/v1/sync/push"))
            .bearer_auth(&token)
            .json(&json!({"device": DEVICE, "changes": batch}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        ensure!(
            response.rejected.is_empty(),
            "rejected: {:?}",
            response.rejected.first()
        );
        let sent: Vec<&str> = batch.iter().filter_map(|c| c["op"].as_str()).collect();
        ensure!(
            response.accepted == sent,
            "every op of the batch is accepted"
        );
    }
    let push = started.elapsed();
    let last_tenth = last_tenth_started.map(|t| t.elapsed()).unwrap_or(push);

    let started = Instant::now();
    let mut cursor = String::new();
    let mut pulled = 0;
    let mut pages = 0;
    loop {
        let page: PullResponse = client
            .get(format!("{url}/api/v1/sync/pull"))
            .query(&[("cursor", cursor.as_str()), ("limit", &PAGE.to_string())])
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
            .context("pull page")?;
        pulled += page.changes.len();
        pages += 1;
        cursor = page.cursor;
        if !page.has_more {
            break;
        }
    }
    let pull = started.elapsed();
    ensure!(
        pulled == changes.len(),
        "pulled {pulled} changes, pushed {}",
        changes.len()
    );

    let n = changes.len();
    println!(
        "push: {n} changes in {:.2} s = {:.0} changes/s (batches of {BATCH})",
        push.as_secs_f64(),
        rate(n, push)
    );
    println!(
        "push, first tenth: {:.0} changes/s; last tenth: {:.0} changes/s",
        rate(tenth * BATCH, first_tenth),
        rate(tenth * BATCH, last_tenth)
    );
    println!(
        "pull: {pulled} changes in {:.2} s = {:.0} changes/s ({pages} pages of up to {PAGE})",
        pull.as_secs_f64(),
        rate(pulled, pull)
    );
    let both = rate(n + pulled, push + pull);
    println!(
        "push+pull: {n} changes each way in {:.2} s = {both:.0} changes/s \
         (defined as (pushed + pulled) / (push time + pull time))",
        (push + pull).as_secs_f64()
    );
    println!(
        "bar: push+pull >= 20000 changes/s: {}",
        if both >= 20_000.0 { "met" } else { "NOT met" }
    );

    server.stop().await?;
    Ok(())
}
