//! The audit log (issue 10, PRODUCT §10) over a real socket: managers filter it by person,
//! action and dates, and export it as a CSV file a spreadsheet opens safely (byte-order mark,
//! formulas made inert), and the export itself is audited; salespeople and other
//! organisations read nothing of it. SQLite, and PostgreSQL when `HUITOU_TEST_POSTGRES` is set.

mod support;

use huitou_shared::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

async fn get(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.url))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
}

async fn audit(app: &TestApp, query: &str, token: &str) -> (StatusCode, Value) {
    let response = get(app, &format!("/api/v1/audit?{query}"), token).await;
    let status = response.status();
    (status, response.json().await.expect("json"))
}

fn actions(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("action").to_owned())
        .collect()
}

#[tokio::test]
async fn managers_filter_and_export_the_audit_log_and_the_export_is_audited() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let sales = app.user("acme", "sales", Role::Salesperson).await;
    let stranger = app.user("other", "boss", Role::Manager).await;
    // A name a spreadsheet would run as a formula, from a user-typed field.
    let created = app
        .client
        .post(format!("{}/api/v1/users", app.url))
        .bearer_auth(&manager.token)
        .json(&json!({"username": "mallory", "name": "=HYPERLINK(\"http://x\")", "role": "salesperson", "password": "first-pass-1"}))
        .send()
        .await
        .expect("create");
    assert_eq!(created.status(), StatusCode::CREATED);
    let failed = app
        .client
        .post(format!("{}/api/v1/auth/login", app.url))
        .json(&json!({"org": "acme", "username": "sales", "password": "wrong-password"}))
        .send()
        .await
        .expect("login");
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);

    // By person: only what the salesperson did.
    let (status, page) = audit(&app, &format!("actor={}", sales.user_id), &manager.token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let theirs = actions(&page);
    assert!(theirs.contains(&"sign_in".to_owned()), "{page}");
    assert!(
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == json!(sales.user_id)),
        "{page}"
    );
    // By action.
    let (_, page) = audit(&app, "action=user_created", &manager.token).await;
    assert_eq!(actions(&page), vec!["user_created"]);
    // By dates: today's lines are in, a window in the past or the future holds none.
    let today = chrono::Utc::now().date_naive();
    let (_, page) = audit(&app, &format!("from={today}&to={today}"), &manager.token).await;
    let everything = actions(&page);
    assert!(everything.len() >= 4, "{page}");
    let yesterday = today.pred_opt().unwrap();
    let tomorrow = today.succ_opt().unwrap();
    for query in [format!("to={yesterday}"), format!("from={tomorrow}")] {
        let (_, page) = audit(&app, &query, &manager.token).await;
        assert_eq!(actions(&page), Vec::<String>::new(), "{query}: {page}");
    }
    // An instant as the app sends it (local midnight), URL-encoded.
    let now = chrono::Utc::now();
    let from = (now - chrono::Duration::minutes(10)).to_rfc3339();
    let (_, page) = audit(
        &app,
        &format!("from={}", from.replace('+', "%2B")),
        &manager.token,
    )
    .await;
    assert_eq!(actions(&page).len(), everything.len(), "{page}");
    let (status, body) = audit(&app, "from=last-week", &manager.token).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request")),
        "{body}"
    );

    // The export: every line the filter lets through, as CSV with names.
    let response = get(&app, "/api/v1/audit/export", &manager.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(header("content-type").starts_with("text/csv"));
    assert!(
        header("content-disposition").starts_with("attachment; filename=\"huitou-audit-"),
        "{}",
        header("content-disposition")
    );
    let bytes = response.bytes().await.expect("csv");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a byte-order mark for Excel"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let columns: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        columns,
        [
            "at",
            "actor_id",
            "actor",
            "device",
            "action",
            "subject_id",
            "subject",
            "detail"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), everything.len());
    let created_row = rows
        .iter()
        .find(|r| &r[4] == "user_created")
        .expect("the user_created line");
    assert_eq!(&created_row[2], "manager", "the actor by name");
    assert_eq!(
        &created_row[6], "'=HYPERLINK(\"http://x\")",
        "a formula is made inert"
    );
    assert!(rows.iter().any(|r| &r[4] == "sign_in_failed"));
    // Filtered export, and the export goes into the log with what it held.
    let response = get(
        &app,
        &format!("/api/v1/audit/export?actor={}", sales.user_id),
        &manager.token,
    )
    .await;
    let bytes = response.bytes().await.expect("csv");
    let filtered = csv::Reader::from_reader(&bytes[3..]).records().count();
    assert_eq!(filtered, theirs.len());
    let (_, page) = audit(&app, "action=audit_exported", &manager.token).await;
    let exports = page["entries"].as_array().expect("entries");
    assert_eq!(exports.len(), 2, "{page}");
    assert_eq!(exports[0]["actor"], json!(manager.user_id));
    assert_eq!(exports[0]["detail"]["lines"], json!(theirs.len()));
    assert_eq!(exports[0]["detail"]["actor"], json!(sales.user_id));

    // Salespeople may not; another organisation's manager exports only their own log.
    let response = get(&app, "/api/v1/audit/export", &sales.token).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.expect("json error");
    assert_eq!(body["error"]["code"], "forbidden");
    let response = get(&app, "/api/v1/audit/export", &stranger.token).await;
    let text = response.text().await.expect("csv");
    assert!(!text.contains(&manager.user_id), "{text}");
    assert!(!text.contains("HYPERLINK"), "{text}");
}

