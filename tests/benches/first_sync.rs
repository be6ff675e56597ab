//! A manager's laptop meets a big book: 10,000 customers and 100,000 visits (760,000 field
//! changes) on the release server, synced into a fresh headless Chromium's IndexedDB, as a
//! manager signs in at 1280×800. Prints: time until a customer is found by search, time until
//! the whole book is on the device, the longest tasks the page ran meanwhile (Long Tasks API),
//! the server's peak memory, and, after a reload, the time until search works again.
//!
//! Run: `cargo bench -p huitou-tests --bench first_sync` (after `trunk build --release` and
//! `cargo build --release -p huitou-server`; `./scripts/bench` does both). Figures only: no
//! timed assertion. `HUITOU_BENCH_CUSTOMERS` scales the book (visits are ten per customer).

use anyhow::{Result, bail, ensure};
use fantoccini::{Client, Locator};
use huitou_tests::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "小明伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥鹏飞斌宇浩然子涵欣怡梓轩思雨一诺佳琪雨桐";
const DISHES: [&str; 8] = [
    "清蒸鲈鱼",
    "东坡肉",
    "佛跳墙",
    "白切鸡",
    "麻婆豆腐",
    "小笼包",
    "北京烤鸭",
    "酸菜鱼",
];
const OCCASIONS: [&str; 4] = ["business", "friends", "family", "other"];

