//! The HTTP API of SYNC.md over a real socket, one fresh SQLite database per test.

mod support;

use huitou_shared::{Role, State};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashSet;
use support::*;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/healthz", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
}

#[tokio::test]
async fn login_gives_a_token_and_refuses_bad_credentials_alike() {
    let app = spawn_app().await;
    app.add_user("acme", "sales1", Role::Salesperson).await;
    let session = app.login("acme", "sales1").await;
    assert_eq!(session.token.len(), 64);

    let mut messages = HashSet::new();
    for (org, username, password) in [
        ("acme", "sales1", "wrong"),
        ("acme", "nobody", PASSWORD),
        ("other", "sales1", PASSWORD),
    ] {
        let response = app
            .client
            .post(format!("{}/api/v1/auth/login", app.url))
            .json(&json!({"org": org, "username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), "bad_credentials");
        messages.insert(body["error"]["message"].as_str().unwrap().to_owned());
    }
    assert_eq!(messages.len(), 1, "the three failures must look the same");
}

#[tokio::test]
async fn missing_or_unknown_token_is_401_json() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/api/v1/sync/pull", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&response.json().await.unwrap()), "unauthorized");

    let (status, body) = app.pull_raw("not-a-token", "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "unauthorized");
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = spawn_app().await;
    let session = app.user("acme", "manager", Role::Manager).await;
    let response = app
        .client
        .post(format!("{}/api/v1/auth/logout", app.url))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, _) = app.pull_raw(&session.token, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn pushed_changes_come_back_in_a_pull_with_the_author_overwritten() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let customer = new_id();
    let changes = vec![
        change("customer", &customer, "name", json!("王小明"), 0),
        change("customer", &customer, "phone", json!("13800138000"), 1),
    ];
    let mut forged = changes[0].clone();
    forged["author"] = json!("someone-else");
    let body = app.push(&manager, &[forged, changes[1].clone()]).await;
    assert_eq!(body["accepted"].as_array().unwrap().len(), 2);
    assert_eq!(body["rejected"], json!([]));
    assert!(body["server_time_ms"].as_u64().unwrap() > 0);

    let pulled = app.pull_all(&manager).await;
    assert_eq!(
        pulled.iter().map(|c| c.op.clone()).collect::<Vec<_>>(),
        ops(&changes)
    );
    assert!(pulled.iter().all(|c| c.author == manager.user_id));
    assert_eq!(pulled[0].value, json!("王小明"));
}

#[tokio::test]
async fn pushing_the_same_ops_again_stores_them_once() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let customer = new_id();
    let changes: Vec<Value> = (0..3)
        .map(|i| change("customer", &customer, &format!("f{i}"), json!(i), i))
        .collect();
    let first = app.push(&manager, &changes).await;
    let second = app.push(&manager, &changes).await;
    assert_eq!(first["accepted"], second["accepted"]);
    assert_eq!(second["accepted"].as_array().unwrap().len(), 3);
    assert_eq!(first["cursor"], second["cursor"]);
    assert_eq!(app.pull_all(&manager).await.len(), 3);
}

#[tokio::test]
async fn one_invalid_change_is_rejected_and_quarantined_the_rest_accepted() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let visit = new_id();
    let customer = new_id();
    let good = vec![
        change("visit", &visit, "customer_id", json!(customer), 0),
        change("visit", &visit, "party_size", json!(4), 1),
    ];
    let bad = change("visit", &visit, "amount", json!(-5), 2);
    let no_op = json!({"kind": "visit"});
    let body = app
        .push(
            &manager,
            &[good[0].clone(), bad.clone(), good[1].clone(), no_op],
        )
        .await;
    assert_eq!(body["accepted"], json!(ops(&good)));
    let rejected = body["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 2);
    assert_eq!(rejected[0]["op"], bad["op"]);
    assert_eq!(rejected[0]["code"], "invalid");
    assert!(
        rejected[0]["message"]
            .as_str()
            .unwrap()
            .contains("visit.amount")
    );
    assert_eq!(rejected[1]["op"], "");
    assert_eq!(rejected[1]["code"], "invalid");

    let quarantined = app.server.store.quarantine(&manager.org_id).await.unwrap();
    assert_eq!(quarantined.len(), 2);
    assert_eq!(quarantined[0].op, bad["op"].as_str().unwrap());
    assert_eq!(quarantined[0].change, bad);
    assert_eq!(quarantined[0].code, "invalid");
    assert_eq!(app.pull_all(&manager).await.len(), 2);
}

#[tokio::test]
async fn a_child_without_customer_id_is_invalid() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let lone = change("visit", &new_id(), "amount", json!(10), 0);
    let body = app.push(&manager, &[lone]).await;
    assert_eq!(body["rejected"][0]["code"], "invalid");
    assert!(
        body["rejected"][0]["message"]
            .as_str()
            .unwrap()
            .contains("customer_id")
    );

    // The same batch may carry the customer_id after the other fields.
    let visit = new_id();
    let batch = vec![
        change("visit", &visit, "amount", json!(10), 0),
        change("visit", &visit, "customer_id", json!(new_id()), 1),
    ];
    let body = app.push(&manager, &batch).await;
    assert_eq!(body["accepted"], json!(ops(&batch)));
}

#[tokio::test]
async fn clocks_far_ahead_are_refused_near_ones_accepted() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let customer = new_id();
    let far = change_at(
        "customer",
        &customer,
        "name",
        json!("A"),
        &hlc_at(now_ms() + 10 * 60_000, 0, "testdevice01"),
    );
    let near = change_at(
        "customer",
        &customer,
        "phone",
        json!("1"),
        &hlc_at(now_ms() + 60_000, 0, "testdevice01"),
    );
    let body = app.push(&manager, &[far.clone(), near.clone()]).await;
    assert_eq!(body["accepted"], json!([near["op"]]));
    assert_eq!(body["rejected"][0]["op"], far["op"]);
    assert_eq!(body["rejected"][0]["code"], "clock_ahead");
    assert!(
        app.server
            .store
            .quarantine(&manager.org_id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn pages_follow_the_limit_without_gaps_or_duplicates() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let customer = new_id();
    let changes: Vec<Value> = (0..25)
        .map(|i| change("customer", &customer, &format!("f{i}"), json!(i), i))
        .collect();
    app.push(&manager, &changes).await;

    let mut cursor = String::new();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let (status, body) = app
            .pull_raw(&manager.token, &format!("cursor={cursor}&limit=10"))
            .await;
        assert_eq!(status, StatusCode::OK);
        pages += 1;
        let page = body["changes"].as_array().unwrap();
        assert!(page.len() <= 10);
        seen.extend(page.iter().map(|c| c["op"].as_str().unwrap().to_owned()));
        cursor = body["cursor"].as_str().unwrap().to_owned();
        if !body["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ops(&changes));
    // Nothing new: the same cursor comes back with an empty page.
    let (_, body) = app
        .pull_raw(&manager.token, &format!("cursor={cursor}"))
        .await;
    assert_eq!(body["changes"], json!([]));
    assert_eq!(body["cursor"], cursor.as_str());
}

#[tokio::test]
async fn a_first_page_says_how_much_remains_when_asked() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let sales = app.user("acme", "sales", Role::Salesperson).await;
    let customer = new_id();
    let changes: Vec<Value> = (0..25)
        .map(|i| change("customer", &customer, &format!("f{i}"), json!(i), i))
        .collect();
    app.push(&manager, &changes).await;

    let (status, body) = app.pull_raw(&manager.token, "limit=10&count=true").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["remaining"], 15, "{body}");
    let cursor = body["cursor"].as_str().unwrap().to_owned();
    let (_, body) = app
        .pull_raw(
            &manager.token,
            &format!("cursor={cursor}&limit=10&count=true"),
        )
        .await;
    assert_eq!(body["remaining"], 5, "{body}");
    let (_, body) = app
        .pull_raw(
            &manager.token,
            &format!("cursor={cursor}&limit=100&count=true"),
        )
        .await;
    assert_eq!(body["remaining"], 0, "{body}");
    // Not asked: not counted. A salesperson's visible share is not a log count: not said.
    let (_, body) = app.pull_raw(&manager.token, "limit=10").await;
    assert!(body.get("remaining").is_none(), "{body}");
    let (status, body) = app.pull_raw(&sales.token, "limit=10&count=true").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("remaining").is_none(), "{body}");
    let (status, body) = app.pull_raw(&manager.token, "count=yes").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "bad_request");
}

