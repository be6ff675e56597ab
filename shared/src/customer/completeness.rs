//! Profile completeness (PRODUCT §2): how much of the hard (20%) and soft (80%) data is filled.
//!
//! Seed 001 weighs the soft data — family, tastes, habits — at four times the hard data, so the
//! 15 hard fields share 20 points and the 13 soft ones share 80. A field counts as filled when it
//! holds a number, a bool, or a non-empty string, array or object; `family` counts as filled
//! when the customer has at least one family-member record.
//!
//! ```
//! use huitou_shared::{Change, Record};
//! use huitou_shared::customer::completeness::score;
//! let mut record = Record::default();
//! record.apply(&Change::new("customer", "c1", "name", "王小明".into(), "001764072000001:00000:deviceAA"));
//! record.apply(&Change::new("customer", "c1", "hobbies", "钓鱼".into(), "001764072000002:00000:deviceAA"));
//! let completeness = score(&record, 1);
//! // 20/15 for the name, 80/13 for each of hobbies and family.
//! assert_eq!(completeness.percent, 13);
//! assert!(!completeness.missing_hard.contains(&"name"));
//! assert!(!completeness.missing_soft.contains(&"family"));
//! ```

use crate::Record;
use serde_json::Value;

/// Hard data (硬件档案), in the order a form shows them.
pub const HARD_FIELDS: [&str; 15] = [
    "name",
    "gender",
    "phone",
    "wechat",
    "email",
    "address",
    "company",
    "industry",
    "position",
    "birthday",
    "marital_status",
    "ethnicity",
    "age_range",
    "sizes",
    "source",
];

/// Soft data (软件档案); `family` is filled by family-member records, not by a field.
pub const SOFT_FIELDS: [&str; 13] = [
    "work",
    "family",
    "hometown",
    "personality",
    "hobbies",
    "habits",
    "favourites",
    "dislikes",
    "allergies",
    "seating",
    "service_style",
    "values",
    "notes",
];

/// Points of a complete profile given to hard data; the rest goes to soft data.
pub const HARD_SHARE: f64 = 20.0;
pub const SOFT_SHARE: f64 = 80.0;

/// How complete a profile is and what to ask the customer next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completeness {
    /// 0..=100, rounded down so that 100 means everything is there.
    pub percent: u8,
    pub missing_hard: Vec<&'static str>,
    pub missing_soft: Vec<&'static str>,
}

/// True for a value that says something: a number, a bool, or a non-empty string, array or object.
pub fn is_filled(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(_) | Value::Number(_)) => true,
        Some(Value::String(text)) => !text.trim().is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(members)) => !members.is_empty(),
    }
}

/// Scores a customer record; `family_count` is the number of its family-member records.
pub fn score(record: &Record, family_count: usize) -> Completeness {
    let filled = |field: &str| match field {
        "family" => family_count > 0 || is_filled(record.value(field)),
        _ => is_filled(record.value(field)),
    };
    let missing_hard: Vec<&'static str> = HARD_FIELDS
        .iter()
        .copied()
        .filter(|field| !filled(field))
        .collect();
    let missing_soft: Vec<&'static str> = SOFT_FIELDS
        .iter()
        .copied()
        .filter(|field| !filled(field))
        .collect();
    let share = |total: usize, missing: usize, points: f64| {
        // Field counts are tiny, so the casts are exact.
        (total - missing) as f64 * points / total as f64
    };
    let points = share(HARD_FIELDS.len(), missing_hard.len(), HARD_SHARE)
        + share(SOFT_FIELDS.len(), missing_soft.len(), SOFT_SHARE);
    // A small epsilon keeps 100.0 computed as 99.999… from showing as 99.
    let percent = (points + 1e-9).floor().clamp(0.0, 100.0) as u8;
    Completeness {
        percent,
        missing_hard,
        missing_soft,
    }
}
