//! `GET /api/v1/reports/{report}` over a real socket (issue 12): managers only, the figures of
//! `huitou_shared::insights` on the organisation's records — the same the app computes from its
//! replica — with clear JSON errors for bad parameters.

mod support;

use chrono::NaiveDate;
use huitou_shared::insights::{self, Book};
use huitou_shared::retention::RuleSet;
use huitou_shared::{Role, State};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

impl TestApp {
    async fn report(&self, session: &Session, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!("{}/api/v1/reports/{path}", self.url))
            .bearer_auth(&session.token)
            .send()
            .await
            .expect("report request");
        let status = response.status();
        (status, response.json().await.expect("report json"))
    }
}

/// Ten first-timers in March 2026 for `owner`, four of them back within 30 days, and one
/// customer of February who came back in March; a contact, a task and a complaint besides.
async fn march_book(app: &TestApp, owner: &Session) {
    let mut changes = Vec::new();
    let mut counter = 0;
    let mut add = |kind: &str, id: &str, field: &str, value: Value| {
        counter += 1;
        changes.push(change(kind, id, field, value, counter));
    };
    let visit =
        |add: &mut dyn FnMut(&str, &str, &str, Value), customer: &str, at: &str, amount: u32| {
            let id = new_id();
            add("visit", &id, "customer_id", json!(customer));
            add("visit", &id, "at", json!(at));
            add("visit", &id, "amount", json!(amount));
        };
    for i in 0..10u32 {
        let customer = new_id();
        add("customer", &customer, "name", json!(format!("客人{i}")));
        add("customer", &customer, "owner", json!(owner.user_id));
        add(
            "customer",
            &customer,
            "created_at",
            json!("2026-03-01T10:00:00+08:00"),
        );
        visit(
            &mut add,
            &customer,
            &format!("2026-03-{:02}T19:00:00+08:00", 2 + i),
            100 * (i + 1),
        );
        if i < 4 {
            visit(
                &mut add,
                &customer,
                &format!("2026-03-{:02}T19:00:00+08:00", 20 + i),
                500,
            );
        }
        if i == 0 {
            let task = new_id();
            add("task", &task, "customer_id", json!(customer));
            add("task", &task, "due", json!("2026-03-10"));
            let contact = new_id();
            add("contact", &contact, "customer_id", json!(customer));
            add(
                "contact",
                &contact,
                "at",
                json!("2026-03-05T10:00:00+08:00"),
            );
            let complaint = new_id();
            add("complaint", &complaint, "customer_id", json!(customer));
            add(
                "complaint",
                &complaint,
                "at",
                json!("2026-03-05T10:00:00+08:00"),
            );
        }
    }
    let old = new_id();
    add("customer", &old, "name", json!("老客"));
    add("customer", &old, "owner", json!(owner.user_id));
    visit(&mut add, &old, "2026-02-20T19:00:00+08:00", 300);
    visit(&mut add, &old, "2026-03-05T19:00:00+08:00", 300);
    let body = app.push(owner, &changes).await;
    assert_eq!(body["rejected"], json!([]), "{body}");
}

const MARCH: &str = "from=2026-03-01&to=2026-03-31&at=2026-06-01";

