//! Erasure (SYNC §5, issue 10) over a real socket: a manager erases a customer; the personal
//! data leaves the server's state, its log, its quarantine and (SQLite) the database file and
//! its WAL; the anonymous aggregates stay; a device that pulls receives the clearing changes;
//! an offline device's later edit is refused `erased` and kept nowhere. Runs on SQLite and
//! again in CI's PostgreSQL pass (there without the file check).

mod support;

use huitou_shared::{Role, State};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

const NAME: &str = "欧阳娜娜";
const PHONE: &str = "13912345678";
const NOTE: &str = "对花生过敏，丈夫姓江";
const DUPLICATE_PHONE: &str = "13700001111";
const NEIGHBOUR_NOTE: &str = "邻居说她搬去了杭州";
/// Too long for a phone (at most 32 characters): refused as invalid before any judging.
const LONG_PHONE: &str = "13555555555 / 13666666666 / 13777777777";

async fn erase(app: &TestApp, session: &Session, id: &str, name: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/customers/{id}/erase", app.url))
        .bearer_auth(&session.token)
        .json(&json!({ "confirm_name": name }))
        .send()
        .await
        .expect("erase request");
    let status = response.status();
    (status, response.json().await.expect("erase json"))
}

/// Every byte of the SQLite database and its WAL, when the test runs on SQLite.
fn database_bytes(app: &TestApp) -> Option<Vec<u8>> {
    let path = app.database_url.strip_prefix("sqlite://")?;
    let mut bytes = std::fs::read(path).expect("database file");
    if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
        bytes.extend(wal);
    }
    Some(bytes)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn an_erased_customer_leaves_no_personal_data_anywhere_and_is_never_resurrected() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let sales = app.user("acme", "sales", Role::Salesperson).await;
    let (customer, visit, family) = (new_id(), new_id(), new_id());
    let body = app
        .push(
            &sales,
            &[
                change("customer", &customer, "name", json!("欧阳"), 0),
                change("customer", &customer, "name", json!(NAME), 1),
                change("customer", &customer, "phone", json!(PHONE), 2),
                change("customer", &customer, "owner", json!(sales.user_id), 3),
                change(
                    "customer",
                    &customer,
                    "created_at",
                    json!("2025-01-02T10:00:00+08:00"),
                    4,
                ),
                change("visit", &visit, "customer_id", json!(customer), 5),
                change("visit", &visit, "at", json!("2026-11-20T19:00:00+08:00"), 6),
                change("visit", &visit, "amount", json!(880), 7),
                change("visit", &visit, "note", json!(NOTE), 8),
                change("family", &family, "customer_id", json!(customer), 9),
                change("family", &family, "name", json!("江先生"), 10),
            ],
        )
        .await;
    assert_eq!(body["rejected"], json!([]));
    // A duplicate merged into it earlier waits in the trash with its own phone.
    let duplicate = new_id();
    let body = app
        .push(
            &sales,
            &[
                change("customer", &duplicate, "name", json!(NAME), 20),
                change("customer", &duplicate, "phone", json!(DUPLICATE_PHONE), 21),
                change("customer", &duplicate, "owner", json!(sales.user_id), 22),
                change("customer", &duplicate, "merged_into", json!(customer), 23),
                change("customer", &duplicate, "deleted", json!(true), 24),
            ],
        )
        .await;
    assert_eq!(body["rejected"], json!([]));
    // A refused change naming the customer waits in the quarantine.
    let refused = app
        .push(
            &sales,
            &[change(
                "customer",
                &customer,
                "tier_override",
                json!({"tier": "A", "reason": PHONE}),
                11,
            )],
        )
        .await;
    assert_eq!(refused["rejected"][0]["code"], "forbidden");
    // A colleague's refused visit of the customer: the server never stored the visit, and its
    // second change names only the visit, so only the customer noted at refusal ties it.
    let colleague = app.user("acme", "sales2", Role::Salesperson).await;
    let stray = new_id();
    let refused = app
        .push(
            &colleague,
            &[
                change("visit", &stray, "customer_id", json!(customer), 40),
                change("visit", &stray, "note", json!(NEIGHBOUR_NOTE), 41),
            ],
        )
        .await;
    assert_eq!(refused["rejected"][1]["code"], "forbidden", "{refused}");
    // Only the server's erasure marks a customer erased: nobody's push can (it would lock the
    // customer and wipe it from devices while the server kept everything).
    for who in [&sales, &manager] {
        let body = app
            .push(
                who,
                &[change("customer", &customer, "erased", json!(true), 30)],
            )
            .await;
        assert_eq!(body["rejected"][0]["code"], "forbidden", "{body}");
    }
    let (_, tablet_cursor, _) = app.pull_from(&sales, "").await;

    // Only a manager, and only with the customer's name.
    let (status, body) = erase(&app, &sales, &customer, NAME).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, body) = erase(&app, &manager, &customer, "欧阳").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
        "{body}"
    );
    let (status, body) = erase(&app, &manager, &new_id(), NAME).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = erase(&app, &manager, &customer, NAME).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["log_rows_deleted"].as_u64().unwrap() >= 4, "{body}");

    // The state: personal fields null, aggregates kept, the customer marked and in the trash.
    let state = State::fold(&app.pull_all(&manager).await);
    let c = state
        .record("customer", &customer)
        .expect("the customer's row stays");
    assert_eq!(c.value("erased"), Some(&json!(true)));
    assert_eq!(c.value("deleted"), Some(&json!(true)));
    for field in ["name", "phone"] {
        assert_eq!(c.value(field), Some(&Value::Null), "{field}");
    }
    let v = state
        .record("visit", &visit)
        .expect("the visit stays, anonymous");
    assert_eq!(v.value("amount"), Some(&json!(880)));
    assert_eq!(v.text("at"), Some("2026-11-20T19:00:00+08:00"));
    assert_eq!(v.value("note"), Some(&Value::Null));
    assert_eq!(state.value("family", &family, "name"), Some(&Value::Null));
    let everything = serde_json::to_string(&app.pull_all(&manager).await).unwrap();
    assert_eq!(
        state.value("customer", &duplicate, "erased"),
        Some(&json!(true))
    );
    for secret in [NAME, PHONE, NOTE, "江先生", "欧阳", DUPLICATE_PHONE] {
        assert!(!everything.contains(secret), "{secret} in a full pull");
    }

    // The tablet that held it receives the clearing changes on its next pull.
    let (since, _, _) = app.pull_from(&sales, &tablet_cursor).await;
    let cleared: Vec<&str> = since
        .iter()
        .filter(|c| c.id == customer && c.value.is_null())
        .map(|c| c.field.as_str())
        .collect();
    assert!(
        cleared.contains(&"name") && cleared.contains(&"phone"),
        "{cleared:?}"
    );
    assert!(
        since
            .iter()
            .any(|c| c.field == "erased" && c.value == json!(true))
    );

    // An offline edit made before the erasure comes back: refused, kept nowhere.
    let late = app
        .push(
            &sales,
            &[
                change("customer", &customer, "phone", json!("13000000000"), 12),
                change("visit", &visit, "note", json!("又来了"), 13),
                // Invalid as well: still refused as erased, not quarantined as invalid.
                change("customer", &customer, "phone", json!(LONG_PHONE), 14),
            ],
        )
        .await;
    let codes: Vec<&str> = late["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["erased", "erased", "erased"], "{late}");
    let state = State::fold(&app.pull_all(&manager).await);
    assert_eq!(
        state.value("customer", &customer, "phone"),
        Some(&Value::Null)
    );
    let review = app
        .client
        .get(format!("{}/api/v1/review?all=true", app.url))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for secret in [PHONE, "13000000000", "又来了", NEIGHBOUR_NOTE, LONG_PHONE] {
        assert!(
            !review.contains(secret),
            "{secret} in the review list: {review}"
        );
    }

    // Nothing readable is left in the database file or its WAL (SQLite).
    if let Some(bytes) = database_bytes(&app) {
        for secret in [
            NAME,
            PHONE,
            NOTE,
            "江先生",
            "13000000000",
            "又来了",
            DUPLICATE_PHONE,
            NEIGHBOUR_NOTE,
            LONG_PHONE,
        ] {
            assert!(
                !contains(&bytes, secret),
                "{secret} is still in the SQLite files"
            );
        }
        assert!(
            contains(&bytes, "2026-11-20T19:00:00+08:00"),
            "the visit's date stays"
        );
    }
    // A second erasure finds nothing more to clear.
    let (status, body) = erase(&app, &manager, &customer, "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["cleared_fields"], 0);
}