#[tokio::test]
async fn a_limit_over_the_maximum_is_capped() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let customer = new_id();
    let changes: Vec<Value> = (0..5010)
        .map(|i| change("customer", &customer, &format!("f{i}"), json!(i), i))
        .collect();
    app.push(&manager, &changes[..5000]).await;
    app.push(&manager, &changes[5000..]).await;
    let (status, body) = app.pull_raw(&manager.token, "limit=100000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["changes"].as_array().unwrap().len(), 5000);
    assert_eq!(body["has_more"], true);
}

#[tokio::test]
async fn bad_cursors_and_limits_are_400_json() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    for (query, code) in [
        ("cursor=garbage", "bad_cursor"),
        ("cursor=s-5", "bad_cursor"),
        ("limit=0", "bad_request"),
        ("limit=lots", "bad_request"),
    ] {
        let (status, body) = app.pull_raw(&manager.token, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(error_code(&body), code, "{query}");
    }
}

#[tokio::test]
async fn malformed_push_bodies_are_400_json() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let not_json = app
        .client
        .post(format!("{}/api/v1/sync/push", app.url))
        .bearer_auth(&manager.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&not_json.json().await.unwrap()), "bad_request");

    for body in [
        json!({"device": "testdevice01"}),
        json!({"changes": []}),
        json!({"device": "bad:id", "changes": []}),
    ] {
        let (status, answer) = app.push_raw(&manager.token, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(&answer), "bad_request");
        assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn too_many_changes_or_bytes_are_413_json() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let customer = new_id();
    let changes: Vec<Value> = (0..5001)
        .map(|i| change("customer", &customer, "name", json!("x"), i))
        .collect();
    let (status, body) = app
        .push_raw(
            &manager.token,
            json!({"device": "testdevice01", "changes": changes}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&body), "too_large");

    let big = "x".repeat(60_000);
    let changes: Vec<Value> = (0..150)
        .map(|i| change("customer", &customer, "note", json!(big), i))
        .collect();
    let (status, body) = app
        .push_raw(
            &manager.token,
            json!({"device": "testdevice01", "changes": changes}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&body), "too_large");
    assert!(app.pull_all(&manager).await.is_empty());
}

