//! `GET /api/v1/customers/{id}/summary` over a real socket: figures from pushed records,
//! "as of" a day, and the same visibility as sync.

mod support;

use huitou_shared::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

impl TestApp {
    async fn summary(&self, session: &Session, customer: &str, query: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!(
                "{}/api/v1/customers/{customer}/summary{query}",
                self.url
            ))
            .bearer_auth(&session.token)
            .send()
            .await
            .expect("summary request");
        let status = response.status();
        (status, response.json().await.expect("summary json"))
    }
}

/// A customer owned by `owner`, created at `created_at`, with visits `(at, amount)`.
async fn customer_with_visits(
    app: &TestApp,
    owner: &Session,
    created_at: &str,
    visits: &[(String, u32)],
) -> String {
    let customer = new_id();
    let mut changes = vec![
        change("customer", &customer, "name", json!("王小明"), 0),
        change("customer", &customer, "owner", json!(owner.user_id), 1),
        change("customer", &customer, "created_at", json!(created_at), 2),
    ];
    for (n, (at, amount)) in visits.iter().enumerate() {
        let visit = new_id();
        let counter = 3 + 3 * u32::try_from(n).expect("few visits");
        changes.push(change(
            "visit",
            &visit,
            "customer_id",
            json!(customer),
            counter,
        ));
        changes.push(change("visit", &visit, "at", json!(at), counter + 1));
        changes.push(change(
            "visit",
            &visit,
            "amount",
            json!(amount),
            counter + 2,
        ));
    }
    let body = app.push(owner, &changes).await;
    assert_eq!(body["rejected"], json!([]), "{body}");
    customer
}

/// Seed 002's customer A: one visit a month through 2025.
const CUSTOMER_A: [u32; 12] = [
    10000, 12000, 15000, 17000, 20000, 22000, 25000, 27000, 30000, 32000, 35000, 40000,
];

fn monthly(amounts: &[u32]) -> Vec<(String, u32)> {
    amounts
        .iter()
        .enumerate()
        .map(|(n, amount)| (format!("2025-{:02}-15T19:00:00+08:00", n + 1), *amount))
        .collect()
}

#[tokio::test]
async fn seed_002_lifetime_values_come_out_exactly() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let a = customer_with_visits(
        &app,
        &sales1,
        "2025-01-01T10:00:00+08:00",
        &monthly(&CUSTOMER_A),
    )
    .await;
    let b = customer_with_visits(
        &app,
        &sales1,
        "2025-01-01T10:00:00+08:00",
        &monthly(&[15000, 18000, 20000]),
    )
    .await;

    let (status, body) = app.summary(&sales1, &a, "?at=2025-12-31").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["customer_id"], json!(a));
    assert_eq!(body["lifetime_spend"], json!(285000.0));
    assert_eq!(body["visit_count"], json!(12));
    assert_eq!(body["last_visit_at"], json!("2025-12-15T19:00:00+08:00"));
    assert_eq!(body["at"], json!("2025-12-31"));
    // Oct, Nov, Dec in the 90 days: 107000 / 3 a month.
    assert_eq!(body["tier"], json!("A"));
    assert_eq!(body["avg_monthly_spend"].as_f64(), Some(107_000.0 / 3.0));
    assert_eq!(
        body["tier_reason"],
        json!("avg monthly spend ¥35,666.7 ≥ ¥8,000")
    );
    assert_eq!(body["dormant"], json!(false));
    assert!(body["predicted_next_visit"].is_string(), "{body}");

    let (_, body) = app.summary(&sales1, &b, "?at=2025-12-31").await;
    assert_eq!(body["lifetime_spend"], json!(53000.0));
    assert_eq!(body["visit_count"], json!(3));
    // Silent since March: dormant, and regular on the last 90 days.
    assert_eq!(body["dormant"], json!(true));
    assert_eq!(body["tier"], json!("regular"));

    // As of mid-year only the first six visits count.
    let (_, body) = app.summary(&sales1, &a, "?at=2025-06-30").await;
    assert_eq!(body["lifetime_spend"], json!(96000.0));
    assert_eq!(body["visit_count"], json!(6));
}

