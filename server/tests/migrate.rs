//! A database written by the schema before record numbers (migrations 0001–0004: `changes`,
//! `state`, `scope`) is carried over by 0005 (`log`, `fields`, `records`, `pushes`) with
//! nothing lost: the same log at the same positions, the same winners, the same readers.
//! On SQLite, and on PostgreSQL with `HUITOU_TEST_POSTGRES`.

mod support;

use huitou_server::Config;
use huitou_shared::Change;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::*;

/// One old-schema change: its `changes` row, and whether it is its field's winner.
struct Old {
    seq: i64,
    op: String,
    kind: &'static str,
    id: String,
    field: &'static str,
    value: Value,
    hlc: String,
    author: String,
    device: &'static str,
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Applies migrations 0001–0004 only, as a server of the previous release left the database.
async fn old_schema(url: &str, sqlite: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(if sqlite { "sqlite" } else { "postgres" });
    for entry in std::fs::read_dir(&source).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.as_str() < "0005" {
            std::fs::copy(&path, dir.path().join(&name)).expect("copy");
        }
    }
    let migrator = sqlx::migrate::Migrator::new(dir.path())
        .await
        .expect("migrator");
    if sqlite {
        let options: sqlx::sqlite::SqliteConnectOptions = url
            .parse::<sqlx::sqlite::SqliteConnectOptions>()
            .expect("url")
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options)
            .await
            .expect("sqlite");
        migrator.run(&pool).await.expect("old migrations");
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("postgres");
        migrator.run(&pool).await.expect("old migrations");
    }
    dir
}

async fn run_script(url: &str, sqlite: bool, script: String) {
    use sqlx::Connection;
    let script = sqlx::AssertSqlSafe(script);
    if sqlite {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("sqlite");
        sqlx::raw_sql(script)
            .execute(&mut conn)
            .await
            .expect("old rows");
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("postgres");
        sqlx::raw_sql(script)
            .execute(&mut conn)
            .await
            .expect("old rows");
    }
}

