//! 离职继承 at scale (issue 10): a leaving salesperson with 2,000 customers, 20,000 visits and
//! 2,000 open tasks is handed over on the manager's laptop to a colleague whose tablet is
//! signed in, on the release server. Prints: how long the manager's device takes to write the
//! hand-over and disable the account, until every change of it is on the server (the laptop
//! says "Synced" and the server's state shows it), and until the colleague's tablet holds the
//! whole book (its IndexedDB, counted).
//!
//! Run: `cargo bench -p huitou-tests --bench handover` (after `scripts/build-app` and
//! `cargo build --release -p huitou-server`; `./scripts/bench` does both). Figures only: no
//! timed assertion. `HUITOU_BENCH_CUSTOMERS` scales the book (ten visits and one task each).

use anyhow::{Result, ensure};
use huitou_tests::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The leaver's book, written as the leaver's own tablet would have: customers in their name
/// with ten visits and one open task each.
fn book(customers: usize, owner: &str) -> Vec<Value> {
    let base_ms = chrono::Utc::now().timestamp_millis() - 3_600_000;
    let today = chrono::Local::now().date_naive().to_string();
    let mut n = 0i64;
    let mut changes = Vec::new();
    let mut push = |kind: &str, id: &str, field: &str, value: Value| {
        changes.push(json!({
            "op": uuid::Uuid::now_v7().to_string(), "kind": kind, "id": id, "field": field,
            "value": value, "hlc": format!("{:015}:{:05}:bench-leaver", base_ms + n / 1000, n % 1000),
        }));
        n += 1;
    };
    for i in 0..customers {
        let id = uuid::Uuid::now_v7().to_string();
        push("customer", &id, "name", json!(format!("客户{i:05}")));
        push("customer", &id, "phone", json!(format!("139{i:08}")));
        push("customer", &id, "owner", json!(owner));
        for v in 0..10 {
            let visit = uuid::Uuid::now_v7().to_string();
            push("visit", &visit, "customer_id", json!(id));
            push(
                "visit",
                &visit,
                "at",
                json!(format!(
                    "2026-{:02}-{:02}T19:00:00+08:00",
                    1 + v,
                    1 + i % 28
                )),
            );
            push(
                "visit",
                &visit,
                "amount",
                json!(200 + (i * 37 + v * 11) % 3000),
            );
        }
        let task = uuid::Uuid::now_v7().to_string();
        push("task", &task, "customer_id", json!(id));
        push("task", &task, "due", json!(today));
        push("task", &task, "kind", json!("win_back"));
        push("task", &task, "owner", json!(owner));
        push("task", &task, "status", json!("open"));
    }
    changes
}

async fn run() -> Result<()> {
    let customers: usize = std::env::var("HUITOU_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir()?;
    let server = ReleaseServer::start(dir.path())?;
    server.ready().await?;
    let manager = Api::sign_in(&server.url, "manager").await?;
    let leaver = Api::sign_in(&server.url, "sales1").await?;
    let sales1 = manager.find("user", "username", "sales1").await?;
    let sales2 = manager.find("user", "username", "sales2").await?;
    let http = reqwest::Client::new();
    let changes = book(customers, &sales1);
    for batch in changes.chunks(1000) {
        let answer: Value = http
            .post(format!("{}/api/v1/sync/push", server.url))
            .bearer_auth(&leaver.token)
            .json(&json!({"device": "bench-leaver", "changes": batch}))
            .send()
            .await?
            .json()
            .await?;
        ensure!(
            answer["rejected"].as_array().is_some_and(Vec::is_empty),
            "seed push refused: {}",
            answer["rejected"]
        );
    }
    let theirs = manager.owned_by(&sales1).await?.len();
    println!(
        "the leaver's book: {theirs} customers (the demo's among them), {} visits, {customers} open tasks ({} changes)",
        customers * 10,
        changes.len()
    );

    let driver = Driver::start().await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    let tablet = driver.browser(&dir.path().join("tablet")).await?;
    let result = with_browsers(vec![laptop.clone(), tablet.clone()], |_| async {
        let (l, t) = (&laptop, &tablet);
        l.set_window_size(1280, 800).await?;
        sign_in(t, &server.url, "sales2").await?;
        sign_in(l, &server.url, "manager").await?;
        let limit = Duration::from_secs(600);
        for device in [l, t] {
            eventually(limit, || async {
                let badge = sync_badge(device).await?;
                ensure!(badge == "Synced", "badge says {badge:?}");
                Ok(())
            })
            .await?;
        }
        let before = stored_records(t).await?;
        click(l, "Settings").await?;
        click(l, "Team and devices").await?;
        click(l, "Hand over 李销售").await?;
        wait_for_text(l, &format!("Customers in their name: {theirs}"), limit).await?;
        choose(l, "张销售").await?;
        choose(l, "Evenly").await?;
        wait_for_text(l, "What each colleague receives", limit).await?;

        let started = Instant::now();
        click(l, &format!("Hand over {theirs} customers and disable")).await?;
        wait_for_text(l, "sales1 · Salesperson · disabled", limit).await?;
        let written_s = started.elapsed().as_secs_f64();
        eventually(limit, || async {
            let badge = sync_badge(l).await?;
            ensure!(badge == "Synced", "badge says {badge:?}");
            Ok(())
        })
        .await?;
        let pushed_s = started.elapsed().as_secs_f64();
        // What the tablet will hold: its own book, plus every record of the customers handed
        // to it (customer, visits, task, note).
        let expected = before + (theirs + customers * 10 + customers + theirs) as u64;
        let mut held = before;
        let deadline = Instant::now() + limit;
        while held < expected {
            ensure!(
                Instant::now() < deadline,
                "the tablet holds {held} of {expected} records"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
            held = stored_records(t).await?;
        }
        let received_s = started.elapsed().as_secs_f64();
        let owned = manager.owned_by(&sales2).await?.len();
        ensure!(
            manager.owned_by(&sales1).await?.is_empty(),
            "the leaver still owns customers"
        );
        println!(
            "hand-over of {theirs} customers ({} visits, {customers} open tasks) to one colleague, from the click on the manager's laptop (1280×800, headless Chromium):",
            customers * 10
        );
        println!(
            "  written on the laptop (one IndexedDB transaction) and the account disabled: {written_s:.1} s"
        );
        println!("  every change of it on the server (the laptop says Synced): {pushed_s:.1} s");
        println!(
            "  the colleague's tablet holds the whole book ({} records more, {held} in all): {received_s:.1} s; she owns {owned} customers",
            held - before
        );
        println!(
            "  server peak memory (VmHWM) so far: {:.1} MB",
            server.peak_mb()?
        );
        Ok(())
    })
    .await;
    drop(driver);
    result
}

fn main() -> Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    tokio::runtime::Runtime::new()?.block_on(run())
}
