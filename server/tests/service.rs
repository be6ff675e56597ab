//! Service records over a real socket (SYNC §1 and §4): complaints, suggestions and referrals
//! are children of a customer through `customer_id` (a referral's `customer_id` is the
//! referrer), written by whoever may write that customer; standard answers (`answer`) and the
//! organisation's own days (`org_day`) are organisation-wide, written by managers and admins
//! only and read by everyone of the organisation, never by another one. Runs on SQLite and
//! again in CI's PostgreSQL pass (`HUITOU_TEST_POSTGRES`).

mod support;

use huitou_shared::{Change, Role, State};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::*;

/// An organisation `acme` with two salespeople and a manager, signed in.
struct Team {
    app: TestApp,
    sales1: Session,
    sales2: Session,
    manager: Session,
}

async fn team() -> Team {
    let app = spawn_app().await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let sales2 = app.user("acme", "sales2", Role::Salesperson).await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    Team {
        app,
        sales1,
        sales2,
        manager,
    }
}

/// A customer `owner` creates and owns; returns its id.
async fn customer_of(app: &TestApp, owner: &Session, name: &str) -> String {
    let id = new_id();
    let changes = [
        change("customer", &id, "name", json!(name), 0),
        change("customer", &id, "owner", json!(owner.user_id), 1),
    ];
    let body = app.push(owner, &changes).await;
    assert_all_accepted(&body, &changes);
    id
}

/// One change per field of record `(kind, id)`, stamped in order from `counter` on.
fn record(kind: &str, id: &str, fields: &[(&str, Value)], counter: u32) -> Vec<Value> {
    fields
        .iter()
        .zip(counter..)
        .map(|((field, value), n)| change(kind, id, field, value.clone(), n))
        .collect()
}

fn complaint_fields(customer: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("customer_id", json!(customer)),
        ("at", json!("2026-05-20T19:30:00+08:00")),
        ("category", json!("slow_service")),
        ("severity", json!("high")),
        ("step", json!("apologised")),
        ("promised_by", json!("2026-05-22")),
        ("resolved_at", json!("2026-05-21T10:00:00+08:00")),
        ("satisfaction", json!(4)),
    ]
}

fn suggestion_fields(customer: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("customer_id", json!(customer)),
        ("at", json!("2026-05-20T21:00:00+08:00")),
        ("text", json!("包间的空调太冷了")),
    ]
}

fn referral_fields(referrer: &str, referred: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("customer_id", json!(referrer)),
        ("referred_customer_id", json!(referred)),
        ("at", json!("2026-05-18T12:00:00+08:00")),
    ]
}

fn op_set(changes: &[Change]) -> BTreeSet<String> {
    changes.iter().map(|c| c.op.clone()).collect()
}

fn ids_in(changes: &[Change]) -> BTreeSet<String> {
    changes.iter().map(|c| c.id.clone()).collect()
}

fn rejected_ops(body: &Value) -> Vec<String> {
    body["rejected"]
        .as_array()
        .expect("rejected list")
        .iter()
        .map(|r| r["op"].as_str().expect("rejected op").to_owned())
        .collect()
}

fn rejected_codes(body: &Value) -> Vec<String> {
    body["rejected"]
        .as_array()
        .expect("rejected list")
        .iter()
        .map(|r| r["code"].as_str().expect("rejected code").to_owned())
        .collect()
}

/// Every change of the push was accepted, in order, and none refused.
fn assert_all_accepted(body: &Value, changes: &[Value]) {
    assert_eq!(body["accepted"], json!(ops(changes)), "{body}");
    assert_eq!(body["rejected"], json!([]), "{body}");
}

/// Every change of the push was refused with `code`, in order, and none accepted.
fn assert_all_refused(body: &Value, changes: &[Value], code: &str) {
    assert_eq!(body["accepted"], json!([]), "{body}");
    assert_eq!(rejected_ops(body), ops(changes), "{body}");
    assert_eq!(rejected_codes(body), vec![code; changes.len()], "{body}");
}

/// `state` holds record `(kind, id)` with exactly these field values.
fn assert_holds(state: &State, kind: &str, id: &str, fields: &[(&str, Value)]) {
    for (field, value) in fields {
        assert_eq!(
            state.value(kind, id, field),
            Some(value),
            "{kind} {id} field {field}"
        );
    }
}

/// The server's own state has no record `(kind, id)` in `session`'s organisation.
async fn assert_not_stored(app: &TestApp, session: &Session, kind: &str, id: &str) {
    let stored = app
        .server
        .store
        .record(&session.org_id, kind, id)
        .await
        .expect("store");
    assert!(stored.is_none(), "{kind} {id} is in the state: {stored:?}");
}

