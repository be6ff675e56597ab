//! Times the import of a 10,000-row customer sheet, then of a 10,000-row sheet of their visits
//! (issue 12 bar: the dry run and the import each under 10 s on this machine) through the real
//! HTTP API of a release server on a fresh SQLite file: `POST /api/v1/imports/check`, then
//! `POST /api/v1/imports`.
//!
//! `cargo bench -p huitou-server --bench import`

use base64::Engine;
use serde_json::{Value, json};
use std::time::Instant;

const ROWS: usize = 10_000;

fn phone(i: usize) -> String {
    format!("1{:02}{:08}", 30 + i % 10, 10_000_000 + i * 37)
}

/// A visit for each customer of [`sheet`], spread over 2025.
fn visits() -> Vec<u8> {
    let mut csv = String::from("手机,消费日期,金额,人数,备注\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "{},2025-{:02}-{:02} 19:{:02},{},{},包间\n",
            phone(i),
            1 + i % 12,
            1 + i % 28,
            i % 60,
            80 + i % 2000,
            1 + i % 8,
        ));
    }
    csv.into_bytes()
}

fn sheet() -> Vec<u8> {
    let mut csv = String::from("\u{feff}姓名,手机,性别,生日,公司,标签,备注,首次到店,累计消费\n");
    for i in 0..ROWS {
        let birthday = if i % 7 == 0 {
            "农历三月初八".to_owned()
        } else {
            format!("19{:02}-{:02}-{:02}", 60 + i % 40, 1 + i % 12, 1 + i % 28)
        };
        csv.push_str(&format!(
            "客人{i},{},{},{birthday},公司{},VIP、商务,备注{i},2025-{:02}-{:02},{}\n",
            phone(i),
            if i % 2 == 0 { "男" } else { "女" },
            i % 50,
            1 + i % 12,
            1 + i % 28,
            100 + i % 5000,
        ));
    }
    csv.into_bytes()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = huitou_server::Config::sqlite(dir.path().join("huitou.db"));
    config.demo = true;
    let server = huitou_server::start(config).await?;
    let url = server.url();
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"org": "demo", "username": "manager", "password": "huitou-demo"}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["token"].as_str().unwrap_or_default().to_owned();
    let bytes = sheet();
    let body = json!({
        "file_name": "bench.csv",
        "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
    });
    let (dry_run, import) = timed(&http, &url, &token, &body).await?;
    println!(
        "import of {ROWS} customer rows ({} KB CSV, {} changes) on SQLite: dry run {:.2} s, import {:.2} s",
        bytes.len() / 1024,
        ROWS * 13,
        dry_run.as_secs_f64(),
        import.as_secs_f64()
    );
    let history = visits();
    let body = json!({
        "file_name": "visits.csv",
        "content": base64::engine::general_purpose::STANDARD.encode(&history),
    });
    let (dry_run, import) = timed(&http, &url, &token, &body).await?;
    println!(
        "import of {ROWS} visit rows ({} KB CSV, {} changes; {} customers and {} visits already in the book) on SQLite: dry run {:.2} s, import {:.2} s",
        history.len() / 1024,
        ROWS * 5,
        ROWS,
        ROWS,
        dry_run.as_secs_f64(),
        import.as_secs_f64()
    );
    Ok(())
}

/// The dry run and the import of `body`, timed; every row must be new.
async fn timed(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: &Value,
) -> anyhow::Result<(std::time::Duration, std::time::Duration)> {
    let started = Instant::now();
    let dry: Value = http
        .post(format!("{url}/api/v1/imports/check"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await?
        .json()
        .await?;
    let dry_run = started.elapsed();
    anyhow::ensure!(
        dry["counts"]["new"] == json!(ROWS),
        "every row is new: {}",
        dry["counts"]
    );
    let started = Instant::now();
    let done: Value = http
        .post(format!("{url}/api/v1/imports"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await?
        .json()
        .await?;
    let import = started.elapsed();
    anyhow::ensure!(done["created"] == json!(ROWS), "imported: {done}");
    Ok((dry_run, import))
}