#[tokio::test]
async fn a_big_spender_is_a_and_a_fresh_customer_new() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let big = customer_with_visits(
        &app,
        &sales1,
        "2025-01-01T10:00:00+08:00",
        &[
            ("2026-04-10T19:00:00+08:00".into(), 12000),
            ("2026-05-20T19:00:00+08:00".into(), 13350),
        ],
    )
    .await;
    let (status, body) = app.summary(&sales1, &big, "?at=2026-06-01").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["tier"], json!("A"));
    assert_eq!(
        body["tier_reason"],
        json!("avg monthly spend ¥8,450 ≥ ¥8,000")
    );
    assert_eq!(
        body["visits_per_month"].as_f64().map(|v| (v * 3.0).round()),
        Some(2.0)
    );
    assert_eq!(body["referrals_per_month"], json!(0.0));
    assert_eq!(body["predicted_next_visit"], json!("2026-06-29"));

    let fresh = customer_with_visits(
        &app,
        &sales1,
        "2026-05-12T10:00:00+08:00",
        &[("2026-05-12T19:00:00+08:00".into(), 50000)],
    )
    .await;
    let (_, body) = app.summary(&sales1, &fresh, "?at=2026-06-01").await;
    assert_eq!(body["tier"], json!("new"));
    assert_eq!(body["predicted_next_visit"], Value::Null);
    // Without `at`: today, and still a well-formed answer.
    let (status, body) = app.summary(&sales1, &fresh, "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["tier"].is_string());
}

