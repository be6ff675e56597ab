//! Concurrency and isolation over a real socket (SQLite, and PostgreSQL in CI):
//! - several devices push at once while others pull continuously: every reader ends with
//!   the reference fold of all accepted changes, and no reader's cursor skipped a change;
//! - an isolation oracle: random edits, shares, reassignments, moved visits, releases to the
//!   shared pool and claims by several users, a hand-over with the leaver disabled, and an
//!   erasure; after each round each salesperson's device holds exactly what they may read,
//!   and the disabled one's device reads nothing more.

mod support;

use huitou_shared::{Change, Record, Role, State};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use support::*;

/// A small deterministic generator, so a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

fn stamp(device: &str, counter: &mut u32) -> String {
    *counter += 1;
    hlc_at(now_ms(), *counter % 90_000, device)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_pushes_and_pulls_lose_and_skip_nothing() {
    let app = std::sync::Arc::new(spawn_app().await);
    let manager = std::sync::Arc::new(app.user("acme", "manager", Role::Manager).await);
    let customers: Vec<String> = (0..12).map(|_| new_id()).collect();
    let pushing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));

    // Readers pull in small pages as fast as they can while the writers push.
    let mut readers = Vec::new();
    for _ in 0..2 {
        let (app, manager, pushing) = (app.clone(), manager.clone(), pushing.clone());
        readers.push(tokio::spawn(async move {
            let mut cursor = String::new();
            let mut seen: Vec<Change> = Vec::new();
            loop {
                let done = !pushing.load(std::sync::atomic::Ordering::SeqCst);
                loop {
                    let (status, body) = app
                        .pull_raw(&manager.token, &format!("cursor={cursor}&limit=37"))
                        .await;
                    assert_eq!(status, 200, "{body}");
                    let page: huitou_shared::api::PullResponse =
                        serde_json::from_value(body).unwrap();
                    seen.extend(page.changes);
                    cursor = page.cursor;
                    if !page.has_more {
                        break;
                    }
                }
                if done {
                    return seen;
                }
            }
        }));
    }
    let mut writers = Vec::new();
    for writer in 0..4u32 {
        let (app, manager, customers) = (app.clone(), manager.clone(), customers.clone());
        writers.push(tokio::spawn(async move {
            let device = format!("writer{writer:04}");
            let mut rng = Rng(u64::from(writer) + 1);
            let mut counter = 0;
            let mut accepted = Vec::new();
            for _round in 0..25 {
                let batch: Vec<Value> = (0..20)
                    .map(|_| {
                        let customer = &customers[rng.below(customers.len())];
                        let field = ["name", "phone", "note", "company"][rng.below(4)];
                        let value = json!(format!("{device}-{}", rng.below(1000)));
                        change_at(
                            "customer",
                            customer,
                            field,
                            value,
                            &stamp(&device, &mut counter),
                        )
                    })
                    .collect();
                let (status, body) = app
                    .push_raw(&manager.token, json!({"device": device, "changes": batch}))
                    .await;
                assert_eq!(status, 200, "a push under load: {body}");
                assert_eq!(body["rejected"], json!([]), "{body}");
                for change in batch {
                    accepted.push(serde_json::from_value::<Change>(change).unwrap());
                }
            }
            accepted
        }));
    }
    let mut all: Vec<Change> = Vec::new();
    for writer in writers {
        all.extend(writer.await.unwrap());
    }
    pushing.store(false, std::sync::atomic::Ordering::SeqCst);
    let reference = State::fold(&all);
    let every_op: HashSet<String> = all.iter().map(|c| c.op.clone()).collect();
    for reader in readers {
        let seen = reader.await.unwrap();
        let ops: HashSet<String> = seen.iter().map(|c| c.op.clone()).collect();
        let skipped: Vec<&String> = every_op.difference(&ops).collect();
        assert!(
            skipped.is_empty(),
            "a cursor skipped {} changes",
            skipped.len()
        );
        // The server set the author; compare values only.
        for customer in &customers {
            let mine = State::fold(&seen);
            assert_eq!(
                mine.record("customer", customer).map(values),
                reference.record("customer", customer).map(values),
            );
        }
    }
}

fn values(record: &Record) -> BTreeMap<String, Value> {
    record
        .fields
        .iter()
        .map(|(field, state)| (field.clone(), state.value.clone()))
        .collect()
}

/// What a salesperson's device holds, kept as the app keeps it: pulled changes merged, revoked
/// records (a customer with its children) deleted, except children the same page brings.
#[derive(Default)]
struct Device {
    cursor: String,
    records: HashMap<(String, String), Record>,
}

