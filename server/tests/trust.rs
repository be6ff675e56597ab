//! Issue 8's holes, each proven over a real socket (SQLite, and PostgreSQL in CI): equal stamps,
//! revocation that is never skipped, bounded pages, moved child records, permissions.

mod support;

use huitou_shared::{Change, Role, State};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashSet;
use support::*;

/// Two changes of one field with the same stamp and different ops: `(low, high)` by op.
fn clashing(customer: &str, hlc: &str) -> (Value, Value) {
    let mut low = Change::new("customer", customer, "name", json!("low"), hlc);
    let mut high = Change::new("customer", customer, "name", json!("high"), hlc);
    low.op = format!("0193a3c2-0000-7000-8000-{:012}", 1);
    high.op = format!("0193a3c2-0000-7000-8000-{:012}", 2);
    (
        serde_json::to_value(low).unwrap(),
        serde_json::to_value(high).unwrap(),
    )
}

#[tokio::test]
async fn equal_stamps_are_decided_by_the_greater_op_whatever_the_arrival_order() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let hlc = hlc_at(now_ms(), 0, "testdevice01");
    let mut customers = Vec::new();
    for arrival in 0..4 {
        let customer = new_id();
        let (mut low, mut high) = clashing(&customer, &hlc);
        // Ops are unique per organisation: give each customer its own pair.
        for (change, tail) in [(&mut low, 1), (&mut high, 2)] {
            change["op"] = json!(format!("0193a3c2-0000-7000-8{arrival:03}-{tail:012}"));
        }
        match arrival {
            0 => {
                app.push(&manager, &[low]).await;
                app.push(&manager, &[high]).await;
            }
            1 => {
                app.push(&manager, &[high]).await;
                app.push(&manager, &[low]).await;
            }
            2 => {
                app.push(&manager, &[low, high]).await;
            }
            _ => {
                app.push(&manager, &[high, low]).await;
            }
        }
        customers.push(customer);
    }
    let pulled = State::fold(&app.pull_all(&manager).await);
    for customer in &customers {
        let records = app
            .server
            .store
            .customer_records(&manager.actor(), customer)
            .await
            .unwrap()
            .expect("customer stored");
        assert_eq!(records.customer.text("name"), Some("high"), "server state");
        assert_eq!(
            pulled.value("customer", customer, "name"),
            Some(&json!("high")),
            "a device's fold"
        );
    }
}

fn op_set(changes: &[Change]) -> HashSet<String> {
    changes.iter().map(|c| c.op.clone()).collect()
}

/// The log position a cursor names.
fn seq_of(cursor: &str) -> i64 {
    huitou_server::routes::sync::decode_cursor(cursor)
        .expect("a cursor of this server")
        .seq
}

/// A customer owned by `owner` with one visit of several fields; returns (customer, visit, ops).
async fn customer_with_visit(
    app: &TestApp,
    owner: &Session,
    name: &str,
) -> (String, String, Vec<String>) {
    let customer = new_id();
    let visit = new_id();
    let changes = vec![
        change("customer", &customer, "name", json!(name), 0),
        change("customer", &customer, "owner", json!(owner.user_id), 1),
        change("visit", &visit, "customer_id", json!(customer), 2),
        change("visit", &visit, "amount", json!(300), 3),
        change("visit", &visit, "note", json!("窗边座位"), 4),
    ];
    let body = app.push(owner, &changes).await;
    assert_eq!(body["accepted"], json!(ops(&changes)), "{body}");
    (customer, visit, ops(&changes))
}

