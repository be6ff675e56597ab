//! Lifetime value (PRODUCT §9): seed 002's worked example, to the yuan.

mod support;

use huitou_shared::Change;
use huitou_shared::retention::lifetime_spend;
use support::*;

/// One visit a month from January 2025, spending each amount in turn.
fn monthly(amounts: &[u32]) -> Vec<huitou_shared::Record> {
    amounts
        .iter()
        .enumerate()
        .map(|(n, amount)| {
            let month = u32::try_from(n % 12).unwrap() + 1;
            let year = 2025 + i32::try_from(n / 12).unwrap();
            visit(day(year, month, 15), f64::from(*amount))
        })
        .collect()
}

#[test]
fn seed_002_customer_a_twelve_months_is_285000() {
    let visits = monthly(&[
        10000, 12000, 15000, 17000, 20000, 22000, 25000, 27000, 30000, 32000, 35000, 40000,
    ]);
    assert_eq!(lifetime_spend(&visits), 285_000.0);
}

#[test]
fn seed_002_customer_b_three_months_is_53000() {
    assert_eq!(lifetime_spend(&monthly(&[15000, 18000, 20000])), 53_000.0);
}

#[test]
fn visits_in_the_trash_and_missing_amounts_add_nothing() {
    let mut visits = monthly(&[15000, 18000, 20000]);
    visits[1].apply(&Change::new(
        "visit",
        "x",
        "deleted",
        true.into(),
        "001764072000099:00000:deviceAA",
    ));
    visits.push(record("visit", &[("at", noon(day(2025, 6, 1)).into())]));
    assert_eq!(lifetime_spend(&visits), 35_000.0);
    assert_eq!(lifetime_spend(&[]), 0.0);
}