impl Device {
    async fn sync(&mut self, app: &TestApp, session: &Session) {
        for _ in 0..10_000 {
            let (status, body) = app
                .pull_raw(&session.token, &format!("cursor={}&limit=7", self.cursor))
                .await;
            assert_eq!(status, 200, "{body}");
            let page: huitou_shared::api::PullResponse = serde_json::from_value(body).unwrap();
            assert!(page.changes.len() <= 7);
            let arriving: HashSet<(String, String)> = page
                .changes
                .iter()
                .map(|c| (c.kind.clone(), c.id.clone()))
                .collect();
            for change in &page.changes {
                self.records
                    .entry((change.kind.clone(), change.id.clone()))
                    .or_default()
                    .apply(change);
            }
            for gone in &page.revoked {
                self.records.remove(&(gone.kind.clone(), gone.id.clone()));
                if gone.kind == "customer" {
                    self.records.retain(|key, record| {
                        arriving.contains(key)
                            || record.text("customer_id") != Some(gone.id.as_str())
                    });
                }
            }
            assert!(
                page.cursor != self.cursor || !page.changes.is_empty() || !page.has_more,
                "a page with more to come moved nowhere: {}",
                self.cursor
            );
            self.cursor = page.cursor;
            if !page.has_more {
                return;
            }
        }
        panic!("still pulling after 10,000 pages");
    }
}

/// Every record `user` may read in the reference state (SYNC §4).
fn readable(
    reference: &State,
    creators: &HashMap<String, String>,
    user: &str,
) -> BTreeMap<(String, String), BTreeMap<String, Value>> {
    let visible = |customer: &str| {
        let Some(record) = reference.record("customer", customer) else {
            return false;
        };
        let shared = record.value("shared") == Some(&json!(true));
        match record.text("owner").filter(|o| !o.is_empty()) {
            Some(owner) => owner == user || shared,
            None => shared || creators.get(customer).map(String::as_str) == Some(user),
        }
    };
    let mut out = BTreeMap::new();
    for kind in ["customer", "visit", "handover", "template", "pool"] {
        for (id, record) in reference.records(kind) {
            let may = match kind {
                "customer" => visible(id),
                "visit" | "handover" => record.text("customer_id").is_some_and(visible),
                _ => true,
            };
            if may {
                out.insert((kind.to_owned(), id.clone()), values(record));
            }
        }
    }
    out
}