#[tokio::test]
async fn revocation_is_never_skipped_however_many_visibility_changes_came_between_pulls() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let (customer, _, _) = customer_with_visit(&app, &sales1, "王小明").await;
    // The tablet pulls once and then stays offline.
    let (changes, tablet_cursor, _) = app.pull_from(&sales1, "").await;
    assert!(!changes.is_empty());
    // Meanwhile sales1's phone sees 120 visibility changes (new customers), pulling after each.
    let mut phone_cursor = String::new();
    for n in 0..120 {
        let other = new_id();
        app.push(
            &sales1,
            &[
                change("customer", &other, "name", json!(format!("客户{n}")), 0),
                change("customer", &other, "owner", json!(sales1.user_id), 1),
            ],
        )
        .await;
        phone_cursor = app.pull_from(&sales1, &phone_cursor).await.1;
    }
    // The manager gives the first customer to sales2.
    app.push(
        &manager,
        &[change(
            "customer",
            &customer,
            "owner",
            json!(sales2.user_id),
            10,
        )],
    )
    .await;
    let (_, _, revoked) = app.pull_from(&sales1, &tablet_cursor).await;
    assert!(
        revoked.contains(&customer),
        "the tablet must lose the customer: {revoked:?}"
    );
    let (_, _, revoked) = app.pull_from(&sales1, &phone_cursor).await;
    assert!(revoked.contains(&customer), "and so must the phone");
}

#[tokio::test]
async fn pages_honour_the_limit_when_a_whole_history_arrives() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let (customer, _, mut expected) = customer_with_visit(&app, &sales1, "王小明").await;
    let extra: Vec<Value> = (0..40)
        .map(|n| change("visit", &new_id(), "customer_id", json!(customer), 10 + n))
        .collect();
    app.push(&sales1, &extra).await;
    expected.extend(ops(&extra));
    let (_, cursor, _) = app.pull_from(&sales2, "").await;
    let share = change("customer", &customer, "shared", json!(true), 60);
    app.push(&sales1, std::slice::from_ref(&share)).await;
    expected.push(share["op"].as_str().unwrap().to_owned());

    let mut cursor = cursor;
    let mut got = Vec::new();
    for page_number in 0.. {
        assert!(page_number < 100, "paging must end");
        let (status, body) = app
            .pull_raw(&sales2.token, &format!("cursor={cursor}&limit=7"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page: huitou_shared::api::PullResponse = serde_json::from_value(body).unwrap();
        assert!(
            page.changes.len() <= 7,
            "a page of {} changes",
            page.changes.len()
        );
        got.extend(page.changes);
        cursor = page.cursor;
        if !page.has_more {
            break;
        }
    }
    let expected: HashSet<String> = expected.into_iter().collect();
    assert_eq!(op_set(&got), expected, "the whole history, paged");
}

#[tokio::test]
async fn a_salespersons_cursor_moves_past_changes_they_may_not_see() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let (_, cursor, _) = app.pull_from(&sales2, "").await;
    let (customer, _, _) = customer_with_visit(&app, &sales1, "王小明").await;
    let body = app
        .push(
            &sales1,
            &[change("customer", &customer, "phone", json!("138"), 9)],
        )
        .await;
    let latest = seq_of(body["cursor"].as_str().unwrap());
    let (changes, cursor, _) = app.pull_from(&sales2, &cursor).await;
    assert!(changes.is_empty());
    assert_eq!(seq_of(&cursor), latest, "nothing to rescan next time");
}

#[tokio::test]
async fn a_moved_visit_reaches_its_new_owner_whole_and_leaves_the_old_one() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let (_, visit, visit_ops) = customer_with_visit(&app, &sales1, "王小明").await;
    let (target, _, _) = customer_with_visit(&app, &sales2, "王晓明").await;
    let (_, cursor1, _) = app.pull_from(&sales1, "").await;
    let (_, cursor2, _) = app.pull_from(&sales2, "").await;
    // A duplicate merge moves the visit to sales2's customer.
    let mv = change("visit", &visit, "customer_id", json!(target), 20);
    app.push(&manager, std::slice::from_ref(&mv)).await;

    let (changes, _, _) = app.pull_from(&sales2, &cursor2).await;
    let state = State::fold(&changes);
    let moved = state.record("visit", &visit).expect("the visit arrives");
    assert_eq!(moved.value("amount"), Some(&json!(300)), "with its history");
    assert_eq!(moved.value("note"), Some(&json!("窗边座位")));
    assert_eq!(moved.value("customer_id"), Some(&json!(target)));
    assert!(op_set(&changes).contains(&visit_ops[3]));

    let pulled: huitou_shared::api::PullResponse = serde_json::from_value(
        app.pull_raw(&sales1.token, &format!("cursor={cursor1}"))
            .await
            .1,
    )
    .unwrap();
    assert!(
        pulled
            .revoked
            .iter()
            .any(|gone| gone.kind == "visit" && gone.id == visit),
        "the old owner's devices drop the moved visit: {:?}",
        pulled.revoked
    );
}

