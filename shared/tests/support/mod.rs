//! Builders of synced records for the retention tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use huitou_shared::{Change, Record};
use serde_json::Value;

pub fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
}

/// A record with these fields, each written once.
pub fn record(kind: &str, fields: &[(&str, Value)]) -> Record {
    let mut record = Record::default();
    for (n, (field, value)) in fields.iter().enumerate() {
        let hlc = format!("{:015}:00000:deviceAA", 1_764_072_000_000u64 + n as u64);
        record.apply(&Change::new(kind, "x", field, value.clone(), &hlc));
    }
    record
}

/// Noon of `date` in China, as RFC 3339.
pub fn noon(date: NaiveDate) -> String {
    format!("{date}T12:00:00+08:00")
}

pub fn visit(date: NaiveDate, amount: f64) -> Record {
    record(
        "visit",
        &[("at", noon(date).into()), ("amount", amount.into())],
    )
}

/// A referral or suggestion on `date`.
pub fn event(kind: &str, date: NaiveDate) -> Record {
    record(kind, &[("at", noon(date).into())])
}

pub fn customer_since(date: NaiveDate) -> Record {
    record("customer", &[("created_at", noon(date).into())])
}

/// `count` records made by `make`, one per day going back from `last`.
pub fn daily(count: usize, last: NaiveDate, make: impl Fn(NaiveDate) -> Record) -> Vec<Record> {
    (0..count)
        .map(|n| make(last - chrono::Days::new(n as u64 % 90)))
        .collect()
}

pub fn refs(records: &[Record]) -> Vec<&Record> {
    records.iter().collect()
}