#[tokio::test]
async fn unknown_api_paths_and_methods_answer_json() {
    let app = spawn_app().await;
    for path in ["/api/v1/nothing", "/api/", "/api/v2/sync/pull"] {
        let response = app
            .client
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_code(&response.json().await.unwrap()), "not_found");
    }
    let response = app
        .client
        .get(format!("{}/api/v1/sync/push", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        error_code(&response.json().await.unwrap()),
        "method_not_allowed"
    );
}

/// sales1's customer with one visit; returns (customer id, ops).
async fn customer_of(app: &TestApp, owner: &Session, name: &str) -> (String, Vec<String>) {
    let customer = new_id();
    let visit = new_id();
    let changes = vec![
        change("customer", &customer, "name", json!(name), 0),
        change("customer", &customer, "owner", json!(owner.user_id), 1),
        change("visit", &visit, "customer_id", json!(customer), 2),
        change("visit", &visit, "amount", json!(300), 3),
    ];
    let body = app.push(owner, &changes).await;
    assert_eq!(body["accepted"], json!(ops(&changes)), "{body}");
    (customer, ops(&changes))
}

fn op_set(changes: &[huitou_shared::Change]) -> HashSet<String> {
    changes.iter().map(|c| c.op.clone()).collect()
}

#[tokio::test]
async fn salespeople_only_see_and_write_their_own_customers() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let (customer1, ops1) = customer_of(&app, &sales1, "王小明").await;
    let (_customer2, ops2) = customer_of(&app, &sales2, "李娜").await;

    assert_eq!(
        op_set(&app.pull_all(&sales1).await),
        ops1.iter().cloned().collect()
    );
    assert_eq!(
        op_set(&app.pull_all(&sales2).await),
        ops2.iter().cloned().collect()
    );
    let everything: HashSet<String> = ops1.iter().chain(&ops2).cloned().collect();
    assert_eq!(op_set(&app.pull_all(&manager).await), everything);

    // sales2 may not write sales1's customer, nor attach a visit to it.
    let intrusions = vec![
        change("customer", &customer1, "phone", json!("1"), 10),
        change("visit", &new_id(), "customer_id", json!(customer1), 11),
        change("customer", &customer1, "owner", json!(sales2.user_id), 12),
    ];
    let body = app.push(&sales2, &intrusions).await;
    assert_eq!(body["accepted"], json!([]));
    let codes: Vec<&str> = body["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["forbidden"; 3]);
    assert_eq!(
        app.server
            .store
            .quarantine(&sales2.org_id)
            .await
            .unwrap()
            .len(),
        3
    );

    // sales1 cannot hand the customer to sales2, nor write organisation settings.
    let body = app
        .push(
            &sales1,
            &[
                change("customer", &customer1, "owner", json!(sales2.user_id), 13),
                change("rule_set", &new_id(), "name", json!("x"), 14),
            ],
        )
        .await;
    assert_eq!(body["rejected"][0]["code"], "forbidden");
    assert_eq!(body["rejected"][1]["code"], "forbidden");

    // Organisation-wide kinds written by a manager reach everyone.
    let template = change("template", &new_id(), "text", json!("生日快乐"), 15);
    app.push(&manager, std::slice::from_ref(&template)).await;
    assert!(op_set(&app.pull_all(&sales2).await).contains(template["op"].as_str().unwrap()));
}