#[tokio::test]
async fn each_salesperson_holds_exactly_what_they_may_read_after_every_round() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let mut sales = Vec::new();
    for name in ["sales1", "sales2", "sales3"] {
        sales.push(app.user("acme", name, Role::Salesperson).await);
    }
    let mut devices: Vec<Device> = sales.iter().map(|_| Device::default()).collect();
    let mut accepted: Vec<Change> = Vec::new();
    let mut creators: HashMap<String, String> = HashMap::new();
    // What the server writes by itself (a claimed customer given to its claimer) joins the
    // reference from the manager's pull.
    let mut manager_cursor = String::new();
    let mut claims_finished = 0;
    let mut rng = Rng(20_261_201);
    let mut counter = 0;
    // The third salesperson leaves halfway: their book is handed over, their account disabled.
    let mut active = sales.len();
    let mut erased_one = false;
    for round in 0..12 {
        if round == 6 {
            let handed =
                hand_over_and_disable(&app, &manager, &sales, &accepted, &mut counter).await;
            accepted.extend(handed);
            active = 2;
        }
        for step in 0..8 {
            let reference = State::fold(&accepted);
            let erased = |id: &str| reference.value("customer", id, "erased") == Some(&json!(true));
            let customers: Vec<String> = reference
                .records("customer")
                .map(|(id, _)| id.clone())
                .filter(|id| !erased(id))
                .collect();
            let visits: Vec<String> = reference
                .records("visit")
                .filter(|(_, v)| v.text("customer_id").is_some_and(|c| !erased(c)))
                .map(|(id, _)| id.clone())
                .collect();
            let who = rng.below(active);
            let seller = &sales[who];
            // Once, a manager erases a named customer (SYNC §5).
            let erasing = round == 9 && step == 0 && !erased_one;
            let mine: Vec<String> = customers
                .iter()
                .filter(|c| {
                    let r = reference.record("customer", c).unwrap();
                    r.text("owner") == Some(seller.user_id.as_str())
                })
                .cloned()
                .collect();
            let open_pool: Vec<String> = reference
                .records("pool")
                .filter(|(id, entry)| {
                    entry.text("claimed_by").is_none()
                        && !erased(id)
                        && reference.value("customer", id, "owner") == Some(&json!("pool"))
                })
                .map(|(id, _)| id.clone())
                .collect();
            if erasing {
                let named = customers
                    .iter()
                    .find(|id| {
                        reference
                            .value("customer", id, "name")
                            .is_some_and(Value::is_string)
                    })
                    .expect("a named customer to erase");
                let name = reference.value("customer", named, "name").cloned().unwrap();
                let response = app
                    .client
                    .post(format!("{}/api/v1/customers/{named}/erase", app.url))
                    .bearer_auth(&manager.token)
                    .json(&json!({ "confirm_name": name }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200, "round {round}: the erasure");
                erased_one = true;
            }
            let (session, changes): (&Session, Vec<Value>) = match rng.below(9) {
                _ if erasing => (&manager, Vec::new()),
                6 if !customers.is_empty() => {
                    let customer = &customers[rng.below(customers.len())];
                    let mut changes = vec![change_at(
                        "customer",
                        customer,
                        "owner",
                        json!("pool"),
                        &stamp("managerdevice", &mut counter),
                    )];
                    for (field, value) in [
                        ("name", json!("公海客户")),
                        ("released_at", json!(now_ms())),
                        ("claimed_by", Value::Null),
                    ] {
                        changes.push(change_at(
                            "pool",
                            customer,
                            field,
                            value,
                            &stamp("managerdevice", &mut counter),
                        ));
                    }
                    (&manager, changes)
                }
                7 if !open_pool.is_empty() => {
                    let entry = &open_pool[rng.below(open_pool.len())];
                    (
                        seller,
                        vec![change_at(
                            "pool",
                            entry,
                            "claimed_by",
                            json!(seller.user_id),
                            &stamp("sellerdevice", &mut counter),
                        )],
                    )
                }
                0 | 1 => {
                    let id = new_id();
                    creators.insert(id.clone(), seller.user_id.clone());
                    (
                        seller,
                        vec![
                            change_at(
                                "customer",
                                &id,
                                "name",
                                json!(format!("客户{round}-{}", rng.below(100))),
                                &stamp("sellerdevice", &mut counter),
                            ),
                            change_at(
                                "customer",
                                &id,
                                "owner",
                                json!(seller.user_id),
                                &stamp("sellerdevice", &mut counter),
                            ),
                        ],
                    )
                }
                2 if !mine.is_empty() => {
                    let customer = &mine[rng.below(mine.len())];
                    (
                        seller,
                        vec![change_at(
                            "visit",
                            &new_id(),
                            "customer_id",
                            json!(customer),
                            &stamp("sellerdevice", &mut counter),
                        )],
                    )
                }
                3 if !mine.is_empty() => {
                    let customer = &mine[rng.below(mine.len())];
                    (
                        seller,
                        vec![change_at(
                            "customer",
                            customer,
                            "shared",
                            json!(rng.below(2) == 0),
                            &stamp("sellerdevice", &mut counter),
                        )],
                    )
                }
                4 if !customers.is_empty() => {
                    let customer = &customers[rng.below(customers.len())];
                    let to = &sales[rng.below(active)];
                    (
                        &manager,
                        vec![change_at(
                            "customer",
                            customer,
                            "owner",
                            json!(to.user_id),
                            &stamp("managerdevice", &mut counter),
                        )],
                    )
                }
                5 if !visits.is_empty() && !customers.is_empty() => {
                    let visit = &visits[rng.below(visits.len())];
                    let to = &customers[rng.below(customers.len())];
                    (
                        &manager,
                        vec![change_at(
                            "visit",
                            visit,
                            "customer_id",
                            json!(to),
                            &stamp("managerdevice", &mut counter),
                        )],
                    )
                }
                _ => (
                    &manager,
                    vec![change_at(
                        "template",
                        &new_id(),
                        "text",
                        json!("节日快乐"),
                        &stamp("managerdevice", &mut counter),
                    )],
                ),
            };
            if !changes.is_empty() {
                let body = app.push(session, &changes).await;
                assert_eq!(body["rejected"], json!([]), "round {round}: {body}");
            }
            accepted.extend(
                changes
                    .into_iter()
                    .map(|c| serde_json::from_value::<Change>(c).unwrap()),
            );
            let (logged, cursor, _) = app.pull_from(&manager, &manager_cursor).await;
            manager_cursor = cursor;
            let known: HashSet<String> = accepted.iter().map(|c| c.op.clone()).collect();
            let by_server: Vec<Change> = logged
                .into_iter()
                .filter(|c| !known.contains(&c.op) && c.kind != "user")
                .collect();
            assert!(
                by_server.iter().all(|c| c.author == seller.user_id
                    || c.kind == "user"
                    || (erasing && c.author == huitou_shared::api::SERVER_AUTHOR)),
                "round {round}: only a claim's completion and the erasure are written by the server: {by_server:?}"
            );
            claims_finished += by_server.iter().filter(|c| c.field == "claimed_at").count();
            accepted.extend(by_server);
        }
        let reference = State::fold(&accepted);
        for (n, (device, seller)) in devices.iter_mut().zip(&sales).enumerate() {
            if n >= active {
                // Disabled: the device reads nothing more (it hands in what it held, then wipes).
                let (status, body) = app
                    .pull_raw(&seller.token, &format!("cursor={}", device.cursor))
                    .await;
                assert_eq!(
                    (status, body["error"]["code"].as_str()),
                    (reqwest::StatusCode::UNAUTHORIZED, Some("account_disabled")),
                    "round {round}: {body}"
                );
                continue;
            }
            device.sync(&app, seller).await;
            // The directory of users (a disabled user's record, republished) is everyone's and
            // not part of the walk.
            let held: BTreeMap<(String, String), BTreeMap<String, Value>> = device
                .records
                .iter()
                .filter(|((kind, _), _)| kind != "user")
                .map(|(key, record)| (key.clone(), values(record)))
                .collect();
            let expected = readable(&reference, &creators, &seller.user_id);
            assert_eq!(
                held.keys().collect::<Vec<_>>(),
                expected.keys().collect::<Vec<_>>(),
                "round {round}: what the device holds"
            );
            assert_eq!(held, expected, "round {round}: the values it holds");
            // The visibility rule exists as SQL (pulls, summaries) and as Rust (rounds, live
            // events): on this random data both say what the oracle says.
            let store = &app.server.store;
            for (customer, _) in reference.records("customer") {
                let by_sql = store
                    .customer_records(&seller.actor(), customer)
                    .await
                    .unwrap()
                    .is_some();
                let by_rust = store
                    .reads_any(&seller.actor(), &[customer.clone()].into_iter().collect())
                    .await
                    .unwrap();
                let by_oracle = expected.contains_key(&("customer".to_owned(), customer.clone()));
                assert_eq!(
                    (by_sql, by_rust),
                    (by_oracle, by_oracle),
                    "round {round}: {customer}"
                );
            }
        }
    }
    assert!(
        claims_finished >= 3,
        "the walk claimed {claims_finished} pool customers"
    );
    assert!(erased_one, "the walk erased a customer");
}