#[tokio::test]
async fn moves_and_hand_overs_made_on_a_managers_device_reach_the_audit_log() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let leaver = app.user("acme", "leaver", Role::Salesperson).await;
    let colleague = app.user("acme", "colleague", Role::Salesperson).await;
    let (a, b, c) = (new_id(), new_id(), new_id());
    let mut changes = Vec::new();
    for (n, id) in [&a, &b, &c].into_iter().enumerate() {
        changes.push(change(
            "customer",
            id,
            "name",
            json!(format!("客户{n}")),
            10 * n as u32,
        ));
        changes.push(change(
            "customer",
            id,
            "owner",
            json!(leaver.user_id),
            10 * n as u32 + 1,
        ));
    }
    assert_eq!(app.push(&leaver, &changes).await["rejected"], json!([]));
    // The manager moves A to the colleague, returns B to the pool, and hands C over.
    let note = huitou_shared::customer::reassign::handover_id(&c, &leaver.user_id);
    let body = app
        .push(
            &manager,
            &[
                change("customer", &a, "owner", json!(colleague.user_id), 40),
                change("customer", &b, "owner", json!("pool"), 41),
                change("customer", &c, "owner", json!(colleague.user_id), 42),
                change("handover", &note, "customer_id", json!(c), 43),
                change("handover", &note, "from", json!(leaver.user_id), 44),
                change("handover", &note, "to", json!(colleague.user_id), 45),
            ],
        )
        .await;
    assert_eq!(body["rejected"], json!([]), "{body}");

    let (_, page) = audit(&app, "action=customers_moved", &manager.token).await;
    let moved = page["entries"].as_array().expect("entries");
    assert_eq!(moved.len(), 1, "{page}");
    assert_eq!(moved[0]["actor"], json!(manager.user_id));
    assert_eq!(moved[0]["subject"], json!(colleague.user_id));
    assert_eq!(
        moved[0]["detail"],
        json!({"count": 1, "customers": [a]}),
        "the returned and the handed-over customers are not listed as moved"
    );
    let (_, page) = audit(&app, "action=handed_over", &manager.token).await;
    let handed = page["entries"].as_array().expect("entries");
    assert_eq!(handed.len(), 1, "{page}");
    assert_eq!(handed[0]["subject"], json!(leaver.user_id));
    assert_eq!(
        handed[0]["detail"],
        json!({"to": colleague.user_id, "count": 1})
    );
    // A salesperson's own edits of their customers write no such line.
    let body = app
        .push(
            &colleague,
            &[change("customer", &a, "name", json!("新名字"), 50)],
        )
        .await;
    assert_eq!(body["rejected"], json!([]), "{body}");
    let (_, page) = audit(&app, "action=customers_moved", &manager.token).await;
    assert_eq!(page["entries"].as_array().map(Vec::len), Some(1));
}
