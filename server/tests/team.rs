//! The team (issue 10): users created and managed by managers and admins, first passwords
//! that must be changed, disabled users whose devices hand in what they held and nothing
//! more, devices listed and cut off, and the audit log — on a real server (SQLite, and
//! PostgreSQL when `HUITOU_TEST_POSTGRES` is set).

mod support;

use huitou_shared::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

/// Sends `method path` with `token` and an optional JSON body; (status, JSON body or Null).
async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.url))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    (status, body)
}

async fn get(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    call(app, reqwest::Method::GET, path, token, None).await
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    call(app, reqwest::Method::POST, path, token, Some(body)).await
}

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> (StatusCode, Value) {
    let path = format!("/api/v1/users/{id}");
    call(app, reqwest::Method::PATCH, &path, token, Some(body)).await
}

async fn sign_in(
    app: &TestApp,
    org: &str,
    username: &str,
    password: &str,
    device: &str,
) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/auth/login", app.url))
        .json(&json!({"org": org, "username": username, "password": password, "device": device}))
        .send()
        .await
        .expect("login");
    let status = response.status();
    (status, response.json().await.expect("login json"))
}

fn token(body: &Value) -> String {
    body["token"].as_str().expect("token").to_owned()
}

/// The actions of the organisation's audit log, oldest first.
async fn audit_actions(app: &TestApp, manager: &Session) -> Vec<String> {
    let (status, page) = get(app, "/api/v1/audit", &manager.token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut actions: Vec<String> = page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("action").to_owned())
        .collect();
    actions.reverse();
    actions
}