fn codes(body: &Value) -> Vec<String> {
    body["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn salespeople_cannot_override_tiers_unshare_others_customers_or_broadcast_new_kinds() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let (customer, _, _) = customer_with_visit(&app, &sales1, "王小明").await;
    let override_ = json!({"tier": "A", "reason": "街道办主任"});
    let body = app
        .push(
            &sales1,
            &[change(
                "customer",
                &customer,
                "tier_override",
                override_.clone(),
                10,
            )],
        )
        .await;
    assert_eq!(codes(&body), ["forbidden"], "PRODUCT §5: a manager's field");
    let body = app
        .push(
            &manager,
            &[change(
                "customer",
                &customer,
                "tier_override",
                override_,
                11,
            )],
        )
        .await;
    assert_eq!(body["rejected"], json!([]));

    // Shared by its owner: sales2 may edit it but not unshare it (nor share it again).
    app.push(
        &sales1,
        &[change("customer", &customer, "shared", json!(true), 12)],
    )
    .await;
    let body = app
        .push(
            &sales2,
            &[
                change("customer", &customer, "phone", json!("139"), 13),
                change("customer", &customer, "shared", json!(false), 14),
            ],
        )
        .await;
    assert_eq!(codes(&body), ["forbidden"], "{body}");
    assert_eq!(body["accepted"].as_array().unwrap().len(), 1);

    // A kind the server does not know is kept, but a salesperson's stays theirs.
    let gizmo = new_id();
    let body = app
        .push(
            &sales2,
            &[change("gizmo", &gizmo, "colour", json!("red"), 15)],
        )
        .await;
    assert_eq!(body["rejected"], json!([]));
    assert!(app.pull_all(&sales2).await.iter().any(|c| c.id == gizmo));
    assert!(
        !app.pull_all(&sales1).await.iter().any(|c| c.id == gizmo),
        "not broadcast"
    );
    assert!(app.pull_all(&manager).await.iter().any(|c| c.id == gizmo));
    let body = app
        .push(
            &sales1,
            &[change("gizmo", &gizmo, "colour", json!("blue"), 16)],
        )
        .await;
    assert_eq!(codes(&body), ["forbidden"]);
    // A manager's record of a new kind is organisation-wide, and salespeople may not change it.
    let notice = new_id();
    app.push(
        &manager,
        &[change("notice", &notice, "text", json!("周五例会"), 17)],
    )
    .await;
    assert!(app.pull_all(&sales1).await.iter().any(|c| c.id == notice));
    let body = app
        .push(
            &sales1,
            &[change("notice", &notice, "text", json!("取消"), 18)],
        )
        .await;
    assert_eq!(codes(&body), ["forbidden"]);
}

#[tokio::test]
async fn one_user_cannot_fill_the_quarantine() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    // Visits without a customer_id are invalid: 2,700 refusals of 8 KB each.
    let big = "x".repeat(8_000);
    for round in 0..3u32 {
        let changes: Vec<Value> = (0..900)
            .map(|n| change("visit", &new_id(), "note", json!(big), round * 1000 + n))
            .collect();
        let body = app.push(&sales1, &changes).await;
        assert_eq!(
            body["rejected"].as_array().unwrap().len(),
            900,
            "each still answered"
        );
    }
    let parked = app.server.store.quarantine(&sales1.org_id).await.unwrap();
    assert!(
        parked.len() <= huitou_server::store::QUARANTINE_PER_USER,
        "{} rows parked",
        parked.len()
    );
    let bytes: usize = parked.iter().map(|q| q.change.to_string().len()).sum();
    assert!(bytes < 8 * 1024 * 1024, "{bytes} bytes parked");
}