#[tokio::test]
async fn sharing_a_customer_brings_its_history_and_unsharing_revokes_it() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let (customer1, ops1) = customer_of(&app, &sales1, "王小明").await;
    let (changes, cursor, _) = app.pull_from(&sales2, "").await;
    assert!(changes.is_empty());

    let share = change("customer", &customer1, "shared", json!(true), 20);
    app.push(&sales1, std::slice::from_ref(&share)).await;
    let (changes, cursor, revoked) = app.pull_from(&sales2, &cursor).await;
    let mut expected: HashSet<String> = ops1.into_iter().collect();
    expected.insert(share["op"].as_str().unwrap().to_owned());
    assert_eq!(
        op_set(&changes),
        expected,
        "the whole history comes with the share"
    );
    assert!(revoked.is_empty());

    // Shared: sales2 may now write it, but still not take it over.
    let body = app
        .push(
            &sales2,
            &[change("customer", &customer1, "phone", json!("139"), 21)],
        )
        .await;
    assert_eq!(body["rejected"], json!([]));

    let unshare = change("customer", &customer1, "shared", json!(false), 22);
    app.push(&manager, &[unshare]).await;
    let (changes, _, revoked) = app.pull_from(&sales2, &cursor).await;
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(revoked, vec![customer1.clone()]);

    // Repeating a pull after a lost answer gives the same answer.
    let (_, _, again) = app.pull_from(&sales2, &cursor).await;
    assert_eq!(again, vec![customer1]);
}

#[tokio::test]
async fn organisations_never_see_each_other() {
    let app = spawn_app().await;
    let acme = app.user("acme", "manager", Role::Manager).await;
    let other = app.user("other", "manager", Role::Manager).await;
    let (customer, _) = customer_of(&app, &acme, "王小明").await;
    assert!(app.pull_all(&other).await.is_empty());
    // Pushing an op or id of another organisation does not touch it.
    let body = app
        .push(
            &other,
            &[change("customer", &customer, "name", json!("X"), 30)],
        )
        .await;
    assert_eq!(body["rejected"], json!([]));
    let acme_view = State::fold(&app.pull_all(&acme).await);
    assert_eq!(
        acme_view.value("customer", &customer, "name"),
        Some(&json!("王小明"))
    );
}

