//! Loyalty at the server (issue 13): points and stored value are ledgers the server keeps
//! covered at push time (`insufficient`), entries are written once, a voucher is redeemed
//! once (`already_redeemed`), refunds and undoing a redemption are a manager's, and a
//! salesperson cannot touch another's customer's points. Runs on SQLite and again in CI's
//! PostgreSQL pass.

mod support;

use huitou_shared::{Role, State};
use serde_json::{Value, json};
use support::*;

fn rejected(body: &Value) -> Vec<(String, String)> {
    body["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap_or_default().to_owned(),
                r["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A ledger entry of `kind` for `customer`, stamped at `millis` on `device`.
fn entry(
    kind: &str,
    customer: &str,
    amount: Value,
    extra: &[(&str, Value)],
    millis: u64,
    device: &str,
) -> Vec<Value> {
    let id = new_id();
    let mut changes = vec![change_at(
        kind,
        &id,
        "customer_id",
        json!(customer),
        &hlc_at(millis, 0, device),
    )];
    for (n, (field, value)) in extra.iter().enumerate() {
        changes.push(change_at(
            kind,
            &id,
            field,
            value.clone(),
            &hlc_at(millis, 1 + n as u32, device),
        ));
    }
    changes.push(change_at(
        kind,
        &id,
        "amount",
        amount,
        &hlc_at(millis, 9, device),
    ));
    changes
}

async fn customer_of(app: &TestApp, session: &Session, name: &str) -> String {
    let id = new_id();
    let body = app
        .push(
            session,
            &[
                change("customer", &id, "name", json!(name), 0),
                change("customer", &id, "owner", json!(session.user_id), 1),
            ],
        )
        .await;
    assert!(rejected(&body).is_empty(), "{body}");
    id
}

#[tokio::test]
async fn two_offline_tablets_spending_the_last_500_points_one_is_refused_insufficient() {
    let app = spawn_app().await;
    let sales = app.user("acme", "li", Role::Salesperson).await;
    let customer = customer_of(&app, &sales, "王小明").await;
    let earlier = now_ms() - 60_000;
    let earned = entry(
        "points",
        &customer,
        json!(500),
        &[("reason", json!("visit"))],
        earlier,
        "tabletaa01",
    );
    assert!(rejected(&app.push(&sales, &earned).await).is_empty());

    // Both tablets saw 500 points while offline and redeemed them.
    let a = entry(
        "points",
        &customer,
        json!(-500),
        &[("reason", json!("redeem"))],
        earlier + 1_000,
        "tabletaa01",
    );
    let b = entry(
        "points",
        &customer,
        json!(-500),
        &[("reason", json!("redeem"))],
        earlier + 2_000,
        "tabletbb02",
    );
    assert!(rejected(&app.push(&sales, &a).await).is_empty());
    let body = app.push(&sales, &b).await;
    let refused = rejected(&body);
    assert_eq!(refused.len(), 1, "only the amount is refused: {body}");
    assert_eq!(refused[0].0, "insufficient");
    assert!(
        refused[0].1.contains("the balance is 0 points"),
        "{}",
        refused[0].1
    );
    assert_eq!(body["rejected"][0]["op"], b.last().unwrap()["op"]);

    // A retry of the refused change is refused again, and the accepted one stays accepted.
    let again = app.push(&sales, &b).await;
    assert_eq!(rejected(&again)[0].0, "insufficient");
    let retry = app.push(&sales, &a).await;
    assert!(
        rejected(&retry).is_empty(),
        "a retry of an accepted op is accepted again"
    );

    // The books: 500 earned, 500 redeemed, nothing more.
    let state = State::fold(&app.pull_all(&sales).await);
    let sum: i64 = state
        .records("points")
        .filter_map(|(_, record)| record.value("amount").and_then(Value::as_i64))
        .sum();
    assert_eq!(sum, 0);

    // In one push, a redemption after the earning that covers it is fine; one more is not.
    let now = now_ms();
    let mut both = entry("points", &customer, json!(300), &[], now, "tabletaa01");
    both.extend(entry(
        "points",
        &customer,
        json!(-300),
        &[],
        now + 1,
        "tabletaa01",
    ));
    both.extend(entry(
        "points",
        &customer,
        json!(-1),
        &[],
        now + 2,
        "tabletaa01",
    ));
    let body = app.push(&sales, &both).await;
    assert_eq!(
        rejected(&body)
            .iter()
            .map(|r| r.0.as_str())
            .collect::<Vec<_>>(),
        ["insufficient"]
    );
}

#[tokio::test]
async fn ledger_entries_are_written_once_and_never_deleted() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let customer = customer_of(&app, &manager, "欧阳明").await;
    let earned = entry("points", &customer, json!(100), &[], now_ms(), "tabletaa01");
    assert!(rejected(&app.push(&manager, &earned).await).is_empty());
    let id = earned[0]["id"].as_str().unwrap();
    let body = app
        .push(
            &manager,
            &[
                change("points", id, "amount", json!(100_000), 20),
                change("points", id, "deleted", json!(true), 21),
                change("points", id, "note", json!("a note may change"), 22),
            ],
        )
        .await;
    let codes: Vec<(String, String)> = rejected(&body);
    assert_eq!(codes.len(), 2, "{body}");
    assert!(codes.iter().all(|(code, _)| code == "invalid"));
    assert!(codes[0].1.contains("written once"), "{}", codes[0].1);
    assert!(codes[1].1.contains("never deleted"), "{}", codes[1].1);
    // Malformed amounts are invalid before anything else.
    let half = entry("points", &customer, json!(2.5), &[], now_ms(), "tabletaa01");
    let body = app.push(&manager, &half).await;
    assert_eq!(rejected(&body)[0].0, "invalid");
}

#[tokio::test]
async fn stored_value_tops_up_spends_and_refunds_by_its_rules() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let sales = app.user("acme", "li", Role::Salesperson).await;
    let customer = customer_of(&app, &sales, "张女士").await;
    let t = now_ms() - 10_000;
    // 充 1000 送 200.
    let mut top_up = entry(
        "stored_value",
        &customer,
        json!(1000),
        &[("type", json!("top_up"))],
        t,
        "tabletaa01",
    );
    top_up.extend(entry(
        "stored_value",
        &customer,
        json!(200),
        &[("type", json!("bonus"))],
        t + 1,
        "tabletaa01",
    ));
    assert!(rejected(&app.push(&sales, &top_up).await).is_empty());
    // A spend of 1,200.01 is more than there is; 1,199.99 is not.
    let over = entry(
        "stored_value",
        &customer,
        json!(-1200.01),
        &[("type", json!("spend"))],
        t + 2,
        "tabletaa01",
    );
    let body = app.push(&sales, &over).await;
    assert_eq!(rejected(&body)[0].0, "insufficient", "{body}");
    assert!(rejected(&body)[0].1.contains("1200.00"), "{body}");
    let spend = entry(
        "stored_value",
        &customer,
        json!(-1199.99),
        &[("type", json!("spend"))],
        t + 3,
        "tabletaa01",
    );
    assert!(rejected(&app.push(&sales, &spend).await).is_empty());
    // A "spend" that adds money is refused; so is a salesperson's refund.
    let odd = entry(
        "stored_value",
        &customer,
        json!(50),
        &[("type", json!("spend"))],
        t + 4,
        "tabletaa01",
    );
    assert_eq!(rejected(&app.push(&sales, &odd).await)[0].0, "invalid");
    let refund = entry(
        "stored_value",
        &customer,
        json!(-0.01),
        &[("type", json!("refund"))],
        t + 5,
        "tabletaa01",
    );
    let body = app.push(&sales, &refund).await;
    let codes: Vec<String> = rejected(&body).into_iter().map(|r| r.0).collect();
    // The refund's type is refused, and its amount with it (an amount needs its type).
    assert_eq!(codes, ["forbidden", "invalid"], "{body}");
    // The manager refunds the last cent; the balance is then 0 and nothing more goes.
    let refund = entry(
        "stored_value",
        &customer,
        json!(-0.01),
        &[("type", json!("refund"))],
        t + 6,
        "managerdev1",
    );
    assert!(rejected(&app.push(&manager, &refund).await).is_empty());
    let more = entry(
        "stored_value",
        &customer,
        json!(-0.01),
        &[("type", json!("refund"))],
        t + 7,
        "managerdev1",
    );
    assert_eq!(
        rejected(&app.push(&manager, &more).await)[0].0,
        "insufficient"
    );
}

#[tokio::test]
async fn a_voucher_is_redeemed_once_across_offline_devices() {
    let app = spawn_app().await;
    let manager = app.user("acme", "boss", Role::Manager).await;
    let sales = app.user("acme", "li", Role::Salesperson).await;
    let customer = customer_of(&app, &sales, "陈先生").await;
    let voucher = new_id();
    let issued = [
        change("voucher", &voucher, "customer_id", json!(customer), 0),
        change("voucher", &voucher, "title", json!("满 300 减 50"), 1),
        change("voucher", &voucher, "value", json!(50), 2),
        change("voucher", &voucher, "min_spend", json!(300), 3),
        change("voucher", &voucher, "valid_until", json!("2099-12-31"), 4),
    ];
    assert!(rejected(&app.push(&sales, &issued).await).is_empty());
    let (visit_a, visit_b) = (new_id(), new_id());
    let t = now_ms() - 5_000;
    // Tablet B stamped its redemption earlier but reaches the server second.
    let a = change_at(
        "voucher",
        &voucher,
        "redeemed_visit",
        json!(visit_a),
        &hlc_at(t + 100, 0, "tabletaa01"),
    );
    let b = change_at(
        "voucher",
        &voucher,
        "redeemed_visit",
        json!(visit_b),
        &hlc_at(t, 0, "tabletbb02"),
    );
    assert!(rejected(&app.push(&sales, std::slice::from_ref(&a)).await).is_empty());
    let body = app.push(&sales, &[b]).await;
    assert_eq!(rejected(&body)[0].0, "already_redeemed", "{body}");
    assert!(rejected(&body)[0].1.contains(&visit_a));
    // The same redemption again (another op, same visit) changes nothing and is fine.
    let same = change("voucher", &voucher, "redeemed_visit", json!(visit_a), 30);
    assert!(rejected(&app.push(&sales, &[same]).await).is_empty());
    // Undoing it is a manager's.
    let undo = change("voucher", &voucher, "redeemed_visit", Value::Null, 31);
    assert_eq!(rejected(&app.push(&sales, &[undo]).await)[0].0, "forbidden");
    let undo = change("voucher", &voucher, "redeemed_visit", Value::Null, 32);
    assert!(rejected(&app.push(&manager, &[undo]).await).is_empty());
    let state = State::fold(&app.pull_all(&sales).await);
    assert_eq!(
        state.value("voucher", &voucher, "redeemed_visit"),
        Some(&Value::Null)
    );
    // Refused changes wait in the review list with their code.
    let review: Value = app
        .client
        .get(format!("{}/api/v1/review", app.url))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = review["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["code"].as_str())
        .collect();
    assert!(codes.contains(&"already_redeemed"), "{review}");
}

#[tokio::test]
async fn a_salesperson_cannot_award_points_to_another_salespersons_customer() {
    let app = spawn_app().await;
    let li = app.user("acme", "li", Role::Salesperson).await;
    let wang = app.user("acme", "wang", Role::Salesperson).await;
    let customer = customer_of(&app, &li, "李女士").await;
    let award = entry(
        "points",
        &customer,
        json!(10_000),
        &[("reason", json!("adjust"))],
        now_ms(),
        "tabletbb02",
    );
    let body = app.push(&wang, &award).await;
    assert!(
        rejected(&body).iter().all(|(code, _)| code == "forbidden"),
        "{body}"
    );
    assert_eq!(rejected(&body).len(), award.len());
    let state = State::fold(&app.pull_all(&li).await);
    assert_eq!(state.records("points").count(), 0);
}
