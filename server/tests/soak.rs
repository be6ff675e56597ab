//! Soak (issue 9): 100 devices — a manager's and nine salespeople's, ten devices each — make
//! mixed edits for a while against two server instances over one PostgreSQL: new customers,
//! edits of the same fields from several devices at once, visits, pulls. At the end every
//! device's copy, and the book as each instance serves it, equals the reference fold of every
//! change the server accepted (SYNC §1); push and pull latencies are printed (p50/p99).
//!
//! CI runs it for 15 s in its PostgreSQL pass. The ten-minute soak, with figures:
//! `HUITOU_SOAK_SECONDS=600 HUITOU_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test
//! cargo test --release -p huitou-server --test soak -- --nocapture`

mod support;

use huitou_shared::api::PullResponse;
use huitou_shared::{Change, Role, State};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

const DEVICES: usize = 100;
const SALESPEOPLE: usize = 9;
/// Customers each salesperson owns at the start.
const CUSTOMERS_EACH: usize = 20;

/// SplitMix64, one per device: every run makes the same kinds of moves.
struct Dice(u64);

impl Dice {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

/// A device's hybrid clock: never goes back, ticks within a millisecond.
struct Clock {
    device: String,
    millis: u64,
    counter: u32,
}

impl Clock {
    fn stamp(&mut self) -> String {
        let now = now_ms();
        if now > self.millis {
            self.millis = now;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        hlc_at(self.millis, self.counter, &self.device)
    }
}

#[derive(Default)]
struct Figures {
    push_ms: Vec<f64>,
    pull_ms: Vec<f64>,
    accepted: Vec<Change>,
    refused: Vec<String>,
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    if values.is_empty() {
        return 0.0;
    }
    values[((values.len() - 1) as f64 * p).round() as usize]
}

struct Device {
    name: String,
    url: String,
    token: String,
    client: reqwest::Client,
    /// Customers this device's user may write.
    customers: Vec<String>,
    clock: Clock,
    dice: Dice,
    cursor: String,
    /// What the device holds: its own accepted changes and everything it pulled.
    copy: State,
}

impl Device {
    async fn push(&mut self, changes: Vec<Change>, figures: &Mutex<Figures>) {
        let body = json!({"device": self.name, "changes": changes});
        loop {
            let start = Instant::now();
            let response = self
                .client
                .post(format!("{}/api/v1/sync/push", self.url))
                .bearer_auth(&self.token)
                .json(&body)
                .send()
                .await
                .expect("push request");
            let status = response.status();
            let reply: Value = response.json().await.expect("push json");
            if status == StatusCode::SERVICE_UNAVAILABLE {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            assert_eq!(status, StatusCode::OK, "{reply}");
            let elapsed = start.elapsed().as_secs_f64() * 1000.0;
            let accepted: std::collections::HashSet<&str> = reply["accepted"]
                .as_array()
                .expect("accepted")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let mut figures = figures.lock().unwrap();
            figures.push_ms.push(elapsed);
            for change in &changes {
                if accepted.contains(change.op.as_str()) {
                    self.copy.apply(change);
                    figures.accepted.push(change.clone());
                } else {
                    figures.refused.push(format!("{}: {reply}", self.name));
                }
            }
            return;
        }
    }

    /// Pulls until the server has nothing more for this device.
    async fn pull(&mut self, figures: &Mutex<Figures>) {
        loop {
            let start = Instant::now();
            let response = self
                .client
                .get(format!("{}/api/v1/sync/pull", self.url))
                .query(&[("cursor", self.cursor.as_str()), ("limit", "1000")])
                .bearer_auth(&self.token)
                .send()
                .await
                .expect("pull request");
            if response.status() == StatusCode::SERVICE_UNAVAILABLE {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            assert_eq!(response.status(), StatusCode::OK);
            let page: PullResponse = response.json().await.expect("pull json");
            figures
                .lock()
                .unwrap()
                .pull_ms
                .push(start.elapsed().as_secs_f64() * 1000.0);
            for change in &page.changes {
                self.copy.apply(change);
            }
            self.cursor = page.cursor;
            if !page.has_more {
                return;
            }
        }
    }

    /// One move: a new customer, edits of existing ones (often the same field another device
    /// edits), a visit, or a pull.
    async fn act(&mut self, figures: &Mutex<Figures>, owner: &str) {
        let roll = self.dice.next(100);
        if roll < 20 {
            return self.pull(figures).await;
        }
        let mut changes = Vec::new();
        if roll < 30 || self.customers.is_empty() {
            let id = new_id();
            let n = self.dice.next(100_000);
            for (field, value) in [
                ("name", json!(format!("新客{n}"))),
                ("owner", json!(owner)),
                ("phone", json!(format!("137{n:08}"))),
            ] {
                let stamp = self.clock.stamp();
                changes.push(Change::new("customer", &id, field, value, &stamp));
            }
            self.customers.push(id);
        } else if roll < 70 {
            for _ in 0..1 + self.dice.next(5) {
                let customer = self.customers[self.dice.next(self.customers.len())].clone();
                let field = ["phone", "note", "stage", "tag:常客"][self.dice.next(4)];
                let value = match field {
                    "tag:常客" => json!(self.dice.next(2) == 0),
                    "stage" => {
                        json!(["prospect", "customer", "repeat", "loyal"][self.dice.next(4)])
                    }
                    _ => json!(format!("{} {}", self.name, self.dice.next(1000))),
                };
                let stamp = self.clock.stamp();
                changes.push(Change::new("customer", &customer, field, value, &stamp));
            }
        } else {
            let customer = self.customers[self.dice.next(self.customers.len())].clone();
            let visit = new_id();
            for (field, value) in [
                ("customer_id", json!(customer)),
                ("at", json!("2026-12-01T19:00:00+08:00")),
                ("amount", json!(self.dice.next(2000))),
                ("party_size", json!(1 + self.dice.next(8))),
            ] {
                let stamp = self.clock.stamp();
                changes.push(Change::new("visit", &visit, field, value, &stamp));
            }
        }
        self.push(changes, figures).await;
    }
}

/// The fields of `reference`'s records that `copy` holds must be the reference's (value and
/// stamp); with `whole`, `copy` must hold every record too.
fn check_copy(what: &str, copy: &State, reference: &State, whole: bool) {
    for kind in ["customer", "visit"] {
        for (id, record) in reference.records(kind) {
            let Some(held) = copy.record(kind, id) else {
                assert!(!whole, "{what} lacks {kind} {id}");
                continue;
            };
            for (field, state) in &record.fields {
                let mine = held.fields.get(field);
                assert_eq!(
                    mine.map(|f| (&f.value, &f.hlc)),
                    Some((&state.value, &state.hlc)),
                    "{what}: {kind} {id}.{field}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_devices_over_two_instances_converge_on_the_reference_fold() {
    if std::env::var("HUITOU_TEST_POSTGRES").is_err() {
        eprintln!("needs PostgreSQL (HUITOU_TEST_POSTGRES); CI's PostgreSQL pass runs it");
        return;
    }
    let seconds: u64 = std::env::var("HUITOU_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    let a = spawn_app().await;
    let b = second_instance(&a).await;
    let manager = a.user("soak", "manager", Role::Manager).await;
    let mut users = vec![(manager.user_id.clone(), true)];
    for n in 0..SALESPEOPLE {
        let id = a
            .add_user("soak", &format!("sales{n}"), Role::Salesperson)
            .await;
        users.push((id, false));
    }
    // Each salesperson's customers, made by the manager's laptop.
    let figures = Arc::new(Mutex::new(Figures::default()));
    let mut owned: HashMap<String, Vec<String>> = HashMap::new();
    let mut seed = Vec::new();
    for (user, is_manager) in &users {
        if *is_manager {
            continue;
        }
        for n in 0..CUSTOMERS_EACH {
            let id = new_id();
            seed.push(change(
                "customer",
                &id,
                "name",
                json!(format!("老客{n}")),
                0,
            ));
            seed.push(change("customer", &id, "owner", json!(user), 1));
            owned.entry(user.clone()).or_default().push(id);
        }
    }
    let body = a.push(&manager, &seed).await;
    assert_eq!(body["accepted"].as_array().unwrap().len(), seed.len());
    figures.lock().unwrap().accepted.extend(
        seed.iter()
            .map(|c| serde_json::from_value(c.clone()).unwrap()),
    );
    let all_customers: Vec<String> = owned.values().flatten().cloned().collect();

    let mut devices = Vec::new();
    for n in 0..DEVICES {
        let (user, is_manager) = users[n % users.len()].clone();
        let name = format!("soak-device-{n:03}");
        let token = huitou_server::auth::new_token().unwrap();
        a.server
            .store
            .insert_token(&huitou_server::auth::token_hash(&token), &user, Some(&name))
            .await
            .unwrap();
        let app = if n % 2 == 0 { &a } else { &b };
        devices.push(Device {
            url: app.url.clone(),
            token,
            client: app.client.clone(),
            customers: if is_manager {
                all_customers.clone()
            } else {
                owned[&user].clone()
            },
            clock: Clock {
                device: name.clone(),
                millis: 0,
                counter: 0,
            },
            dice: Dice(n as u64 + 1),
            cursor: String::new(),
            copy: State::default(),
            name,
        });
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut running = Vec::new();
    for (n, mut device) in devices.into_iter().enumerate() {
        let figures = figures.clone();
        let owner = users[n % users.len()].0.clone();
        running.push(tokio::spawn(async move {
            device.pull(&figures).await;
            while Instant::now() < deadline {
                device.act(&figures, &owner).await;
                let pause = 100 + device.dice.next(400);
                tokio::time::sleep(Duration::from_millis(pause as u64)).await;
            }
            device
        }));
    }
    let mut devices = Vec::new();
    for task in running {
        devices.push(task.await.expect("device"));
    }
    let soaked = started.elapsed().as_secs_f64();
    // Everyone catches up once the edits stop.
    for device in &mut devices {
        device.pull(&figures).await;
    }

    let mut figures = std::mem::take(&mut *figures.lock().unwrap());
    assert!(
        figures.refused.is_empty(),
        "changes refused: {:?}",
        &figures.refused[..figures.refused.len().min(3)]
    );
    let reference = State::fold(&figures.accepted);
    for (n, device) in devices.iter().enumerate() {
        check_copy(&device.name, &device.copy, &reference, n % users.len() == 0);
    }
    for (what, app) in [("instance A", &a), ("instance B", &b)] {
        let served = State::fold(&app.pull_all(&manager).await);
        check_copy(what, &served, &reference, true);
    }
    let pushes = figures.push_ms.len();
    let pulls = figures.pull_ms.len();
    eprintln!(
        "soak: {DEVICES} devices over 2 instances for {soaked:.0} s: {pushes} pushes ({} changes \
         accepted, {:.0}/s), push p50 {:.1} ms / p99 {:.1} ms; {pulls} pull pages, p50 {:.1} ms / \
         p99 {:.1} ms; {} records converged on every device and both instances",
        figures.accepted.len(),
        figures.accepted.len() as f64 / soaked,
        percentile(&mut figures.push_ms, 0.5),
        percentile(&mut figures.push_ms, 0.99),
        percentile(&mut figures.pull_ms, 0.5),
        percentile(&mut figures.pull_ms, 0.99),
        reference.len()
    );
}