#[tokio::test]
async fn a_new_salesperson_must_choose_their_own_password_before_anything_else() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let (status, created) = post(
        &app,
        "/api/v1/users",
        &manager.token,
        json!({"username": "wangfang", "name": "王芳", "role": "salesperson", "password": "first-pass-1"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["must_change_password"], json!(true));
    let id = created["id"].as_str().expect("id").to_owned();

    let (status, body) = sign_in(&app, "acme", "wangfang", "first-pass-1", "tablet-0001").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["must_change_password"], json!(true));
    let first = token(&body);
    // Nothing but choosing a password works yet.
    let (status, body) = app.pull_raw(&first, "cursor=").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_code(&body), "password_change_required");

    let change = |current: &str, new: &str| json!({"current": current, "new": new});
    let (status, body) = post(
        &app,
        "/api/v1/auth/password",
        &first,
        change("wrong-one-1", "mine-and-only-mine"),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "bad_credentials")
    );
    let (status, body) = post(
        &app,
        "/api/v1/auth/password",
        &first,
        change("first-pass-1", "short"),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "bad_request"),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("at least 8")
    );
    let (status, body) = post(
        &app,
        "/api/v1/auth/password",
        &first,
        change("first-pass-1", "first-pass-1"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = post(
        &app,
        "/api/v1/auth/password",
        &first,
        change("first-pass-1", "mine-and-only-mine"),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // The same token now syncs; the old password is gone, the new one signs in plainly.
    let (status, body) = app.pull_raw(&first, "cursor=").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = sign_in(&app, "acme", "wangfang", "first-pass-1", "tablet-0001").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = sign_in(
        &app,
        "acme",
        "wangfang",
        "mine-and-only-mine",
        "tablet-0001",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["must_change_password"], json!(false));

    let (_, list) = get(&app, "/api/v1/users", &manager.token).await;
    let listed = list["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["id"] == json!(id))
        .expect("listed")
        .clone();
    assert_eq!(listed["name"], json!("王芳"));
    assert_eq!(listed["must_change_password"], json!(false));
    // Every device learns the name from the synced user record.
    let names: Vec<Value> = app
        .pull_all(&manager)
        .await
        .into_iter()
        .filter(|c| c.kind == "user" && c.id == id && c.field == "name")
        .map(|c| c.value)
        .collect();
    assert_eq!(names, vec![json!("王芳")]);
    let actions = audit_actions(&app, &manager).await;
    for wanted in [
        "user_created",
        "sign_in",
        "sign_in_failed",
        "password_changed",
    ] {
        assert!(
            actions.iter().any(|a| a == wanted),
            "{wanted} missing from {actions:?}"
        );
    }
}

#[tokio::test]
async fn managers_manage_salespeople_admins_everyone_and_nobody_themselves() {
    let app = spawn_app().await;
    let admin = app.user("acme", "root", Role::Admin).await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let other_manager = app.user("acme", "boss2", Role::Manager).await;
    let sales = app.user("acme", "lilei", Role::Salesperson).await;
    let new = |role: &str| json!({"username": format!("new-{role}"), "name": "新人", "role": role, "password": "first-pass-1"});

    let (status, body) = post(&app, "/api/v1/users", &manager.token, new("manager")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let (status, _) = post(&app, "/api/v1/users", &admin.token, new("manager")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = post(&app, "/api/v1/users", &sales.token, new("salesperson")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let (status, body) = get(&app, "/api/v1/users", &sales.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let disable = |id: &str| format!("/api/v1/users/{id}/disable");
    let (status, _) = post(
        &app,
        &disable(&other_manager.user_id),
        &manager.token,
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&app, &disable(&admin.user_id), &manager.token, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = post(&app, &disable(&admin.user_id), &admin.token, json!({})).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "nobody disables themselves: {body}"
    );
    // A manager may not promote a salesperson, nor change their own role; renaming is fine.

    let (status, _) = patch(
        &app,
        &manager.token,
        &sales.user_id,
        json!({"role": "manager"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = patch(
        &app,
        &manager.token,
        &manager.user_id,
        json!({"role": "admin"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = patch(
        &app,
        &manager.token,
        &sales.user_id,
        json!({"name": "李雷 (北区)"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], json!("李雷 (北区)"));
    let (status, body) = patch(
        &app,
        &admin.token,
        &sales.user_id,
        json!({"role": "manager"}),
    )
    .await;
    assert_eq!(
        (status, body["role"].clone()),
        (StatusCode::OK, json!("manager"))
    );

    // Another organisation's manager sees nobody of this one.
    let stranger = app.user("rival", "boss", Role::Manager).await;
    let (_, list) = get(&app, "/api/v1/users", &stranger.token).await;
    let ids: Vec<&str> = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![stranger.user_id.as_str()]);
    let (status, body) = post(&app, &disable(&sales.user_id), &stranger.token, json!({})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let (_, devices) = get(&app, "/api/v1/devices", &stranger.token).await;
    assert!(
        devices["devices"].as_array().unwrap().is_empty(),
        "{devices}"
    );
    let (_, audit) = get(&app, "/api/v1/audit", &stranger.token).await;
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == json!(stranger.user_id)
                || e["subject"] == json!(stranger.user_id)),
        "{audit}"
    );
}

#[tokio::test]
async fn bad_team_requests_get_clear_json_errors() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    app.add_user("acme", "taken", Role::Salesperson).await;
    let cases = [
        (json!({"username": "x"}), StatusCode::BAD_REQUEST),
        (
            json!({"username": "two words", "name": "n", "role": "salesperson", "password": "first-pass-1"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"username": "ok", "name": "", "role": "salesperson", "password": "first-pass-1"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"username": "ok", "name": "n", "role": "owner", "password": "first-pass-1"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"username": "ok", "name": "n", "role": "salesperson", "password": "1234567"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"username": "taken", "name": "n", "role": "salesperson", "password": "first-pass-1"}),
            StatusCode::CONFLICT,
        ),
    ];
    for (body, wanted) in cases {
        let (status, answer) = post(&app, "/api/v1/users", &manager.token, body.clone()).await;
        assert_eq!(status, wanted, "{body} → {answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    let (status, body) = post(
        &app,
        &format!("/api/v1/users/{}/disable", new_id()),
        &manager.token,
        json!({}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let (status, body) = post(
        &app,
        "/api/v1/users/not-a-uuid/password",
        &manager.token,
        json!({"password": "first-pass-1"}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let (status, body) = get(&app, "/api/v1/audit?limit=many", &manager.token).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
}

#[tokio::test]
async fn a_disabled_salesperson_hands_in_what_the_tablet_held_and_reads_nothing_more() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    app.add_user("acme", "wangfang", Role::Salesperson).await;
    let (_, body) = sign_in(&app, "acme", "wangfang", PASSWORD, "tablet-0001").await;
    let tablet = token(&body);
    let (_, body) = sign_in(&app, "acme", "wangfang", PASSWORD, "phone-00002").await;
    let phone = token(&body);
    let customer = new_id();
    let (status, body) = app
        .push_raw(&tablet, json!({"device": "tablet-0001", "changes": [change("customer", &customer, "name", json!("陈先生"), 0)]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Disabled a quarter of an hour ago (as if the tablet had been offline since).
    let org = app.server.store.ensure_org("acme").await.unwrap();
    let fifteen_minutes_ago = chrono::Utc::now() - chrono::TimeDelta::minutes(15);
    let at = fifteen_minutes_ago.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let users = app.server.store.users(&org).await.unwrap();
    let sales = users
        .iter()
        .find(|u| u.username == "wangfang")
        .unwrap()
        .clone();
    app.server
        .store
        .disable_user(&org, &sales.id, &at)
        .await
        .unwrap()
        .expect("disabled");

    // Every token stops reading, and says why.
    for t in [&tablet, &phone] {
        let (status, body) = app.pull_raw(t, "cursor=").await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::UNAUTHORIZED, "account_disabled"),
            "{body}"
        );
    }
    let (status, body) = post(&app, "/api/v1/sync/live/ticket", &tablet, json!({})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
    let (status, body) = sign_in(&app, "acme", "wangfang", PASSWORD, "tablet-0001").await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
    let (status, body) = sign_in(&app, "acme", "wangfang", "not her password", "tablet-0001").await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "bad_credentials"),
        "a wrong password says nothing about the account"
    );

    // The last push: what was written before the disabling is taken; what came after is not,
    // and waits in the quarantine for a manager.
    let before = change_at(
        "customer",
        &customer,
        "phone",
        json!("13800000000"),
        &hlc_at(now_ms() - 20 * 60 * 1000, 0, "tablet-0001"),
    );
    let after = change(
        "customer",
        &customer,
        "note",
        json!("written after leaving"),
        0,
    );
    let (status, body) = app
        .push_raw(
            &tablet,
            json!({"device": "tablet-0001", "changes": [before, after]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["accepted"], json!([before["op"]]));
    assert_eq!(body["rejected"][0]["op"], after["op"]);
    assert_eq!(body["rejected"][0]["code"], json!("forbidden"));
    let quarantined = app.server.store.quarantine(&org).await.unwrap();
    assert!(
        quarantined
            .iter()
            .any(|q| q.op == after["op"].as_str().unwrap()),
        "kept for review"
    );
    let state: Vec<_> = app.pull_all(&manager).await;
    assert!(state.iter().any(|c| c.id == customer && c.field == "phone"));
    assert!(!state.iter().any(|c| c.id == customer && c.field == "note"));
    let (_, list) = get(&app, "/api/v1/users", &manager.token).await;
    let listed = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == json!(sales.id))
        .unwrap()
        .clone();
    assert_eq!(listed["disabled_at"], json!(at));
}

#[tokio::test]
async fn disabling_through_the_api_publishes_it_and_is_idempotent() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let sales = app.user("acme", "wangfang", Role::Salesperson).await;
    let mut live = app.live(&sales).await;
    let path = format!("/api/v1/users/{}/disable", sales.user_id);
    let (status, first) = post(&app, &path, &manager.token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    // Her device, listening, is woken at once, and its next request learns why.
    assert!(
        next_event(&mut live).await.is_some(),
        "the live stream tells the device"
    );
    let (status, again) = post(&app, &path, &manager.token, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        first["disabled_at"], again["disabled_at"],
        "the first disabling time stays"
    );
    let (status, body) = app.pull_raw(&sales.token, "cursor=").await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
    let disabled: Vec<Value> = app
        .pull_all(&manager)
        .await
        .into_iter()
        .filter(|c| c.kind == "user" && c.id == sales.user_id && c.field == "disabled")
        .map(|c| c.value)
        .collect();
    assert_eq!(disabled.last(), Some(&json!(true)));
    let actions = audit_actions(&app, &manager).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "user_disabled").count(),
        1,
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_reset_password_signs_the_user_out_everywhere_and_must_be_changed() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    app.add_user("acme", "lilei", Role::Salesperson).await;
    let (_, a) = sign_in(&app, "acme", "lilei", PASSWORD, "tablet-0001").await;
    let (_, b) = sign_in(&app, "acme", "lilei", PASSWORD, "phone-00002").await;
    let (_, list) = get(&app, "/api/v1/users", &manager.token).await;
    let id = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == json!("lilei"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = post(
        &app,
        &format!("/api/v1/users/{id}/password"),
        &manager.token,
        json!({"password": "given-by-boss"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    for t in [token(&a), token(&b)] {
        let (status, body) = app.pull_raw(&t, "cursor=").await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::UNAUTHORIZED, "unauthorized")
        );
    }
    let (status, body) = sign_in(&app, "acme", "lilei", "given-by-boss", "tablet-0001").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["must_change_password"], json!(true));
    assert!(
        audit_actions(&app, &manager)
            .await
            .contains(&"password_reset".to_owned())
    );
}

#[tokio::test]
async fn a_manager_sees_each_device_and_cuts_one_off() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let sales_id = app.add_user("acme", "lilei", Role::Salesperson).await;
    let (_, tablet) = sign_in(&app, "acme", "lilei", PASSWORD, "tablet-0001").await;
    let (_, phone) = sign_in(&app, "acme", "lilei", PASSWORD, "phone-00002").await;
    let (status, body) = app.pull_raw(&token(&tablet), "cursor=").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The tablet pushes one of the three changes it holds: two still wait.
    let customer = new_id();
    let pushed: Value = app
        .client
        .post(format!("{}/api/v1/sync/push", app.url))
        .bearer_auth(token(&tablet))
        .header("x-huitou-waiting", "3")
        .json(&json!({"device": "tablet-0001", "changes": [
            change("customer", &customer, "name", json!("陈先生"), 0)
        ]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        pushed["accepted"].as_array().map(Vec::len),
        Some(1),
        "{pushed}"
    );

    let (status, devices) = get(&app, "/api/v1/devices", &manager.token).await;
    assert_eq!(status, StatusCode::OK, "{devices}");
    let mine: Vec<&Value> = devices["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["user_id"] == json!(sales_id))
        .collect();
    assert_eq!(mine.len(), 2, "{devices}");
    let waiting = |device: &str| {
        mine.iter()
            .find(|d| d["device"] == device)
            .map(|d| d["waiting"].clone())
    };
    assert_eq!(waiting("tablet-0001"), Some(json!(2)), "{devices}");
    assert_eq!(
        waiting("phone-00002"),
        Some(Value::Null),
        "the phone never said"
    );
    assert!(
        mine.iter()
            .all(|d| d["signed_in"] == json!(true) && d["first_sign_in"].is_string())
    );

    let (status, body) = post(
        &app,
        "/api/v1/devices/revoke",
        &manager.token,
        json!({"user_id": sales_id, "device": "tablet-0001"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = app.pull_raw(&token(&tablet), "cursor=").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.pull_raw(&token(&phone), "cursor=").await;
    assert_eq!(status, StatusCode::OK, "the other device still works");
    let (_, devices) = get(&app, "/api/v1/devices", &manager.token).await;
    let tablet_row = devices["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device"] == json!("tablet-0001"))
        .unwrap()
        .clone();
    assert_eq!(tablet_row["signed_in"], json!(false));
    let (status, body) = post(
        &app,
        "/api/v1/devices/revoke",
        &manager.token,
        json!({"user_id": sales_id, "device": "tablet-0001"}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found"),
        "nothing left to cut off"
    );
    assert!(
        audit_actions(&app, &manager)
            .await
            .contains(&"device_revoked".to_owned())
    );
}

/// The review of refused changes: a salesperson's edit of a colleague's customer is refused
/// and kept; a manager lists it (a salesperson may not), applies it — it then is the manager's
/// change in the log — or discards another with a reason, each once; another organisation's
/// manager sees none of it.
#[tokio::test]
async fn a_manager_applies_or_discards_each_refused_change_once() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let li = app.user("acme", "li", Role::Salesperson).await;
    let wang = app.user("acme", "wang", Role::Salesperson).await;
    let other = app.user("globex", "other-boss", Role::Manager).await;
    let customer = new_id();
    app.push(
        &li,
        &[
            change("customer", &customer, "name", json!("陈先生"), 0),
            change("customer", &customer, "owner", json!(li.user_id), 1),
        ],
    )
    .await;
    let phone = change("customer", &customer, "phone", json!("13911112222"), 2);
    let note = change("customer", &customer, "note", json!("不是我的客户"), 3);
    let (status, body) = app
        .push_raw(
            &wang.token,
            json!({"device": "wang-tablet1", "changes": [phone, note]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["rejected"].as_array().map(Vec::len), Some(2), "{body}");

    let (status, body) = get(&app, "/api/v1/review", &wang.token).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let (status, list) = get(&app, "/api/v1/review", &manager.token).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let items = list["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 2, "{list}");
    assert_eq!(items[0]["change"]["field"], "note", "newest first");
    assert_eq!(items[1]["change"]["field"], "phone");
    for item in &items {
        assert_eq!(item["user_id"], json!(wang.user_id));
        assert_eq!(item["device"], "wang-tablet1");
        assert_eq!(item["code"], "forbidden");
        assert!(item["resolution"].is_null());
    }
    let (phone_id, note_id) = (items[1]["id"].clone(), items[0]["id"].clone());

    // Another organisation's manager sees nothing and can decide nothing.
    let (_, theirs) = get(&app, "/api/v1/review", &other.token).await;
    assert_eq!(theirs["items"], json!([]));
    let path = format!("/api/v1/review/{phone_id}/apply");
    let (status, body) = post(&app, &path, &other.token, json!({})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let (status, body) = post(&app, "/api/v1/review/x/apply", &manager.token, json!({})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let (status, body) = post(&app, &path, &wang.token, json!({})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "forbidden")
    );

    // Applied: the phone is now in the book, as the manager's change, and reaches the owner.
    let (status, applied) = post(&app, &path, &manager.token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["resolution"], "applied");
    assert_eq!(applied["resolved_by"], json!(manager.user_id));
    let theirs = app.pull_all(&li).await;
    let written = theirs
        .iter()
        .find(|c| c.id == customer && c.field == "phone")
        .expect("the owner's device receives the applied phone");
    assert_eq!(written.value, json!("13911112222"));
    assert_eq!(written.author, manager.user_id, "written by the manager");
    let (status, body) = post(&app, &path, &manager.token, json!({})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "conflict"),
        "{body}"
    );

    // Discarded with a reason: not in the book.
    let path = format!("/api/v1/review/{note_id}/discard");
    let (status, body) = post(&app, &path, &manager.token, json!({"reason": "  "})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let reason = "李销售的客户，请先联系他";
    let (status, discarded) = post(&app, &path, &manager.token, json!({"reason": reason})).await;
    assert_eq!(status, StatusCode::OK, "{discarded}");
    assert_eq!(discarded["resolution"], "discarded");
    assert_eq!(discarded["reason"], reason);
    // The author's devices learn both decisions (and the reason) from their next pull; nobody
    // else's do.
    let decisions = |changes: Vec<huitou_shared::Change>| {
        huitou_shared::State::fold(&changes)
            .records("decision")
            .map(|(_, d)| {
                (
                    d.text("op").unwrap_or_default().to_owned(),
                    d.text("resolution").unwrap_or_default().to_owned(),
                    d.text("reason").map(str::to_owned),
                )
            })
            .collect::<std::collections::BTreeSet<_>>()
    };
    let wang_sees = decisions(app.pull_all(&wang).await);
    assert_eq!(
        wang_sees,
        [
            (
                items[1]["change"]["op"].as_str().unwrap().to_owned(),
                "applied".to_owned(),
                None
            ),
            (
                items[0]["change"]["op"].as_str().unwrap().to_owned(),
                "discarded".to_owned(),
                Some(reason.to_owned())
            ),
        ]
        .into_iter()
        .collect(),
    );
    assert!(
        decisions(app.pull_all(&li).await).is_empty(),
        "li's devices hear nothing of it"
    );
    let apply_late = format!("/api/v1/review/{note_id}/apply");
    let (status, _) = post(&app, &apply_late, &manager.token, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        !app.pull_all(&manager)
            .await
            .iter()
            .any(|c| c.id == customer && c.field == "note")
    );

    // An apply under way (or cut short by a crash) has claimed its change: a discard
    // meanwhile is refused, and applying it again finishes the job, once.
    let email = change("customer", &customer, "email", json!("chen@example.com"), 4);
    let (status, body) = app
        .push_raw(
            &wang.token,
            json!({"device": "wang-tablet1", "changes": [email]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, list) = get(&app, "/api/v1/review", &manager.token).await;
    let email_id = list["items"][0]["id"].as_i64().expect("the email change");
    let org = app.server.store.ensure_org("acme").await.unwrap();
    let claim = huitou_server::store::Decision {
        resolution: Some("applying"),
        by: &manager.user_id,
        at: "2026-12-02T10:00:00.000Z",
        reason: None,
    };
    assert!(
        app.server
            .store
            .review_decide(
                &org,
                email_id,
                huitou_server::store::ReviewState::Open,
                &claim
            )
            .await
            .unwrap()
    );
    let (_, list) = get(&app, "/api/v1/review", &manager.token).await;
    assert_eq!(
        list["items"][0]["resolution"], "applying",
        "still listed to finish"
    );
    let path = format!("/api/v1/review/{email_id}/discard");
    let (status, body) = post(&app, &path, &manager.token, json!({"reason": "不要"})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "conflict"),
        "{body}"
    );
    let path = format!("/api/v1/review/{email_id}/apply");
    let (status, applied) = post(&app, &path, &manager.token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["resolution"], "applied");
    let emails = app
        .pull_all(&manager)
        .await
        .into_iter()
        .filter(|c| c.id == customer && c.field == "email")
        .count();
    assert_eq!(emails, 1);

    // Nothing left to decide; every decision is listed with all=true and in the audit log.
    let (_, open) = get(&app, "/api/v1/review", &manager.token).await;
    assert_eq!(open["items"], json!([]));
    let (_, all) = get(&app, "/api/v1/review?all=true", &manager.token).await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(3));
    let actions = audit_actions(&app, &manager).await;
    assert!(
        actions.contains(&"review_applied".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"review_discarded".to_owned()),
        "{actions:?}"
    );
}