#[tokio::test]
async fn the_repeat_rate_of_march_is_four_in_ten() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    march_book(&app, &sales1).await;

    let (status, body) = app.report(&boss, &format!("repeat-rate?{MARCH}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["report"], json!("repeat-rate"));
    assert_eq!(body["from"], json!("2026-03-01"));
    assert_eq!(body["window_days"], json!(30));
    let figures = &body["figures"];
    assert_eq!(figures["current"]["first_timers"], json!(10));
    assert_eq!(figures["current"]["returned"], json!(4));
    assert_eq!(figures["current"]["share"]["rate"], json!(0.4));
    assert_eq!(figures["previous"]["first_timers"], json!(1));
    assert_eq!(figures["by_owner"][0]["key"], json!(sales1.user_id));
    assert_eq!(figures["customers"].as_array().map(Vec::len), Some(10));

    // The owner filter: another salesperson has no first-timers.
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let (_, body) = app
        .report(
            &boss,
            &format!("repeat-rate?{MARCH}&owner={}", sales2.user_id),
        )
        .await;
    assert_eq!(body["figures"]["current"]["first_timers"], json!(0));
    assert_eq!(body["figures"]["current"]["share"]["rate"], json!(null));
}

#[tokio::test]
async fn every_report_equals_the_shared_functions_on_the_pulled_records() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    march_book(&app, &sales1).await;

    // What a manager's device holds after a full pull, folded by the merge rule.
    let state = State::fold(&app.pull_all(&boss).await);
    let kinds = [
        "customer",
        "visit",
        "contact",
        "task",
        "complaint",
        "referral",
        "suggestion",
        "family",
    ];
    let book = Book::new(
        kinds.iter().flat_map(|kind| {
            state
                .records(kind)
                .map(move |(id, record)| (*kind, id.as_str(), record))
        }),
        480,
    );
    let query = insights::Query {
        from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        owner: None,
        team: None,
        window_days: 30,
    };
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    for report in insights::REPORTS {
        let (status, body) = app.report(&boss, &format!("{report}?{MARCH}")).await;
        assert_eq!(status, StatusCode::OK, "{report}: {body}");
        let expected =
            insights::report_json(report, &book, &RuleSet::restaurant_default(), &query, today)
                .expect("a known report");
        // Compared as the client reads both: through JSON text (serde_json's default float
        // parsing may differ from the exact value in the last bit).
        let expected: Value = serde_json::from_str(&expected.to_string()).expect("json");
        assert_eq!(body["figures"], expected, "{report}");
    }
    // And the figures say something: eleven customers with spend, staff work counted.
    let (_, body) = app.report(&boss, &format!("pareto?{MARCH}")).await;
    assert_eq!(body["figures"]["current"]["customers"], json!(11));
    let (_, body) = app.report(&boss, &format!("staff?{MARCH}")).await;
    let row = &body["figures"]["rows"][0];
    assert_eq!(row["staff"], json!(sales1.user_id));
    assert_eq!(row["contacts"], json!(1));
    assert_eq!(row["tasks_missed"], json!(1));
    assert_eq!(row["complaints"], json!(1));
}