#[tokio::test]
async fn concurrent_writes_converge_on_the_greater_clock() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let customer = new_id();
    app.push(
        &sales1,
        &[change(
            "customer",
            &customer,
            "owner",
            json!(sales1.user_id),
            0,
        )],
    )
    .await;
    let t = now_ms();
    let older = change_at(
        "customer",
        &customer,
        "phone",
        json!("older"),
        &hlc_at(t, 0, "deviceAAAA"),
    );
    let newer = change_at(
        "customer",
        &customer,
        "phone",
        json!("newer"),
        &hlc_at(t, 1, "deviceBBBB"),
    );
    let other = change_at(
        "customer",
        &customer,
        "name",
        json!("N"),
        &hlc_at(t - 5, 0, "deviceBBBB"),
    );
    // Newest first: the older write must not win afterwards.
    app.push(&manager, &[newer]).await;
    app.push(&sales1, &[older, other]).await;
    for session in [&manager, &sales1] {
        let state = State::fold(&app.pull_all(session).await);
        assert_eq!(
            state.value("customer", &customer, "phone"),
            Some(&json!("newer"))
        );
        assert_eq!(
            state.value("customer", &customer, "name"),
            Some(&json!("N"))
        );
    }
}

#[tokio::test]
async fn a_first_pull_sends_each_change_once() {
    // A salesperson's first pull with an empty cursor gets no duplicate history.
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let (_, ops1) = customer_of(&app, &sales1, "王小明").await;
    let pulled = app.pull_all(&sales1).await;
    assert_eq!(pulled.len(), ops1.len());
}

#[tokio::test]
async fn live_tells_the_organisation_about_stored_changes() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let mut live = app.live(&manager).await;
    let body = app
        .push(
            &manager,
            &[change("customer", &new_id(), "name", json!("A"), 0)],
        )
        .await;
    assert_eq!(
        next_event(&mut live).await.as_deref(),
        body["cursor"].as_str(),
        "an event within 5 s with the push's cursor"
    );

    // A bearer token in the query string works nowhere, not even for the live stream.
    let (status, _) = app
        .pull_raw("", &format!("access_token={}", manager.token))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let status = app
        .client
        .get(format!(
            "{}/api/v1/sync/live?access_token={}",
            app.url, manager.token
        ))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_web_app_is_served_with_an_index_fallback() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<html>huitou</html>").unwrap();
    std::fs::write(site.path().join("sw.js"), "// worker").unwrap();
    std::fs::write(site.path().join("app.js"), "// app").unwrap();
    let dir = site.path().to_owned();
    let app = spawn_app_with(move |mut config| {
        config.static_dir = Some(dir);
        config
    })
    .await;
    for (path, body, no_cache) in [
        ("/", "<html>huitou</html>", true),
        ("/customers/42", "<html>huitou</html>", true),
        ("/sw.js", "// worker", true),
        ("/app.js", "// app", false),
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let cache = response
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(cache.as_deref() == Some("no-cache"), no_cache, "{path}");
        assert_eq!(response.text().await.unwrap(), body);
    }
    let response = app
        .client
        .get(format!("{}/api/v1/missing", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(&response.json().await.unwrap()), "not_found");
}

/// Managers get the manager bundle's page (`manage/index.html`) by the cookie the app sets at
/// their sign-in, on every app path including `/`; everyone else, and a server without that
/// bundle, the main page. The policy allows both pages' inline loaders.
#[tokio::test]
async fn the_manager_bundle_page_is_served_by_its_cookie() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("index.html"),
        "<html><script type=module>main()</script></html>",
    )
    .unwrap();
    std::fs::create_dir(site.path().join("manage")).unwrap();
    std::fs::write(
        site.path().join("manage/index.html"),
        "<html><script type=module>manager()</script></html>",
    )
    .unwrap();
    let dir = site.path().to_owned();
    let app = spawn_app_with(move |mut config| {
        config.static_dir = Some(dir);
        config
    })
    .await;
    for (path, cookie, expected) in [
        ("/", None, "main()"),
        ("/customers/42", None, "main()"),
        ("/", Some("huitou_bundle=manager"), "manager()"),
        (
            "/settings/team",
            Some("theme=dark; huitou_bundle=manager"),
            "manager()",
        ),
        ("/settings/team", Some("huitou_bundle="), "main()"),
    ] {
        let mut request = app.client.get(format!("{}{path}", app.url));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let vary = response
            .headers()
            .get("vary")
            .map(|v| v.to_str().unwrap().to_owned());
        assert!(
            vary.is_some_and(|v| v.to_lowercase().contains("cookie")),
            "{path}: vary by cookie"
        );
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            csp.matches("'sha256-").count(),
            2,
            "both loaders allowed: {csp}"
        );
        let body = response.text().await.unwrap();
        assert!(body.contains(expected), "{path} with {cookie:?}: {body}");
    }
    std::fs::remove_dir_all(site.path().join("manage")).unwrap();
    let fallback = app
        .client
        .get(format!("{}/settings/team", app.url))
        .header("cookie", "huitou_bundle=manager")
        .send()
        .await
        .unwrap();
    assert!(
        fallback.text().await.unwrap().contains("main()"),
        "no manager bundle on this server: the main page"
    );
}

