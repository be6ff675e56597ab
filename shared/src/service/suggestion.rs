//! Suggestions (建议): a customer's idea, logged per customer. They count in tiering
//! (suggestions per month); an adopted one earns thanks, and may carry a reward.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::{Change, Record};
//! use huitou_shared::service::suggestion::adopted_on;
//! let mut idea = Record::default();
//! idea.apply(&Change::new("suggestion", "s", "at", "2026-03-01T12:00:00+08:00".into(), "001764072000001:00000:deviceAA"));
//! assert_eq!(adopted_on(&idea), None);
//! idea.apply(&Change::new("suggestion", "s", "adopted", true.into(), "001764072000002:00000:deviceAA"));
//! assert_eq!(adopted_on(&idea), NaiveDate::from_ymd_opt(2026, 3, 1));
//! idea.apply(&Change::new("suggestion", "s", "adopted_at", "2026-03-04T09:00:00+08:00".into(), "001764072000003:00000:deviceAA"));
//! assert_eq!(adopted_on(&idea), NaiveDate::from_ymd_opt(2026, 3, 4));
//! ```

use crate::merge::Record;
use crate::retention::day_of;
use chrono::NaiveDate;
use serde_json::Value;

/// What a suggestion is about.
pub const AREAS: [&str; 5] = ["dishes", "service", "environment", "price", "other"];

/// The day an adopted suggestion was adopted (`adopted_at`, else the day it was made); `None`
/// while not adopted or in the trash.
pub fn adopted_on(suggestion: &Record) -> Option<NaiveDate> {
    let adopted = suggestion.value("adopted").and_then(Value::as_bool) == Some(true);
    (adopted && !suggestion.is_deleted())
        .then(|| day_of(suggestion, "adopted_at").or_else(|| day_of(suggestion, "at")))
        .flatten()
}