#[tokio::test]
async fn a_salesperson_files_complaints_suggestions_and_referrals_on_their_own_customer() {
    let Team {
        app,
        sales1,
        sales2,
        manager,
    } = team().await;
    let customer = customer_of(&app, &sales1, "王小明").await;
    let friend = customer_of(&app, &sales1, "李娜").await;

    let (complaint, suggestion, referral) = (new_id(), new_id(), new_id());
    let records = [
        ("complaint", &complaint, complaint_fields(&customer)),
        ("suggestion", &suggestion, suggestion_fields(&customer)),
        ("referral", &referral, referral_fields(&customer, &friend)),
    ];
    let mut changes = Vec::new();
    for (kind, id, fields) in &records {
        let counter = 10 + 10 * u32::try_from(changes.len()).expect("few changes");
        changes.extend(record(kind, id, fields, counter));
    }
    let body = app.push(&sales1, &changes).await;
    assert_all_accepted(&body, &changes);

    let pushed: BTreeSet<String> = ops(&changes).into_iter().collect();
    for (who, session) in [("sales1", &sales1), ("manager", &manager)] {
        let pulled = app.pull_all(session).await;
        assert!(
            op_set(&pulled).is_superset(&pushed),
            "{who}'s pull lacks some of the records' changes"
        );
        let state = State::fold(&pulled);
        for (kind, id, fields) in &records {
            assert_holds(&state, kind, id, fields);
        }
    }
    // Not shared: the other salesperson receives none of it.
    let theirs = app.pull_all(&sales2).await;
    assert!(op_set(&theirs).is_disjoint(&pushed), "sales2 got some");
    assert!(
        ids_in(&theirs).is_disjoint(&[complaint, suggestion, referral].into_iter().collect()),
        "sales2 got some"
    );
}

#[tokio::test]
async fn a_salesperson_may_not_file_on_a_colleagues_customer_until_it_is_shared() {
    let Team {
        app,
        sales1,
        sales2,
        manager,
    } = team().await;
    let mine = customer_of(&app, &sales1, "王小明").await;
    let theirs = customer_of(&app, &sales2, "李娜").await;
    let (_, cursor2, _) = app.pull_from(&sales2, "").await;

    let (complaint, suggestion) = (new_id(), new_id());
    let mut intrusion = record("complaint", &complaint, &complaint_fields(&theirs), 10);
    // The suggestion names its customer last: the push's own customer_id still decides.
    let mut fields = suggestion_fields(&theirs);
    fields.rotate_left(1);
    intrusion.extend(record("suggestion", &suggestion, &fields, 30));
    let body = app.push(&sales1, &intrusion).await;
    assert_all_refused(&body, &intrusion, "forbidden");
    let first = &body["rejected"][0]["message"];
    assert_eq!(
        first,
        &json!(format!("customer {theirs} is not yours")),
        "{body}"
    );

    // Nowhere: not in the server's state, nor in anyone's pull.
    for (kind, id) in [("complaint", &complaint), ("suggestion", &suggestion)] {
        assert_not_stored(&app, &sales1, kind, id).await;
    }
    let refused: BTreeSet<String> = ops(&intrusion).into_iter().collect();
    let (received, cursor2, _) = app.pull_from(&sales2, &cursor2).await;
    assert!(received.is_empty(), "sales2 received {received:?}");
    for session in [&sales1, &sales2, &manager] {
        let pulled = app.pull_all(session).await;
        assert!(op_set(&pulled).is_disjoint(&refused));
        assert!(!ids_in(&pulled).contains(&complaint));
        assert!(!ids_in(&pulled).contains(&suggestion));
    }

    // Nor may sales1 move their own complaint onto sales2's customer.
    let own = new_id();
    let filed = record("complaint", &own, &complaint_fields(&mine), 40);
    assert_all_accepted(&app.push(&sales1, &filed).await, &filed);
    let moving = [change("complaint", &own, "customer_id", json!(theirs), 60)];
    assert_all_refused(&app.push(&sales1, &moving).await, &moving, "forbidden");
    let state = State::fold(&app.pull_all(&manager).await);
    assert_eq!(
        state.value("complaint", &own, "customer_id"),
        Some(&json!(mine))
    );
    let (received, cursor2, _) = app.pull_from(&sales2, &cursor2).await;
    assert!(received.is_empty(), "sales2 received {received:?}");

    // Once sales2 shares the customer, the same complaint is accepted and reaches sales2.
    let share = [change("customer", &theirs, "shared", json!(true), 70)];
    assert_all_accepted(&app.push(&sales2, &share).await, &share);
    let again = record("complaint", &new_id(), &complaint_fields(&theirs), 80);
    assert_all_accepted(&app.push(&sales1, &again).await, &again);
    let (received, _, _) = app.pull_from(&sales2, &cursor2).await;
    let received = op_set(&received);
    for op in ops(&again) {
        assert!(received.contains(&op), "sales2 lacks {op}");
    }
}

