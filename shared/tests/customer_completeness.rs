//! Profile completeness: hard fields share 20 points, soft fields 80.

use huitou_shared::customer::completeness::{HARD_FIELDS, SOFT_FIELDS, is_filled, score};
use huitou_shared::{Change, Record};
use proptest::prelude::*;
use serde_json::{Value, json};

fn record_with(fields: &[(&str, Value)]) -> Record {
    let mut record = Record::default();
    for (position, (field, value)) in fields.iter().enumerate() {
        let hlc = format!(
            "{:015}:00000:deviceAA",
            1_764_072_000_000u64 + position as u64
        );
        record.apply(&Change::new("customer", "c1", field, value.clone(), &hlc));
    }
    record
}

fn all_filled() -> Vec<(&'static str, Value)> {
    HARD_FIELDS
        .iter()
        .chain(SOFT_FIELDS.iter())
        .filter(|field| **field != "family")
        .map(|field| (*field, json!("x")))
        .collect()
}

#[test]
fn empty_profile_scores_zero_and_misses_everything() {
    let completeness = score(&Record::default(), 0);
    assert_eq!(completeness.percent, 0);
    assert_eq!(completeness.missing_hard, HARD_FIELDS.to_vec());
    assert_eq!(completeness.missing_soft, SOFT_FIELDS.to_vec());
}

#[test]
fn complete_profile_scores_one_hundred() {
    let completeness = score(&record_with(&all_filled()), 2);
    assert_eq!(completeness.percent, 100);
    assert!(completeness.missing_hard.is_empty());
    assert!(completeness.missing_soft.is_empty());
}

#[test]
fn all_hard_data_is_worth_twenty_and_all_soft_data_eighty() {
    let hard: Vec<_> = HARD_FIELDS.iter().map(|f| (*f, json!("x"))).collect();
    assert_eq!(score(&record_with(&hard), 0).percent, 20);
    let soft: Vec<_> = SOFT_FIELDS
        .iter()
        .filter(|f| **f != "family")
        .map(|f| (*f, json!("x")))
        .collect();
    assert_eq!(score(&record_with(&soft), 1).percent, 80);
    // Without family members the soft data is one field short: 80 × 12/13 = 73.8.
    assert_eq!(score(&record_with(&soft), 0).percent, 73);
}

#[test]
fn one_soft_field_outweighs_four_hard_ones() {
    let four_hard = record_with(&[
        ("name", json!("王小明")),
        ("phone", json!("13800138000")),
        ("gender", json!("male")),
        ("company", json!("回头餐饮")),
    ]);
    let one_soft = record_with(&[("hobbies", json!(["钓鱼"]))]);
    assert!(score(&one_soft, 0).percent > score(&four_hard, 0).percent);
}

#[test]
fn empty_values_do_not_count() {
    for empty in [json!(null), json!(""), json!("  "), json!([]), json!({})] {
        assert!(!is_filled(Some(&empty)), "{empty}");
    }
    for filled in [
        json!(0),
        json!(false),
        json!("a"),
        json!(["a"]),
        json!({"a": 1}),
    ] {
        assert!(is_filled(Some(&filled)), "{filled}");
    }
    let record = record_with(&[("name", json!("")), ("allergies", json!([]))]);
    let completeness = score(&record, 0);
    assert_eq!(completeness.percent, 0);
    assert!(completeness.missing_hard.contains(&"name"));
    assert!(completeness.missing_soft.contains(&"allergies"));
}

#[test]
fn birthday_and_sizes_count_as_objects() {
    let record = record_with(&[
        (
            "birthday",
            json!({"calendar": "lunar", "year": null, "month": 1, "day": 1, "leap": false}),
        ),
        ("sizes", json!({"shirt": "L"})),
    ]);
    let completeness = score(&record, 0);
    assert!(!completeness.missing_hard.contains(&"birthday"));
    assert!(!completeness.missing_hard.contains(&"sizes"));
    assert_eq!(completeness.percent, 2);
}

proptest! {
    #[test]
    fn filling_one_more_field_never_lowers_the_score(
        order in Just((0..HARD_FIELDS.len() + SOFT_FIELDS.len()).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let fields: Vec<&str> = HARD_FIELDS.iter().chain(SOFT_FIELDS.iter()).copied().collect();
        let mut filled: Vec<(&str, Value)> = Vec::new();
        let mut family_count = 0;
        let mut previous = score(&Record::default(), 0).percent;
        for index in order {
            let field = fields[index];
            if field == "family" {
                family_count = 1;
            } else {
                filled.push((field, json!("x")));
            }
            let current = score(&record_with(&filled), family_count);
            prop_assert!(current.percent >= previous);
            prop_assert!(current.percent <= 100);
            previous = current.percent;
        }
        prop_assert_eq!(previous, 100);
    }
}
