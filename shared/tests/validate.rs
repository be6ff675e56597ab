//! Validation rules of SYNC §6, one case per rule.

use huitou_shared::validate::parse_change;
use serde_json::{Value, json};

fn change(kind: &str, field: &str, value: Value) -> Value {
    json!({"op": "0193a3c2-0000-7000-8000-000000000001", "kind": kind,
           "id": "0193a3c1-0000-7000-8000-000000000002", "field": field, "value": value,
           "hlc": "001764072000123:00000:5f0c2a9e", "author": "ignored"})
}

fn message(raw: Value) -> String {
    parse_change(&raw).expect_err("should be invalid").message
}

#[test]
fn accepts_the_core_fields() {
    for (kind, field, value) in [
        ("customer", "name", json!("王小明")),
        ("customer", "phone", json!("13800138000")),
        ("customer", "gender", json!("female")),
        (
            "customer",
            "birthday",
            json!({"calendar": "lunar", "year": null, "month": 4, "day": 30, "leap": true}),
        ),
        ("customer", "tag:重点客户", json!(true)),
        ("customer", "created_at", json!("2026-11-25T10:00:00+08:00")),
        (
            "visit",
            "customer_id",
            json!("0193a3c1-0000-7000-8000-000000000009"),
        ),
        ("visit", "amount", json!(2600)),
        ("visit", "party_size", json!(6)),
        ("visit", "items", json!(["清蒸鲈鱼", "东坡肉"])),
        ("visit", "satisfaction", json!(5)),
        ("visit", "deleted", json!(false)),
        ("visit", "table", json!("A3")),
        ("task", "due", json!("2026-12-01")),
        (
            "customer",
            "anniversary:wedding",
            json!({"calendar": "solar", "year": 2016, "month": 5, "day": 20, "leap": false}),
        ),
        (
            "customer",
            "anniversary:founding",
            json!({"calendar": "lunar", "year": null, "month": 8, "day": 15, "leap": false}),
        ),
        ("org_day", "name", json!("店庆")),
        ("org_day", "date", json!("09-18")),
        ("org_day", "date", json!("2026-09-18")),
        ("org_day", "calendar", json!("lunar")),
        ("unknown_kind", "anything", json!({"x": 1})),
        ("customer", "phone", Value::Null),
    ] {
        assert!(
            parse_change(&change(kind, field, value.clone())).is_ok(),
            "{kind}.{field} = {value}"
        );
    }
}

#[test]
fn names_the_field_and_why() {
    assert!(message(change("visit", "amount", json!(-5))).contains("visit.amount"));
    assert!(message(change("visit", "party_size", json!(2.5))).contains("visit.party_size"));
    assert!(message(change("customer", "phone", json!("1".repeat(33)))).contains("customer.phone"));
    assert!(
        message(change("visit", "customer_id", json!("not-a-uuid"))).contains("visit.customer_id")
    );
    assert!(message(change("visit", "customer_id", Value::Null)).contains("customer_id"));
    assert!(message(change("customer", "gender", json!("x"))).contains("customer.gender"));
    assert!(message(change("visit", "occasion", json!("party"))).contains("visit.occasion"));
    assert!(
        message(change(
            "customer",
            "birthday",
            json!({"calendar": "solar", "year": 2023, "month": 2, "day": 30})
        ))
        .contains("birthday")
    );
    assert!(message(change("customer", "tag:vip", json!("yes"))).contains("tag:vip"));
    for bad in [
        json!({"calendar": "solar", "year": 2023, "month": 2, "day": 29}),
        json!({"calendar": "chinese", "month": 1, "day": 1}),
        json!("2016-05-20"),
    ] {
        assert!(
            message(change("customer", "anniversary:wedding", bad.clone()))
                .contains("customer.anniversary:wedding"),
            "{bad}"
        );
    }
    for bad in [
        json!("9-18"),
        json!("13-01"),
        json!("2026/09/18"),
        json!(918),
    ] {
        assert!(
            message(change("org_day", "date", bad.clone())).contains("org_day.date"),
            "{bad}"
        );
    }
    assert!(message(change("org_day", "calendar", json!("moon"))).contains("org_day.calendar"));
}

#[test]
fn checks_names_ids_and_clock() {
    assert!(message(change("Customer", "name", json!("x"))).contains("kind"));
    assert!(message(change("customer", "Name", json!("x"))).contains("field"));
    assert!(
        message(change(
            "customer",
            &format!("tag:{}", "x".repeat(65)),
            json!(true)
        ))
        .contains("field")
    );
    let mut raw = change("customer", "name", json!("x"));
    raw["id"] = json!("0193A3C1-0000-7000-8000-000000000002");
    assert!(message(raw).contains("id"));
    let mut raw = change("customer", "name", json!("x"));
    raw["hlc"] = json!("1764072000123:0:dev");
    assert!(message(raw).contains("hlc"));
    let mut raw = change("customer", "name", json!("x"));
    raw.as_object_mut().unwrap().remove("value");
    assert!(message(raw).contains("malformed"));
}

#[test]
fn limits_value_size() {
    let big = "x".repeat(70 * 1024);
    assert!(message(change("customer", "notes", json!(big))).contains("bytes"));
}

#[test]
fn keeps_the_op_of_a_malformed_change() {
    let raw = json!({"op": "0193a3c2-0000-7000-8000-000000000001", "kind": 5});
    assert_eq!(
        parse_change(&raw).unwrap_err().op,
        "0193a3c2-0000-7000-8000-000000000001"
    );
}