#[tokio::test]
async fn a_referral_is_written_by_whoever_may_write_its_referrer() {
    let Team {
        app,
        sales1,
        sales2,
        manager,
    } = team().await;
    let referrer = customer_of(&app, &sales1, "王小明").await;
    let referred = customer_of(&app, &sales1, "李娜").await;
    let colleagues = customer_of(&app, &sales2, "张伟").await;

    let ours = new_id();
    let fields = referral_fields(&referrer, &referred);
    let changes = record("referral", &ours, &fields, 10);
    assert_all_accepted(&app.push(&sales1, &changes).await, &changes);
    assert_holds(
        &State::fold(&app.pull_all(&sales1).await),
        "referral",
        &ours,
        &fields,
    );

    // The referrer is sales2's customer: refused, though the referred customer is sales1's.
    let foreign = new_id();
    let changes = record(
        "referral",
        &foreign,
        &referral_fields(&colleagues, &referred),
        20,
    );
    let body = app.push(&sales1, &changes).await;
    assert_all_refused(&body, &changes, "forbidden");
    assert_not_stored(&app, &sales1, "referral", &foreign).await;
    for session in [&sales1, &sales2, &manager] {
        assert!(!ids_in(&app.pull_all(session).await).contains(&foreign));
    }
}

#[tokio::test]
async fn standard_answers_and_org_days_are_written_by_managers_and_read_by_everyone() {
    let Team {
        app,
        sales1,
        sales2,
        manager,
    } = team().await;
    let admin = app.user("acme", "admin", Role::Admin).await;
    let answer_fields = [
        ("category", json!("slow_service")),
        ("language", json!("zh")),
        (
            "text",
            json!("非常抱歉让您久等了，下次光临我们为您优先安排。"),
        ),
    ];
    let day_fields = [
        ("name", json!("店庆")),
        ("date", json!("09-18")),
        ("calendar", json!("solar")),
    ];

    // A salesperson may write neither.
    let (answer, day) = (new_id(), new_id());
    let mut changes = record("answer", &answer, &answer_fields, 0);
    changes.extend(record("org_day", &day, &day_fields, 10));
    let body = app.push(&sales1, &changes).await;
    assert_all_refused(&body, &changes, "forbidden");
    assert_eq!(
        body["rejected"][0]["message"],
        json!("only managers may write answer records"),
        "{body}"
    );
    assert_eq!(
        body["rejected"][3]["message"],
        json!("only managers may write org_day records"),
        "{body}"
    );
    assert_not_stored(&app, &sales1, "answer", &answer).await;
    assert_not_stored(&app, &sales1, "org_day", &day).await;
    for session in [&sales1, &sales2, &manager] {
        let ids = ids_in(&app.pull_all(session).await);
        assert!(!ids.contains(&answer) && !ids.contains(&day));
    }

    // A manager's (and an admin's) are accepted and reach every salesperson.
    let answer_changes = record("answer", &answer, &answer_fields, 20);
    assert_all_accepted(&app.push(&manager, &answer_changes).await, &answer_changes);
    let day_changes = record("org_day", &day, &day_fields, 30);
    assert_all_accepted(&app.push(&admin, &day_changes).await, &day_changes);
    let written: BTreeSet<String> = ops(&answer_changes)
        .into_iter()
        .chain(ops(&day_changes))
        .collect();
    for session in [&sales1, &sales2, &manager] {
        let pulled = app.pull_all(session).await;
        assert!(op_set(&pulled).is_superset(&written));
        let state = State::fold(&pulled);
        assert_holds(&state, "answer", &answer, &answer_fields);
        assert_holds(&state, "org_day", &day, &day_fields);
    }
    let answers = app
        .server
        .store
        .org_records(&sales1.org_id, "answer")
        .await
        .expect("store");
    assert_eq!(answers.keys().collect::<Vec<_>>(), vec![&answer]);

    // Nor may a salesperson change the manager's answer, or delete the day.
    let edits = [
        change("answer", &answer, "text", json!("改了"), 40),
        change("org_day", &day, "deleted", json!(true), 41),
    ];
    assert_all_refused(&app.push(&sales2, &edits).await, &edits, "forbidden");
    let state = State::fold(&app.pull_all(&sales1).await);
    assert_holds(&state, "answer", &answer, &answer_fields);
    assert_eq!(state.value("org_day", &day, "deleted"), None);
}