/// The manager hands the last salesperson's book to the other two (`reassign::hand_over`, as
/// the Team screen writes it) and disables their account.
async fn hand_over_and_disable(
    app: &TestApp,
    manager: &Session,
    sales: &[Session],
    accepted: &[Change],
    counter: &mut u32,
) -> Vec<Change> {
    use huitou_shared::customer::reassign::{Customer, Split, hand_over};
    let reference = State::fold(accepted);
    let leaver = &sales[sales.len() - 1];
    let book: Vec<(Customer<'_>, huitou_shared::retention::Tier)> = reference
        .records("customer")
        .map(|(id, c)| {
            let customer = Customer {
                id,
                owner: c.text("owner"),
                tasks: Vec::new(),
            };
            (customer, huitou_shared::retention::Tier::New)
        })
        .collect();
    let colleagues: Vec<&str> = sales[..sales.len() - 1]
        .iter()
        .map(|s| s.user_id.as_str())
        .collect();
    let done = hand_over(
        &book,
        &leaver.user_id,
        &colleagues,
        Split::Evenly,
        &BTreeMap::new(),
        "2026-12-07T10:00:00Z",
    );
    assert!(
        !done.edits.is_empty(),
        "the leaver owned customers to hand over"
    );
    let changes: Vec<Value> = done
        .edits
        .iter()
        .flat_map(|edit| {
            edit.fields
                .iter()
                .map(|(field, value)| {
                    (
                        edit.kind.clone(),
                        edit.id.clone(),
                        field.clone(),
                        value.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .map(|(kind, id, field, value)| {
            change_at(&kind, &id, &field, value, &stamp("managerdevice", counter))
        })
        .collect();
    let body = app.push(manager, &changes).await;
    assert_eq!(body["rejected"], json!([]), "the hand-over: {body}");
    let response = app
        .client
        .post(format!(
            "{}/api/v1/users/{}/disable",
            app.url, leaver.user_id
        ))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the disabling");
    changes
        .into_iter()
        .map(|c| serde_json::from_value(c).unwrap())
        .collect()
}