struct Dice(u64);
impl Dice {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// The book as changes, and one customer to look for (name, phone).
fn book(customers: usize) -> (Vec<Value>, (String, String)) {
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let mut dice = Dice(20261202);
    let base_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
        - 3_600_000;
    let mut n = 0u64;
    let mut changes = Vec::new();
    let mut push = |kind: &str, id: &str, field: &str, value: Value| {
        changes.push(json!({
            "op": uuid::Uuid::now_v7().to_string(), "kind": kind, "id": id, "field": field,
            "value": value, "hlc": format!("{:015}:{:05}:bench-seed", base_ms + n / 1000, n % 1000),
        }));
        n += 1;
    };
    let mut ids = Vec::new();
    let mut wanted = (String::new(), String::new());
    for i in 0..customers {
        let id = uuid::Uuid::now_v7().to_string();
        let name: String = [
            surnames[dice.next(surnames.len())],
            given[dice.next(given.len())],
            given[dice.next(given.len())],
        ]
        .iter()
        .collect();
        let phone = format!("139{:08}", (i * 7919) % 100_000_000);
        if i == customers * 3 / 4 {
            wanted = (name.clone(), phone.clone());
        }
        push("customer", &id, "name", json!(name));
        push("customer", &id, "phone", json!(phone));
        push(
            "customer",
            &id,
            "gender",
            json!(if i % 2 == 0 { "female" } else { "male" }),
        );
        push(
            "customer",
            &id,
            "birthday",
            json!({"calendar": "solar", "year": 1970 + dice.next(35), "month": 1 + dice.next(12), "day": 1 + dice.next(28), "leap": false}),
        );
        push(
            "customer",
            &id,
            if i % 3 == 0 { "tag:VIP" } else { "tag:朋友" },
            json!(true),
        );
        push(
            "customer",
            &id,
            "created_at",
            json!(format!(
                "2025-{:02}-{:02}T10:00:00+08:00",
                1 + dice.next(12),
                1 + dice.next(28)
            )),
        );
        ids.push(id);
    }
    for _ in 0..customers * 10 {
        let id = uuid::Uuid::now_v7().to_string();
        let items: Vec<&str> = (0..1 + dice.next(4))
            .map(|_| DISHES[dice.next(DISHES.len())])
            .collect();
        push(
            "visit",
            &id,
            "customer_id",
            json!(ids[dice.next(ids.len())]),
        );
        push(
            "visit",
            &id,
            "at",
            json!(format!(
                "2026-{:02}-{:02}T19:00:00+08:00",
                1 + dice.next(11),
                1 + dice.next(28)
            )),
        );
        push("visit", &id, "amount", json!(100 + dice.next(3000)));
        push("visit", &id, "party_size", json!(1 + dice.next(10)));
        push(
            "visit",
            &id,
            "occasion",
            json!(OCCASIONS[dice.next(OCCASIONS.len())]),
        );
        push("visit", &id, "items", json!(items));
        push("visit", &id, "note", json!("靠窗"));
    }
    (changes, wanted)
}

/// Installs a Long Tasks observer in the page (buffered: it sees tasks since navigation).
async fn watch_long_tasks(client: &Client) -> Result<()> {
    client
        .execute(
            "window.__longTasks = []; new PerformanceObserver(list => { for (const e of list.getEntries()) { const badge = document.querySelector('[data-testid=sync-badge]'); window.__longTasks.push({ms: e.duration, at: e.startTime, badge: badge ? badge.textContent : ''}); } }).observe({type: 'longtask', buffered: true});",
            vec![],
        )
        .await?;
    Ok(())
}

/// One long task: how long it ran, when it started (ms since navigation) and what the sync
/// badge said just after it.
#[derive(serde::Deserialize)]
struct LongTask {
    ms: f64,
    at: f64,
    badge: String,
}

/// (count, total ms, longest ms, count over 200 ms) of the page's long tasks so far, and
/// the tasks over 150 ms, to say where they fell.
async fn long_tasks(client: &Client) -> Result<(usize, f64, f64, usize, Vec<LongTask>)> {
    let tasks: Vec<LongTask> =
        serde_json::from_value(client.execute("return window.__longTasks;", vec![]).await?)
            .map_err(|_| {
                anyhow::anyhow!("no long-task observer on this page: it was navigated away")
            })?;
    let durations: Vec<f64> = tasks.iter().map(|t| t.ms).collect();
    Ok((
        durations.len(),
        durations.iter().sum(),
        durations.iter().copied().fold(0.0, f64::max),
        durations.iter().filter(|d| **d > 200.0).count(),
        tasks.into_iter().filter(|t| t.ms > 150.0).collect(),
    ))
}

/// "at 3.2 s, 220 ms (Syncing…)" for each of the longest tasks.
fn where_they_fell(tasks: &[LongTask]) -> String {
    tasks
        .iter()
        .map(|t| {
            format!(
                "at {:.1} s {:.0} ms ({})",
                t.at / 1000.0,
                t.ms,
                t.badge.trim()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Types `phone` into the customer search and waits until `name` is listed.
async fn found(client: &Client, phone: &str, name: &str) -> Result<bool> {
    let Ok(search) = client
        .find(Locator::Css("input[type=search][name=search]"))
        .await
    else {
        return Ok(false);
    };
    let current = search.prop("value").await?.unwrap_or_default();
    if current != phone {
        search.clear().await?;
        search.send_keys(phone).await?;
    }
    let text = client.find(Locator::Css("main")).await?.text().await?;
    Ok(text.contains(name))
}

async fn wait_until_found(client: &Client, phone: &str, name: &str, limit: Duration) -> Result<()> {
    let deadline = Instant::now() + limit;
    while !found(client, phone, name).await.unwrap_or(false) {
        if Instant::now() > deadline {
            bail!("{name} ({phone}) not found by search within {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn run() -> Result<()> {
    let customers: usize = std::env::var("HUITOU_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let server = ReleaseServer::start(dir.path())?;
    let http = reqwest::Client::new();
    server.ready().await?;
    let api = Api::sign_in(&server.url, "manager").await?;
    let (changes, (name, phone)) = book(customers);
    let started = Instant::now();
    for batch in changes.chunks(1000) {
        let answer: Value = http
            .post(format!("{}/api/v1/sync/push", server.url))
            .bearer_auth(&api.token)
            .json(&json!({"device": "bench-seed", "changes": batch}))
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
    let seed_s = started.elapsed().as_secs_f64();
    println!(
        "seeded {customers} customers + {} visits = {} changes in {seed_s:.1} s ({:.0} changes/s, pushes of 1000)",
        customers * 10,
        changes.len(),
        changes.len() as f64 / seed_s
    );
    println!(
        "  server peak memory (VmHWM) after seeding: {:.1} MB",
        server.peak_mb()?
    );
    drop(changes);

    let driver = Driver::start().await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    let result = async {
        laptop.set_window_size(1280, 800).await?;
        laptop.goto(&server.url).await?;
        fill(&laptop, "Organisation", "demo").await?;
        fill(&laptop, "Username", "manager").await?;
        fill(&laptop, "Password", "huitou-demo").await?;
        let signed_in = Instant::now();
        click(&laptop, "Sign in").await?;
        // A manager's sign-in loads the manager bundle (a new page): the observer goes on that
        // page, buffered, so it sees its tasks from the start. (Installed on the sign-in page,
        // it went with it, and the first sync reported no long task at all.)
        eventually(Duration::from_secs(20), || async {
            let bundle = loaded_bundle(&laptop).await?;
            ensure!(bundle.contains("/manage/"), "still the main bundle: {bundle}");
            sync_badge(&laptop).await
        })
        .await?;
        watch_long_tasks(&laptop).await?;
        click(&laptop, "Customers").await?;
        wait_until_found(&laptop, &phone, &name, Duration::from_secs(600)).await?;
        let searchable_s = signed_in.elapsed().as_secs_f64();
        let mut progress = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(900);
        loop {
            let badge = sync_badge(&laptop).await.unwrap_or_default();
            if badge == "Synced" {
                break;
            }
            if progress.last() != Some(&badge) {
                progress.push(badge);
            }
            ensure!(Instant::now() < deadline, "not synced after 15 minutes");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let complete_s = signed_in.elapsed().as_secs_f64();
        let (tasks, total_ms, longest_ms, over_200, longest) = long_tasks(&laptop).await?;
        let stored = stored_records(&laptop).await?;
        println!(
            "first sync into a fresh headless Chromium (1280×800, manager): customer found by search after {searchable_s:.1} s; whole book on the device after {complete_s:.1} s ({stored} records in IndexedDB)"
        );
        println!("  the badge meanwhile: {}", progress.join(" → "));
        println!(
            "  long tasks during it: {tasks}, {total_ms:.0} ms in all, longest {longest_ms:.0} ms, {over_200} over 200 ms"
        );
        println!(
            "  tasks over 150 ms (time since the page opened): {}",
            where_they_fell(&longest)
        );
        println!(
            "  server peak memory (VmHWM) after seeding and the first sync: {:.1} MB",
            server.peak_mb()?
        );

        // Start from IndexedDB with the whole book: reload and search again.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let reloaded = Instant::now();
        laptop.refresh().await?;
        watch_long_tasks(&laptop).await?;
        wait_until_found(&laptop, &phone, &name, Duration::from_secs(120)).await?;
        let start_s = reloaded.elapsed().as_secs_f64();
        let (tasks, _, longest_ms, over_200, longest) = long_tasks(&laptop).await?;
        println!(
            "app start from IndexedDB with the whole book: customer found by search {start_s:.2} s after reload ({tasks} long tasks, longest {longest_ms:.0} ms, {over_200} over 200 ms)"
        );
        println!("  tasks over 150 ms: {}", where_they_fell(&longest));
        Ok::<_, anyhow::Error>(())
    }
    .await;
    let _ = laptop.close().await;
    result
}

fn main() -> Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    tokio::runtime::Runtime::new()?.block_on(run())
}
