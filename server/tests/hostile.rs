//! Hostile input against a real server: malformed, oversized and hostile requests (wrong types,
//! huge numbers, deep nesting, invalid UTF-8 and lone UTF-16 surrogates, SQL/HTML/script in every
//! field, unknown kinds and fields) at login, push, pull, live and summary. Every answer is the
//! JSON error shape or a per-change verdict, never a 5xx; the server keeps working after.

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

const NASTY: [&str; 9] = [
    "'; DROP TABLE log; --",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\u{0}\u{7}\u{1b}[31m",
    "𠜎𠜱𠝹𠱓 回头客 \u{202e}",
    "%00%27%22",
    "../../etc/passwd",
    "${jndi:ldap://127.0.0.1/x}",
];

fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(NASTY.to_vec()).prop_map(str::to_owned),
        ".{0,40}",
        (1usize..70_000).prop_map(|n| "字".repeat(n / 3)),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        nasty_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(nasty_text(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A change-shaped object whose every part may be of the wrong type or hostile.
fn change_like() -> impl Strategy<Value = Value> {
    let part = || prop_oneof![json_value(), nasty_text().prop_map(Value::String)];
    (
        prop_oneof![Just(json!(new_id())), part()],
        prop_oneof![Just(json!("customer")), Just(json!("visit")), Just(json!("gizmo")), part()],
        prop_oneof![Just(json!(new_id())), part()],
        prop_oneof![Just(json!("name")), Just(json!("customer_id")), Just(json!("amount")), part()],
        json_value(),
        prop_oneof![Just(json!(hlc_at(now_ms(), 0, "hostile01"))), part()],
        prop::collection::btree_map("[a-z_]{1,12}", json_value(), 0..3),
    )
        .prop_map(|(op, kind, id, field, value, hlc, extra)| {
            let mut change = json!({"op": op, "kind": kind, "id": id, "field": field, "value": value, "hlc": hlc});
            for (key, value) in extra {
                change[key] = value;
            }
            change
        })
}

/// Raw bodies: bytes that are not UTF-8, lone surrogates, deep nesting, truncated JSON.
fn raw_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        Just(br#"{"org":"\ud800","username":"\udfff","password":"x"}"#.to_vec()),
        Just(br#"{"device":"abcdefgh","changes":[{"op":"\ud83d","kind":"customer"}]}"#.to_vec()),
        (1usize..5000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
        Just(b"{\"device\": \"abcdefgh\", \"changes\": [".to_vec()),
        Just(vec![0xff, 0xfe, 0x7b, 0x7d]),
    ]
}

#[derive(Debug, Clone)]
enum Attack {
    Login(Value),
    LoginRaw(Vec<u8>),
    Push(Value),
    PushChanges(Vec<Value>),
    PushRaw(Vec<u8>),
    Pull(String, String),
    Live(String),
    Summary(String, String),
}

fn attack() -> impl Strategy<Value = Attack> {
    prop_oneof![
        json_value().prop_map(Attack::Login),
        (nasty_text(), nasty_text(), json_value()).prop_map(|(org, username, password)| {
            Attack::Login(json!({"org": org, "username": username, "password": password}))
        }),
        raw_body().prop_map(Attack::LoginRaw),
        json_value().prop_map(Attack::Push),
        prop::collection::vec(change_like(), 0..20).prop_map(Attack::PushChanges),
        raw_body().prop_map(Attack::PushRaw),
        (nasty_text(), nasty_text()).prop_map(|(c, l)| Attack::Pull(c, l)),
        nasty_text().prop_map(Attack::Live),
        (nasty_text(), nasty_text()).prop_map(|(id, at)| Attack::Summary(id, at)),
    ]
}

/// Percent-encodes for a URL, cut to 2,000 characters (clients refuse longer URLs).
fn encode(text: &str) -> String {
    let text: String = text.chars().take(2000).collect();
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn send(
    app: &TestApp,
    token: &str,
    attack: &Attack,
) -> (StatusCode, Option<String>, Vec<u8>) {
    let c = &app.client;
    let url = &app.url;
    let request = match attack {
        Attack::Login(body) => c.post(format!("{url}/api/v1/auth/login")).json(body),
        Attack::LoginRaw(bytes) => c
            .post(format!("{url}/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body(bytes.clone()),
        Attack::Push(body) => c
            .post(format!("{url}/api/v1/sync/push"))
            .bearer_auth(token)
            .json(body),
        Attack::PushChanges(changes) => c
            .post(format!("{url}/api/v1/sync/push"))
            .bearer_auth(token)
            .json(&json!({"device": "hostile01", "changes": changes})),
        Attack::PushRaw(bytes) => c
            .post(format!("{url}/api/v1/sync/push"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(bytes.clone()),
        Attack::Pull(cursor, limit) => c
            .get(format!(
                "{url}/api/v1/sync/pull?cursor={}&limit={}",
                encode(cursor),
                encode(limit)
            ))
            .bearer_auth(token),
        Attack::Live(ticket) => c.get(format!("{url}/api/v1/sync/live?ticket={}", encode(ticket))),
        Attack::Summary(id, at) => c
            .get(format!(
                "{url}/api/v1/customers/{}/summary?at={}",
                encode(id),
                encode(at)
            ))
            .bearer_auth(token),
    };
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .bytes()
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    (status, kind, body)
}

#[test]
fn hostile_requests_get_json_errors_or_verdicts_never_a_5xx() {
    // The server's own account of any 500 (the detail is logged, never sent) shows with a failure.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("huitou_server=warn")
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (app, session) = runtime.block_on(async {
        let app = spawn_app().await;
        let session = app
            .user("acme", "sales1", huitou_shared::Role::Salesperson)
            .await;
        (app, session)
    });
    // A fixed seed, so a failure in CI replays here; `HUITOU_HOSTILE_SEED` explores others.
    let seed: u64 = std::env::var("HUITOU_HOSTILE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_201);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 1000,
            failure_persistence: None,
            ..Config::default()
        },
        proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &bytes,
        ),
    );
    runner
        .run(&attack(), |attack| {
            let (status, kind, body) = runtime.block_on(send(&app, &session.token, &attack));
            prop_assert!(
                status.as_u16() < 500,
                "{status} for {attack:?}: {}",
                String::from_utf8_lossy(&body)
            );
            if matches!(attack, Attack::Live(_)) && status == StatusCode::OK {
                return Ok(()); // an event stream (never reached without a ticket)
            }
            prop_assert!(
                kind.as_deref()
                    .is_some_and(|k| k.starts_with("application/json")),
                "{kind:?} for {attack:?}"
            );
            let value: Value = serde_json::from_slice(&body)
                .map_err(|e| TestCaseError::fail(format!("{e}: {attack:?}")))?;
            if status.is_success() {
                if let Attack::PushChanges(changes) = &attack {
                    let answered = value["accepted"].as_array().map_or(0, Vec::len)
                        + value["rejected"].as_array().map_or(0, Vec::len);
                    prop_assert_eq!(answered, changes.len(), "every change gets one verdict");
                }
            } else {
                prop_assert!(value["error"]["code"].is_string(), "error shape: {value}");
                prop_assert!(
                    value["error"]["message"].is_string(),
                    "error shape: {value}"
                );
            }
            Ok(())
        })
        .unwrap();
    // Still serving: a normal push and pull work, and nothing hostile reached another user.
    runtime.block_on(async {
        let customer = new_id();
        let body = app
            .push(
                &session,
                &[change("customer", &customer, "name", json!("王小明"), 0)],
            )
            .await;
        assert_eq!(body["rejected"], json!([]));
        assert!(
            app.pull_all(&session)
                .await
                .iter()
                .any(|c| c.id == customer)
        );
        let other = app
            .user("acme", "sales2", huitou_shared::Role::Salesperson)
            .await;
        assert!(
            app.pull_all(&other).await.is_empty(),
            "a salesperson's junk stays theirs"
        );
    });
}

/// Found by the test above in a CI run: an invalid change whose op holds a NUL character was
/// answered 500 (the quarantine refused the text); a sign-in with a NUL in the user name too,
/// on PostgreSQL.
#[tokio::test]
async fn nul_characters_are_refused_cleanly_not_a_500() {
    let app = spawn_app().await;
    let session = app
        .user("acme", "sales1", huitou_shared::Role::Salesperson)
        .await;
    let mut bad = change("customer", &new_id(), "name", json!("x"), 0);
    bad["op"] = json!("\u{0}\u{7}\u{1b}[31m");
    let body = app.push(&session, &[bad]).await;
    assert_eq!(body["rejected"][0]["code"], "invalid", "{body}");
    let parked = app.server.store.quarantine(&session.org_id).await.unwrap();
    assert_eq!(parked.len(), 1);
    let response = app
        .client
        .post(format!("{}/api/v1/auth/login", app.url))
        .json(&json!({"org": "acme\u{0}", "username": "sales1\u{0}", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