#[tokio::test]
async fn a_complaints_satisfaction_is_an_integer_from_1_to_5() {
    let Team { app, sales1, .. } = team().await;
    let customer = customer_of(&app, &sales1, "王小明").await;
    let complaint = new_id();
    let valid = record(
        "complaint",
        &complaint,
        &[("customer_id", json!(customer)), ("satisfaction", json!(5))],
        10,
    );
    let invalid: Vec<Value> = [json!(0), json!(6), json!(4.5), json!("3")]
        .into_iter()
        .zip(20..)
        .map(|(value, n)| change("complaint", &complaint, "satisfaction", value, n))
        .collect();
    let mut changes = valid.clone();
    changes.extend(invalid.iter().cloned());
    let body = app.push(&sales1, &changes).await;

    assert_eq!(body["accepted"], json!(ops(&valid)), "{body}");
    assert_eq!(rejected_ops(&body), ops(&invalid), "{body}");
    assert_eq!(rejected_codes(&body), ["invalid"; 4], "{body}");
    for rejection in body["rejected"].as_array().expect("rejected") {
        assert_eq!(
            rejection["message"],
            json!("complaint.satisfaction: must be an integer from 1 to 5"),
            "{body}"
        );
    }
    // The later (refused) values did not replace the accepted one.
    let state = State::fold(&app.pull_all(&sales1).await);
    assert_eq!(
        state.value("complaint", &complaint, "satisfaction"),
        Some(&json!(5))
    );

    // The bounds themselves are fine.
    let lowest = [change(
        "complaint",
        &complaint,
        "satisfaction",
        json!(1),
        30,
    )];
    assert_all_accepted(&app.push(&sales1, &lowest).await, &lowest);
}

#[tokio::test]
async fn another_organisation_never_sees_service_records_answers_or_days() {
    let Team {
        app,
        sales1,
        manager,
        ..
    } = team().await;
    let other_manager = app.user("other", "manager", Role::Manager).await;
    let other_sales = app.user("other", "sales1", Role::Salesperson).await;

    let customer = customer_of(&app, &sales1, "王小明").await;
    let friend = customer_of(&app, &sales1, "李娜").await;
    let (complaint, suggestion, referral, answer, day) =
        (new_id(), new_id(), new_id(), new_id(), new_id());
    let mut filed = record("complaint", &complaint, &complaint_fields(&customer), 10);
    filed.extend(record(
        "suggestion",
        &suggestion,
        &suggestion_fields(&customer),
        20,
    ));
    filed.extend(record(
        "referral",
        &referral,
        &referral_fields(&customer, &friend),
        30,
    ));
    assert_all_accepted(&app.push(&sales1, &filed).await, &filed);
    let answer_text = json!("非常抱歉，我们会改进。");
    let mut managed = record(
        "answer",
        &answer,
        &[
            ("category", json!("slow_service")),
            ("language", json!("zh")),
            ("text", answer_text.clone()),
        ],
        40,
    );
    managed.extend(record(
        "org_day",
        &day,
        &[
            ("name", json!("店庆")),
            ("date", json!("09-18")),
            ("calendar", json!("solar")),
        ],
        50,
    ));
    assert_all_accepted(&app.push(&manager, &managed).await, &managed);

    for session in [&other_manager, &other_sales] {
        let pulled = app.pull_all(session).await;
        assert!(pulled.is_empty(), "the other organisation got {pulled:?}");
    }
    for kind in ["answer", "org_day"] {
        let theirs = app
            .server
            .store
            .org_records(&other_manager.org_id, kind)
            .await
            .expect("store");
        assert!(theirs.is_empty(), "{kind}: {theirs:?}");
    }
    for (kind, id) in [
        ("complaint", &complaint),
        ("suggestion", &suggestion),
        ("referral", &referral),
        ("answer", &answer),
        ("org_day", &day),
    ] {
        assert_not_stored(&app, &other_manager, kind, id).await;
    }

    // Writing the same ids from the other organisation touches only its own records.
    let overwrite = [
        change("answer", &answer, "text", json!("别家的答复"), 60),
        change("complaint", &complaint, "customer_id", json!(customer), 61),
        change("complaint", &complaint, "satisfaction", json!(1), 62),
    ];
    assert_all_accepted(&app.push(&other_manager, &overwrite).await, &overwrite);
    let acme = State::fold(&app.pull_all(&sales1).await);
    assert_eq!(acme.value("answer", &answer, "text"), Some(&answer_text));
    assert_eq!(
        acme.value("complaint", &complaint, "satisfaction"),
        Some(&json!(4))
    );
    let overwritten: BTreeSet<String> = ops(&overwrite).into_iter().collect();
    for session in [&sales1, &manager] {
        assert!(op_set(&app.pull_all(session).await).is_disjoint(&overwritten));
    }
}