#[tokio::test]
async fn others_customers_and_unknown_ids_are_404_json() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let stranger = app.user("other", "manager", Role::Manager).await;
    let customer = customer_with_visits(
        &app,
        &sales1,
        "2025-01-01T10:00:00+08:00",
        &[("2026-01-10T19:00:00+08:00".into(), 300)],
    )
    .await;

    let (status, body) = app.summary(&sales2, &customer, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(error_code(&body), "not_found");
    // Another organisation's manager sees nothing either.
    let (status, _) = app.summary(&stranger, &customer, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The organisation's manager does.
    let (status, body) = app.summary(&manager, &customer, "?at=2026-01-31").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["lifetime_spend"], json!(300.0));

    for unknown in [new_id(), "not-a-uuid".to_owned()] {
        let (status, body) = app.summary(&sales1, &unknown, "").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");
        assert_eq!(error_code(&body), "not_found");
    }

    // Shared customers are readable by every salesperson, as in sync.
    app.push(
        &sales1,
        &[change("customer", &customer, "shared", json!(true), 50)],
    )
    .await;
    let (status, _) = app.summary(&sales2, &customer, "").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_bad_day_is_400_json_and_no_token_401() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let customer = customer_with_visits(&app, &sales1, "2025-01-01T10:00:00+08:00", &[]).await;
    for bad in ["?at=2026-13-01", "?at=yesterday", "?at=2026-02-30", "?at="] {
        let (status, body) = app.summary(&sales1, &customer, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(error_code(&body), "bad_request");
    }
    let response = app
        .client
        .get(format!("{}/api/v1/customers/{customer}/summary", app.url))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// The summary uses the organisation's active rule set (a synced `rule_set` record that a
/// manager activated), as the devices do; another organisation's rule set changes nothing.
#[tokio::test]
async fn the_active_rule_set_of_the_organisation_decides_the_tier() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let stranger = app.user("other", "manager", Role::Manager).await;
    // ¥6,000 over 90 days: ¥2,000 a month, Regular under the restaurant rules.
    let customer = customer_with_visits(
        &app,
        &sales1,
        "2025-01-01T10:00:00+08:00",
        &[("2026-05-20T19:00:00+08:00".into(), 6000)],
    )
    .await;
    let (_, body) = app.summary(&sales1, &customer, "?at=2026-06-01").await;
    assert_eq!(body["tier"], json!("regular"), "{body}");

    // A rule set in which A starts at ¥1,500 a month, written as a manager's device writes it.
    let rules = || {
        let set = new_id();
        let mut rules = huitou_shared::retention::RuleSet::restaurant_default();
        rules.name = "generous".into();
        rules.tiers[0].min_monthly_spend = Some(1500.0);
        let mut changes: Vec<Value> = rules
            .fields()
            .into_iter()
            .enumerate()
            .map(|(n, (field, value))| change("rule_set", &set, field, value, 100 + n as u32))
            .collect();
        changes.push(change(
            "rule_set",
            &set,
            "activated_at",
            json!("2026-06-01T08:00:00Z"),
            120,
        ));
        changes
    };
    // A salesperson may not write rule sets.
    let refused = app.push(&sales1, &rules()).await;
    assert_eq!(
        refused["rejected"][0]["code"],
        json!("forbidden"),
        "{refused}"
    );
    // Another organisation's rule set does not count here.
    let body = app.push(&stranger, &rules()).await;
    assert_eq!(body["rejected"], json!([]), "{body}");
    let (_, body) = app.summary(&sales1, &customer, "?at=2026-06-01").await;
    assert_eq!(body["tier"], json!("regular"), "{body}");
    // Once the manager activates it, the salesperson's summary follows it.
    let body = app.push(&manager, &rules()).await;
    assert_eq!(body["rejected"], json!([]), "{body}");
    let (_, body) = app.summary(&sales1, &customer, "?at=2026-06-01").await;
    assert_eq!(body["tier"], json!("A"), "{body}");
    assert_eq!(
        body["tier_reason"],
        json!("avg monthly spend ¥2,000 ≥ ¥1,500")
    );
}

/// The follow-up escalation of PRODUCT §10 over the API, computed by the same shared function
/// the app's Today and profile use, with the organisation's days.
#[tokio::test]
async fn the_summary_says_where_the_follow_up_stands_with_the_organisations_days() {
    let app = spawn_app().await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    let sales = app.user("acme", "sales", Role::Salesperson).await;
    let day = |offset: i64| {
        (chrono::Local::now().date_naive() + chrono::Duration::days(offset)).to_string()
    };
    let at = |offset: i64| format!("{}T12:00:00+08:00", day(offset));
    // Visited three days ago, nothing planned, nobody in touch since.
    let quiet = customer_with_visits(&app, &sales, &at(-200), &[(at(-3), 300)]).await;
    let (_, body) = app.summary(&sales, &quiet, "").await;
    assert_eq!(
        body["follow_up"],
        json!({"state": "unplanned", "since": day(-3), "needs_attention": false, "high_risk": false}),
        "{body}"
    );
    // A follow-up task due eight days ago and still open.
    let late = customer_with_visits(&app, &sales, &at(-200), &[(at(-20), 300)]).await;
    let task = new_id();
    app.push(
        &sales,
        &[
            change("task", &task, "customer_id", json!(late), 0),
            change("task", &task, "due", json!(day(-8)), 1),
            change("task", &task, "status", json!("open"), 2),
        ],
    )
    .await;
    let (_, body) = app.summary(&manager, &late, "").await;
    assert_eq!(
        body["follow_up"],
        json!({"state": "overdue", "due": day(-8), "days": 8, "needs_attention": true, "high_risk": true}),
        "{body}"
    );
    // The organisation allows ten days before high risk: still the manager's, not flagged.
    app.push(
        &manager,
        &[change(
            "settings",
            huitou_shared::retention::settings::OrgSettings::RECORD_ID,
            "escalation_high_risk_days",
            json!(10),
            3,
        )],
    )
    .await;
    let (_, body) = app.summary(&manager, &late, "").await;
    assert_eq!(body["follow_up"]["needs_attention"], true);
    assert_eq!(body["follow_up"]["high_risk"], false, "{body}");
    // Done: nothing to escalate.
    app.push(&sales, &[change("task", &task, "status", json!("done"), 4)])
        .await;
    let (_, body) = app.summary(&sales, &late, "").await;
    assert_eq!(body["follow_up"]["state"], "fine", "{body}");
}