#[tokio::test]
async fn a_database_of_the_old_schema_is_carried_over_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, sqlite) = match std::env::var("HUITOU_TEST_POSTGRES") {
        Ok(server) => (fresh_postgres_database(&server).await, false),
        Err(_) => (
            format!("sqlite://{}", dir.path().join("old.db").display()),
            true,
        ),
    };
    let _migrations = old_schema(&url, sqlite).await;

    // An organisation as the old server stored it: a manager, two salespeople; sales1 owns
    // 陈先生 (renamed once, with a visit), gave 李女士 to sales2 and shared her; sales2
    // created an unowned customer; the manager wrote an organisation-wide template.
    let org = new_id();
    let (manager, sales1, sales2) = (new_id(), new_id(), new_id());
    let (chen, li, wang, visit, template) = (new_id(), new_id(), new_id(), new_id(), new_id());
    let zhao = new_id();
    // And a customer the manager gave an owner no user has, with a NUL in it (text PostgreSQL
    // cannot keep, so the copy must not decode it there).
    let sun = new_id();
    let t = now_ms() - 60_000;
    let mut old: Vec<Old> = Vec::new();
    let mut add = |kind, id: &str, field, value: Value, author: &str, device| {
        let n = old.len() as u64;
        old.push(Old {
            seq: old.len() as i64 + 1,
            op: new_id(),
            kind,
            id: id.to_owned(),
            field,
            value,
            hlc: hlc_at(t + n, 0, device),
            author: author.to_owned(),
            device,
        });
    };
    add(
        "customer",
        &chen,
        "name",
        json!("陈"),
        &sales1,
        "device0001",
    );
    add(
        "customer",
        &chen,
        "owner",
        json!(sales1),
        &sales1,
        "device0001",
    );
    add(
        "customer",
        &chen,
        "name",
        json!("陈先生"),
        &sales1,
        "device0001",
    );
    add(
        "visit",
        &visit,
        "customer_id",
        json!(chen),
        &sales1,
        "device0001",
    );
    add(
        "visit",
        &visit,
        "amount",
        json!(388.5),
        &sales1,
        "device0001",
    );
    add(
        "customer",
        &li,
        "name",
        json!("李女士"),
        &sales1,
        "device0001",
    );
    add(
        "customer",
        &li,
        "owner",
        json!(sales2),
        &sales1,
        "device0001",
    );
    add(
        "customer",
        &li,
        "shared",
        json!(true),
        &sales1,
        "device0001",
    );
    add(
        "customer",
        &wang,
        "name",
        json!("王总"),
        &sales2,
        "device0002",
    );
    add(
        "customer",
        &wang,
        "owner",
        json!(null),
        &sales2,
        "device0002",
    );
    add(
        "customer",
        &zhao,
        "name",
        json!("赵经理"),
        &sales1,
        "device0001",
    );
    add(
        "customer",
        &zhao,
        "owner",
        json!(sales2),
        &sales1,
        "device0001",
    );
    add(
        "customer",
        &sun,
        "name",
        json!("孙"),
        &manager,
        "device0003",
    );
    add(
        "customer",
        &sun,
        "owner",
        json!("x\u{0}y"),
        &manager,
        "device0003",
    );
    add(
        "template",
        &template,
        "text",
        json!("中秋快乐"),
        &manager,
        "device0003",
    );
    let winner = |c: &Old| !(c.id == chen && c.field == "name" && c.value == json!("陈"));
    let hash = password_hash();
    let mut script = format!(
        "INSERT INTO orgs (id, name) VALUES ({}, 'acme');",
        quote(&org)
    );
    for (id, name, role) in [
        (&manager, "manager", "manager"),
        (&sales1, "sales1", "salesperson"),
        (&sales2, "sales2", "salesperson"),
    ] {
        script += &format!(
            "INSERT INTO users (id, org_id, username, name, role, password_hash)
             VALUES ({}, {}, '{name}', '{name}', '{role}', {});",
            quote(id),
            quote(&org),
            quote(&hash)
        );
    }
    for c in &old {
        let value = quote(&value_text(&c.value));
        script += &format!(
            "INSERT INTO changes (seq, org_id, op, kind, record_id, field, value, hlc, author, device, received_at)
             VALUES ({}, {}, {}, '{}', {}, '{}', {value}, {}, {}, '{}', '2026-11-30T10:00:0{}.000Z');",
            c.seq,
            quote(&org),
            quote(&c.op),
            c.kind,
            quote(&c.id),
            c.field,
            quote(&c.hlc),
            quote(&c.author),
            c.device,
            c.device.as_bytes()[9] as char,
        );
        if winner(c) {
            script += &format!(
                "INSERT INTO state (org_id, kind, record_id, field, value, hlc, op, author)
                 VALUES ({}, '{}', {}, '{}', {value}, {}, {}, {})
                 ON CONFLICT (org_id, kind, record_id, field) DO UPDATE
                 SET value = excluded.value, hlc = excluded.hlc, op = excluded.op;",
                quote(&org),
                c.kind,
                quote(&c.id),
                c.field,
                quote(&c.hlc),
                quote(&c.op),
                quote(&c.author)
            );
        }
    }
    for (kind, id, customer, creator) in [
        ("customer", &chen, Some(&chen), &sales1),
        ("visit", &visit, Some(&chen), &sales1),
        ("customer", &li, Some(&li), &sales1),
        ("customer", &wang, Some(&wang), &sales2),
        ("customer", &zhao, Some(&zhao), &sales1),
        ("customer", &sun, Some(&sun), &manager),
        ("template", &template, None, &manager),
    ] {
        script += &format!(
            "INSERT INTO scope (org_id, kind, record_id, customer_id, creator) VALUES ({}, '{kind}', {}, {}, {});",
            quote(&org),
            quote(id),
            customer.map_or("NULL".to_owned(), |c| quote(c)),
            quote(creator)
        );
    }
    if !sqlite {
        script += "SELECT setval(pg_get_serial_sequence('changes', 'seq'), 15);";
    }
    run_script(&url, sqlite, script).await;

    // The new server migrates the database as it starts.
    let server = huitou_server::start(Config {
        database_url: url.clone(),
        ..Config::sqlite(dir.path().join("unused.db"))
    })
    .await
    .expect("server starts on the old database");
    let app = TestApp {
        url: server.url(),
        server,
        client: reqwest::Client::new(),
        dir,
        database_url: url,
    };
    let manager_session = app.login("acme", "manager").await;
    let sales1_session = app.login("acme", "sales1").await;
    let sales2_session = app.login("acme", "sales2").await;

    // The log, whole and in its order, as it was.
    let (pulled, cursor, _) = app.pull_from(&manager_session, "").await;
    let expected: Vec<Change> = old
        .iter()
        .map(|c| Change {
            op: c.op.clone(),
            kind: c.kind.to_owned(),
            id: c.id.clone(),
            field: c.field.to_owned(),
            value: c.value.clone(),
            hlc: c.hlc.clone(),
            author: c.author.clone(),
        })
        .collect();
    assert_eq!(pulled, expected, "the manager pulls the old log unchanged");

    // Readers as before: sales1 owns 陈先生 (and his visit) and reads the shared 李女士;
    // sales2 owns 李女士 and 赵经理 (created by sales1) and created the unowned 王总; the
    // template is everyone's.
    let ids =
        |changes: &[Change]| -> BTreeSet<String> { changes.iter().map(|c| c.id.clone()).collect() };
    assert_eq!(
        ids(&app.pull_all(&sales1_session).await),
        BTreeSet::from([chen.clone(), visit.clone(), li.clone(), template.clone()])
    );
    assert_eq!(
        ids(&app.pull_all(&sales2_session).await),
        BTreeSet::from([li.clone(), wang.clone(), zhao.clone(), template.clone()])
    );

    // The winners as before: a write older than the stored name loses, a newer one wins.
    let store = &app.server.store;
    let records = store
        .customer_records(&manager_session.actor(), &chen)
        .await
        .expect("store")
        .expect("陈先生");
    assert_eq!(records.customer.fields["name"].value, json!("陈先生"));
    assert_eq!(records.children.len(), 1, "his visit is still his");
    let older = change_at(
        "customer",
        &chen,
        "name",
        json!("旧名"),
        &hlc_at(t, 5, "device0001"),
    );
    let newer = change("customer", &chen, "name", json!("陈总"), 0);
    let body = app.push(&sales1_session, &[older, newer.clone()]).await;
    assert_eq!(body["rejected"], json!([]), "{body}");
    let records = store
        .customer_records(&manager_session.actor(), &chen)
        .await
        .expect("store")
        .expect("陈先生");
    assert_eq!(records.customer.fields["name"].value, json!("陈总"));

    // An op of the old log pushed again is accepted and stored once; new changes come after
    // the old positions, so a device's old cursor brings exactly them.
    let again = serde_json::to_value(&expected[0]).expect("json");
    let body = app.push(&sales1_session, &[again]).await;
    assert_eq!(body["accepted"].as_array().map(Vec::len), Some(1), "{body}");
    let (after, _, _) = app.pull_from(&manager_session, &cursor).await;
    assert_eq!(
        after.len(),
        2,
        "only the two new changes follow the old cursor"
    );
    assert!(after.iter().any(|c| c.op == newer["op"]));
    // Visibility still follows the carried-over rows: the manager gives 陈先生 to sales2.
    let body = app
        .push(
            &manager_session,
            &[change("customer", &chen, "owner", json!(sales2), 1)],
        )
        .await;
    assert_eq!(body["rejected"], json!([]), "{body}");
    let seen = ids(&app.pull_all(&sales2_session).await);
    assert!(seen.contains(&chen) && seen.contains(&visit), "{seen:?}");
    assert!(
        !ids(&app.pull_all(&sales1_session).await).contains(&visit),
        "and sales1 no longer reads his visit"
    );
}

fn value_text(value: &Value) -> String {
    serde_json::to_string(value).expect("json")
}