#[tokio::test]
async fn demo_seeding_creates_users_and_samples_once() {
    let app = spawn_app_with(|mut config| {
        config.demo = true;
        config
    })
    .await;
    let response = app
        .client
        .post(format!("{}/api/v1/auth/login", app.url))
        .json(&json!({"org": "demo", "username": "sales1", "password": "huitou-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["role"], "salesperson");
    let token = body["token"].as_str().unwrap();
    let (_, page) = app.pull_raw(token, "").await;
    let state = State::fold(
        &serde_json::from_value::<Vec<huitou_shared::Change>>(page["changes"].clone()).unwrap(),
    );
    assert_eq!(state.records("customer").count(), 6);
    assert_eq!(state.records("visit").count(), 15);
    // Three customers wait in the shared pool: their entries, not their records.
    assert_eq!(state.records("pool").count(), 3);
    // Every user of the organisation reaches devices as a `user` record, so names can be shown.
    assert_eq!(state.records("user").count(), 4);
    let me = body["user"]["id"].as_str().unwrap();
    assert_eq!(state.value("user", me, "name"), Some(&json!("李销售")));
    assert_eq!(state.value("user", me, "role"), Some(&json!("salesperson")));
    assert_eq!(state.value("user", me, "disabled"), Some(&json!(false)));
    // The demo's salespeople work in two stores (Insights by store or team).
    assert_eq!(state.value("user", me, "team"), Some(&json!("南京西路店")));
    // Seeding again does not duplicate.
    huitou_server::demo::seed(app.server.store.as_ref(), false)
        .await
        .unwrap();
    let store = &app.server.store;
    let org = store.ensure_org("demo").await.unwrap();
    assert_eq!(
        store.latest_seq(&org).await.unwrap(),
        (4 * 5 + 12 * 7 + 30 * 6 + 3 * (3 + 3 + 11)) as i64,
        "4 users × 5 fields (name, username, role, disabled, team), 12 customers × 7 fields, 30 visits × 6 fields, \
         3 pool customers × (3 fields, a visit of 3, a release of 11), once"
    );
}

#[tokio::test]
async fn pull_pages_and_app_files_are_compressed_when_the_client_accepts_it() {
    use std::io::Read;
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<html>huitou</html>").unwrap();
    let script = "console.log('回头客 comes back');\n".repeat(2000);
    std::fs::write(site.path().join("app.js"), &script).unwrap();
    let dir = site.path().to_owned();
    let app = spawn_app_with(move |mut config| {
        config.static_dir = Some(dir);
        config
    })
    .await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let changes: Vec<Value> = (0..200)
        .map(|n| change("customer", &new_id(), "name", json!(format!("客户 {n}")), n))
        .collect();
    app.push(&manager, &changes).await;
    let (status, plain) = app.pull_raw(&manager.token, "limit=5000").await;
    assert_eq!(status, StatusCode::OK);

    let response = app
        .client
        .get(format!("{}/api/v1/sync/pull?limit=5000", app.url))
        .bearer_auth(&manager.token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let packed = response.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_string(&mut text)
        .unwrap();
    let mut unpacked: Value = serde_json::from_str(&text).unwrap();
    assert!(
        packed.len() * 3 < text.len(),
        "a page of JSON shrinks: {} of {} bytes",
        packed.len(),
        text.len()
    );
    // Same page, apart from the server's clock.
    let mut plain = plain;
    for page in [&mut plain, &mut unpacked] {
        page.as_object_mut().unwrap().remove("server_time_ms");
    }
    assert_eq!(unpacked, plain);

    let response = app
        .client
        .get(format!("{}/app.js", app.url))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
    let packed = response.bytes().await.unwrap();
    let mut text = String::new();
    brotli_decompressor::Decompressor::new(&packed[..], 4096)
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, script);
}

#[tokio::test]
async fn a_bundle_compressed_at_build_time_is_sent_as_it_is() {
    // `scripts/build-app` writes `.br` and `.gz` beside each bundle; the server must send those
    // bytes, not compress the wasm again per request (seconds of CPU, tens of MB of memory).
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<html>huitou</html>").unwrap();
    let wasm = vec![0u8; 64 * 1024];
    std::fs::write(site.path().join("app_bg.wasm"), &wasm).unwrap();
    // Not real compressed data: the test only checks that these bytes are what is sent.
    std::fs::write(
        site.path().join("app_bg.wasm.br"),
        b"built with brotli -q 11",
    )
    .unwrap();
    std::fs::write(site.path().join("app_bg.wasm.gz"), b"built with gzip -9").unwrap();
    let dir = site.path().to_owned();
    let app = spawn_app_with(move |mut config| {
        config.static_dir = Some(dir);
        config
    })
    .await;
    let get = |encoding: &'static str| {
        app.client
            .get(format!("{}/app_bg.wasm", app.url))
            .header("accept-encoding", encoding)
            .send()
    };
    let response = get("gzip, deflate, br").await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(
        &response.bytes().await.unwrap()[..],
        b"built with brotli -q 11"
    );
    let response = get("gzip").await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(&response.bytes().await.unwrap()[..], b"built with gzip -9");
    let response = get("identity").await.unwrap();
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.bytes().await.unwrap().len(), wasm.len());
}

#[tokio::test]
async fn an_owner_with_a_nul_character_is_stored_and_reaches_nobody_but_managers() {
    // The `owner` a manager writes is any text up to 64 characters; a NUL in it (which
    // PostgreSQL cannot keep in a text column) must not turn the push into a 500.
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let sales = app.user("acme", "sales1", Role::Salesperson).await;
    let customer = new_id();
    let odd = format!("{}\u{0}x", sales.user_id);
    let body = app
        .push(
            &manager,
            &[
                change("customer", &customer, "name", json!("怪主人"), 0),
                change("customer", &customer, "owner", json!(odd), 1),
            ],
        )
        .await;
    assert_eq!(body["rejected"], json!([]), "{body}");
    let pulled = app.pull_all(&manager).await;
    assert!(
        pulled
            .iter()
            .any(|c| c.field == "owner" && c.value == json!(odd)),
        "the manager reads the owner as written"
    );
    assert!(
        app.pull_all(&sales).await.iter().all(|c| c.id != customer),
        "an owner that names no user gives the customer to nobody"
    );
}

#[tokio::test]
async fn a_pull_page_carries_any_text_exactly() {
    // The page's JSON is written by the database from stored text: quotes, backslashes,
    // control characters and any Unicode in field names and values come back exactly.
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let customer = new_id();
    let awkward = "王\"小明\"\\n\n\t\u{2028}😀 </script>";
    let pushed = vec![
        change("customer", &customer, "name", json!(awkward), 1),
        change("customer", &customer, "tag:a\"b\\c", json!(true), 2),
        change(
            "customer",
            &customer,
            "notes",
            json!({"nested": [1, 2.5, null, awkward]}),
            3,
        ),
    ];
    let body = app.push(&manager, &pushed).await;
    assert_eq!(body["rejected"], json!([]), "{body}");
    let pulled = app.pull_all(&manager).await;
    for sent in &pushed {
        let got = pulled
            .iter()
            .find(|c| c.op == sent["op"].as_str().unwrap())
            .unwrap_or_else(|| panic!("{sent} pulled"));
        assert_eq!(got.field, sent["field"].as_str().unwrap());
        assert_eq!(got.value, sent["value"]);
    }
}