#[tokio::test]
async fn reports_are_for_managers_of_the_organisation_only() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    march_book(&app, &sales1).await;

    let (status, body) = app.report(&sales1, "repeat-rate").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_code(&body), "forbidden");

    // Another organisation's manager sees none of acme's customers.
    let other = app.user("other", "boss", Role::Manager).await;
    let (status, body) = app.report(&other, &format!("lifetime?{MARCH}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["figures"]["rows"], json!([]));

    let response = app
        .client
        .get(format!("{}/api/v1/reports/churn", app.url))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_parameters_get_a_clear_json_error() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    for (path, status, words) in [
        ("no-such-report", StatusCode::NOT_FOUND, ""),
        (
            "cohorts?from=March",
            StatusCode::BAD_REQUEST,
            "from \"March\" must be a date",
        ),
        (
            "cohorts?from=2026-04-01&to=2026-03-01",
            StatusCode::BAD_REQUEST,
            "after",
        ),
        (
            "cohorts?window_days=0",
            StatusCode::BAD_REQUEST,
            "window_days",
        ),
        (
            "cohorts?window_days=-3",
            StatusCode::BAD_REQUEST,
            "window_days",
        ),
        (
            "cohorts?from=1900-01-01&to=2026-01-01",
            StatusCode::BAD_REQUEST,
            "ten years",
        ),
    ] {
        let (got, body) = app.report(&boss, path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(body["error"]["code"].is_string(), "{path}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{path}: {message}");
    }
    // Defaults: the last twelve months up to today.
    let (status, body) = app.report(&boss, "cohorts").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["figures"]["cohorts"], json!([]));
}

#[tokio::test]
async fn the_demo_year_gives_every_report_something_to_show() {
    let app = spawn_app_with(|config| huitou_server::Config {
        demo: true,
        demo_year: true,
        ..config
    })
    .await;
    let login: Value = app
        .client
        .post(format!("{}/api/v1/auth/login", app.url))
        .json(&json!({"org": "demo", "username": "manager", "password": "huitou-demo"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login json");
    let manager = Session {
        token: login["token"].as_str().expect("token").to_owned(),
        user_id: login["user"]["id"].as_str().expect("id").to_owned(),
        org_id: String::new(),
        role: Role::Manager,
    };
    let (status, body) = app.report(&manager, "repeat-rate").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let current = &body["figures"]["current"];
    assert!(current["first_timers"].as_u64() > Some(100), "{current}");
    assert!(current["returned"].as_u64() > Some(20), "{current}");
    let (_, body) = app.report(&manager, "tiers").await;
    let counts = &body["figures"]["points"]
        .as_array()
        .expect("points")
        .last()
        .expect("a point")["counts"];
    for tier in ["A", "B", "C", "potential", "regular", "new"] {
        assert!(
            counts[tier].as_u64() > Some(0),
            "customers in tier {tier}: {counts}"
        );
    }
    let (_, body) = app.report(&manager, "churn").await;
    assert!(
        body["figures"]["rows"].as_array().map(Vec::len) > Some(20),
        "churn rows"
    );
    let (_, body) = app.report(&manager, "staff").await;
    let rows = body["figures"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "two salespeople: {rows:?}");
    assert!(
        rows.iter().all(|r| r["contacts"].as_u64() > Some(100)),
        "{rows:?}"
    );
    // Today has work: tasks due today for both salespeople.
    let state = State::fold(&app.pull_all(&manager).await);
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("+8"))
        .date_naive()
        .to_string();
    let due_today = state
        .records("task")
        .filter(|(_, t)| t.text("due") == Some(today.as_str()))
        .count();
    assert!(due_today >= 10, "{due_today} tasks due today");
    assert!(state.records("complaint").count() >= 6);
    assert!(state.records("referral").count() >= 4);
}

#[tokio::test]
async fn the_store_or_team_filter_keeps_the_customers_of_its_people() {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    march_book(&app, &sales1).await;
    let customer = new_id();
    let visit = new_id();
    let body = app
        .push(
            &sales2,
            &[
                change("customer", &customer, "name", json!("徐家汇的客人"), 1),
                change("customer", &customer, "owner", json!(sales2.user_id), 2),
                change("visit", &visit, "customer_id", json!(customer), 3),
                change("visit", &visit, "at", json!("2026-03-08T19:00:00+08:00"), 4),
                change("visit", &visit, "amount", json!(880), 5),
            ],
        )
        .await;
    assert_eq!(body["rejected"], json!([]), "{body}");
    let set_team = |session: &Session, user: &str, team: &str| {
        let request = app
            .client
            .patch(format!("{}/api/v1/users/{user}", app.url))
            .bearer_auth(&session.token)
            .json(&json!({"team": team}));
        async move {
            let response = request.send().await.expect("patch");
            let status = response.status();
            (status, response.json::<Value>().await.expect("json"))
        }
    };
    let (status, member) = set_team(&boss, &sales1.user_id, " 南京西路店 ").await;
    assert_eq!(status, StatusCode::OK, "{member}");
    assert_eq!(member["team"], json!("南京西路店"), "trimmed");
    let (status, _) = set_team(&boss, &sales2.user_id, "徐家汇店").await;
    assert_eq!(status, StatusCode::OK);
    let (status, refused) = set_team(&sales1, &sales1.user_id, "徐家汇店").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a salesperson does not move themselves: {refused}"
    );
    let (status, refused) = set_team(&boss, &sales2.user_id, &"店".repeat(61)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");

    let first_timers = |body: &Value| body["figures"]["current"]["first_timers"].clone();
    let (status, all) = app.report(&boss, &format!("repeat-rate?{MARCH}")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(first_timers(&all), json!(11));
    let (_, xu) = app
        .report(&boss, &format!("repeat-rate?{MARCH}&team=徐家汇店"))
        .await;
    assert_eq!(first_timers(&xu), json!(1), "{xu}");
    assert_eq!(xu["team"], json!("徐家汇店"));
    let (_, west) = app
        .report(&boss, &format!("repeat-rate?{MARCH}&team=南京西路店"))
        .await;
    assert_eq!(first_timers(&west), json!(10), "{west}");
    let (_, none) = app
        .report(&boss, &format!("pareto?{MARCH}&team=no-such-team"))
        .await;
    assert_eq!(none["figures"]["current"]["customers"], json!(0), "{none}");

    // The team is on the user record every device syncs.
    let state = State::fold(&app.pull_all(&boss).await);
    let record = state
        .records("user")
        .find(|(id, _)| **id == sales2.user_id)
        .map(|(_, r)| r)
        .expect("sales2's user record");
    assert_eq!(record.text("team"), Some("徐家汇店"));
}