#[tokio::test]
async fn live_events_reach_only_users_who_may_read_the_change() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let mut live2 = app.live(&sales2).await;
    let mut live_manager = app.live(&manager).await;
    // sales1's private customer: the manager hears of it, sales2 does not.
    let private = app
        .push(
            &sales1,
            &[change("customer", &new_id(), "name", json!("A"), 0)],
        )
        .await;
    assert_eq!(
        next_event(&mut live_manager).await.as_deref(),
        private["cursor"].as_str()
    );
    // An organisation-wide record: everyone hears of it, and it is sales2's first event.
    let template = app
        .push(
            &manager,
            &[change("template", &new_id(), "text", json!("中秋快乐"), 1)],
        )
        .await;
    assert_eq!(
        next_event(&mut live2).await.as_deref(),
        template["cursor"].as_str(),
        "sales2's first event is the one they may read"
    );
}

#[tokio::test]
async fn a_busy_database_answers_503_with_retry_after_never_500() {
    use sqlx::Connection;
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    // Another process holds the write lock for longer than the server waits.
    let url = app.database_url.clone();
    let holder: Box<dyn std::any::Any> = if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(&mut conn)
            .await
            .unwrap();
        Box::new(conn)
    } else {
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::raw_sql("BEGIN; LOCK TABLE log IN EXCLUSIVE MODE")
            .execute(&mut conn)
            .await
            .unwrap();
        Box::new(conn)
    };
    let customer = new_id();
    let push = change("customer", &customer, "name", json!("A"), 0);
    let response = app
        .client
        .post(format!("{}/api/v1/sync/push", app.url))
        .bearer_auth(&manager.token)
        .json(&json!({"device": "testdevice01", "changes": [push.clone()]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "unavailable", "{body}");
    drop(holder);
    // Once the lock is gone the same push goes through: nothing was half-written.
    let body = app.push(&manager, &[push]).await;
    assert_eq!(body["rejected"], json!([]));
}

#[tokio::test]
async fn a_live_ticket_opens_one_stream_once_and_expires() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let ticket = |token: String| {
        let client = app.client.clone();
        let url = format!("{}/api/v1/sync/live/ticket", app.url);
        async move {
            let response = client.post(url).bearer_auth(token).send().await.unwrap();
            let body: Value = response.json().await.unwrap();
            body["ticket"].as_str().unwrap().to_owned()
        }
    };
    let open = |ticket: String| {
        app.client
            .get(format!("{}/api/v1/sync/live?ticket={ticket}", app.url))
            .send()
    };
    let first = ticket(manager.token.clone()).await;
    assert_eq!(open(first.clone()).await.unwrap().status(), StatusCode::OK);
    let again = open(first).await.unwrap();
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "single use");
    let body: Value = again.json().await.unwrap();
    assert_eq!(error_code(&body), "unauthorized");
    // A ticket of a signed-out token opens nothing.
    let orphan = ticket(manager.token.clone()).await;
    app.client
        .post(format!("{}/api/v1/auth/logout", app.url))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        open(orphan).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn tokens_end_when_idle_and_when_old_and_name_their_device() {
    use std::time::Duration;
    let idle = spawn_app_with(|mut config| {
        config.auth.token_idle = Duration::from_millis(1500);
        config
    })
    .await;
    let manager = idle.user("acme", "manager", Role::Manager).await;
    assert_eq!(idle.pull_raw(&manager.token, "").await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let (status, body) = idle.pull_raw(&manager.token, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "idle too long: {body}");

    let old = spawn_app_with(|mut config| {
        config.auth.token_lifetime = Duration::from_millis(2500);
        config
    })
    .await;
    old.add_user("acme", "manager", Role::Manager).await;
    let response = old
        .client
        .post(format!("{}/api/v1/auth/login", old.url))
        .json(&json!({"org": "acme", "username": "manager", "password": PASSWORD, "device": "tablet-0042"}))
        .send()
        .await
        .unwrap();
    let token = response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..3 {
        // In use all along: only the absolute lifetime ends it.
        assert_eq!(old.pull_raw(&token, "").await.0, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(old.pull_raw(&token, "").await.0, StatusCode::UNAUTHORIZED);
    let used = old
        .server
        .store
        .token_user(&huitou_server::auth::token_hash(&token), &any_age())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.device.as_deref(), Some("tablet-0042"));
}

async fn login_status(
    app: &TestApp,
    username: &str,
    password: &str,
) -> (StatusCode, Option<u64>, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/auth/login", app.url))
        .json(&json!({"org": "acme", "username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    (status, retry, response.json().await.unwrap())
}

#[tokio::test]
async fn repeated_failed_sign_ins_make_the_account_wait_longer_each_time() {
    let app = spawn_app().await;
    app.add_user("acme", "sales1", Role::Salesperson).await;
    for _ in 0..5 {
        assert_eq!(
            login_status(&app, "sales1", "wrong").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // The sixth failure starts the wait; even the right password waits it out.
    assert_eq!(
        login_status(&app, "sales1", "wrong").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, retry, body) = login_status(&app, "sales1", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(error_code(&body), "too_many_requests");
    assert!(retry.is_some_and(|s| (1..=30).contains(&s)), "{retry:?}");
    // Another account is not affected.
    app.add_user("acme", "sales2", Role::Salesperson).await;
    assert_eq!(
        login_status(&app, "sales2", PASSWORD).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn one_address_may_only_try_so_often() {
    let app = spawn_app_with(|mut config| {
        config.auth.logins_per_minute = 3;
        config
    })
    .await;
    app.add_user("acme", "sales1", Role::Salesperson).await;
    for _ in 0..3 {
        assert_eq!(
            login_status(&app, "nobody", "x").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, retry, body) = login_status(&app, "sales1", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(retry.is_some_and(|s| s >= 1));
}

#[tokio::test]
async fn a_database_that_would_not_keep_accepted_changes_is_refused_at_start() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteSynchronous};
    let dir = tempfile::tempdir().unwrap();
    let careless = SqliteConnectOptions::new()
        .filename(dir.path().join("careless.db"))
        .create_if_missing(true)
        .synchronous(SqliteSynchronous::Off);
    let pool = SqlitePoolOptions::new()
        .connect_with(careless)
        .await
        .unwrap();
    let refused = huitou_server::store::sqlite::check_durable(&pool).await;
    assert!(refused.is_err(), "synchronous=OFF must be refused");
    // The server's own settings pass.
    let app = spawn_app().await;
    assert!(app.pull_raw("", "").await.0 == StatusCode::UNAUTHORIZED);

    let Ok(server_url) = std::env::var("HUITOU_TEST_POSTGRES") else {
        return;
    };
    // PostgreSQL: a database whose commits are acknowledged before they reach the disk.
    use sqlx::Connection;
    let name = format!("huitou_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&server_url).await.unwrap();
    for sql in [
        format!("CREATE DATABASE {name}"),
        format!("ALTER DATABASE {name} SET synchronous_commit = off"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut admin)
            .await
            .unwrap();
    }
    let (base, _) = server_url.rsplit_once('/').unwrap();
    let started = huitou_server::start(huitou_server::Config {
        database_url: format!("{base}/{name}"),
        ..huitou_server::Config::sqlite(dir.path().join("unused.db"))
    })
    .await;
    let error = started.err().expect("refused to start").to_string();
    assert!(error.contains("synchronous_commit"), "{error}");
}

#[tokio::test]
async fn the_app_and_the_api_carry_security_headers() {
    use base64::Engine;
    use sha2::Digest;
    let site = tempfile::tempdir().unwrap();
    let loader = "import init from '/app.js';init('/app_bg.wasm');";
    std::fs::write(
        site.path().join("index.html"),
        format!(
            "<!doctype html><html><head><script type=\"module\">{loader}</script></head></html>"
        ),
    )
    .unwrap();
    let dir = site.path().to_owned();
    let app = spawn_app_with(move |mut config| {
        config.static_dir = Some(dir);
        config
    })
    .await;
    let page = app
        .client
        .get(format!("{}/customers", app.url))
        .send()
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader));
    let scripts = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(scripts.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(scripts.contains("'wasm-unsafe-eval'"));
    assert!(
        !scripts.contains("unsafe-inline"),
        "no inline scripts but the loader"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    let api = app
        .client
        .get(format!("{}/api/v1/nothing", app.url))
        .send()
        .await
        .unwrap();
    for (header, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
    ] {
        assert_eq!(api.headers()[header], value);
        assert_eq!(page.headers()[header], value);
    }
    // Bodies are bounded on every route, not only push.
    let huge = "x".repeat(200 * 1024);
    let response = app
        .client
        .post(format!("{}/api/v1/auth/login", app.url))
        .json(&json!({"org": huge, "username": "a", "password": "b"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// A tablet left in a drawer for 30 days comes back with 2,000 waiting changes: they go up in
/// the app's batches of 1,000, all accepted (old stamps are not refused), newer edits made
/// meanwhile on another device keep winning field by field, and every device ends equal.
#[tokio::test]
async fn a_device_back_after_30_days_offline_with_2000_changes_syncs_cleanly() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let day = 24 * 3600 * 1000;
    let now = now_ms();
    // Before leaving: ten customers, known to both tablets.
    let known: Vec<String> = (0..10).map(|_| new_id()).collect();
    let before: Vec<Value> = known
        .iter()
        .enumerate()
        .map(|(i, id)| {
            change_at(
                "customer",
                id,
                "name",
                json!(format!("老客{i}")),
                &hlc_at(now - 31 * day, i as u32, "drawer0001"),
            )
        })
        .collect();
    app.push(&manager, &before).await;
    let (_, drawer_cursor, _) = app.pull_from(&manager, "").await;

    // Meanwhile, at the front desk: today's phone numbers for those ten.
    let desk: Vec<Value> = known
        .iter()
        .enumerate()
        .map(|(i, id)| {
            change_at(
                "customer",
                id,
                "phone",
                json!(format!("1390000{i:04}")),
                &hlc_at(now - day, i as u32, "frontdesk1"),
            )
        })
        .collect();
    app.push(&manager, &desk).await;

    // The drawer tablet's outbox: 30 days of work, oldest first — 199 new customers of ten
    // fields, and older phone numbers for the ten known ones (which must lose).
    let mut waiting = Vec::new();
    for (i, id) in known.iter().enumerate() {
        let at = now - 30 * day + i as u64;
        waiting.push(change_at(
            "customer",
            id,
            "phone",
            json!("13800000000"),
            &hlc_at(at, 0, "drawer0001"),
        ));
    }
    for c in 0..199u64 {
        let id = new_id();
        for f in 0..10u64 {
            let at = now - 30 * day + (c * 10 + f) * (29 * day / 2000);
            waiting.push(change_at(
                "customer",
                &id,
                &format!("note{f}"),
                json!(format!("{c}-{f}")),
                &hlc_at(at, 0, "drawer0001"),
            ));
        }
    }
    assert_eq!(waiting.len(), 2000);
    for batch in waiting.chunks(1000) {
        let (status, answer) = app
            .push_raw(
                &manager.token,
                json!({"device": "drawer0001", "changes": batch}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["rejected"], json!([]), "{answer}");
        assert_eq!(answer["accepted"].as_array().map(Vec::len), Some(1000));
    }

    // The drawer tablet catches up from its 30-day-old cursor; a fresh device pulls it all.
    let (caught_up, _, revoked) = app.pull_from(&manager, &drawer_cursor).await;
    assert!(revoked.is_empty());
    let mut drawer: Vec<Change> = serde_json::from_value(Value::Array(before)).unwrap();
    drawer.extend(serde_json::from_value::<Vec<Change>>(Value::Array(waiting.clone())).unwrap());
    drawer.extend(caught_up);
    let drawer = State::fold(&drawer);
    let fresh = State::fold(&app.pull_all(&manager).await);
    let values = |state: &State| -> std::collections::BTreeMap<(String, String), Value> {
        state
            .records("customer")
            .flat_map(|(id, record)| {
                record
                    .fields
                    .iter()
                    .map(move |(field, state)| ((id.clone(), field.clone()), state.value.clone()))
            })
            .collect()
    };
    assert_eq!(
        values(&drawer),
        values(&fresh),
        "the returning tablet and a fresh one disagree"
    );
    for (i, id) in known.iter().enumerate() {
        let phone = fresh.value("customer", id, "phone");
        assert_eq!(
            phone,
            Some(&json!(format!("1390000{i:04}"))),
            "the newer front-desk edit wins"
        );
    }
    assert_eq!(fresh.records("customer").count(), 209);
}
