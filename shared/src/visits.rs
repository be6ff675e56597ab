//! Per-customer visit figures (PRODUCT §2–§3): count, spend, average ticket, last visit, favourite items.

use crate::merge::Record;
use serde_json::Value;
use std::collections::HashMap;

/// What a customer's visits add up to. Deleted visits do not count.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    pub visit_count: usize,
    pub total_spend: f64,
    /// Total spend divided by visits; 0 without visits.
    pub average_ticket: f64,
    /// The `at` of the latest visit (RFC 3339 text).
    pub last_visit: Option<String>,
    /// Items by how often they were ordered, most frequent first (ties by name).
    pub favourite_items: Vec<(String, usize)>,
}

/// Orders RFC 3339 texts by the instant they name, whatever their offsets.
fn instant(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(text).ok()
}

/// Adds up visit records.
///
/// ```
/// use huitou_shared::{Change, Record};
/// use huitou_shared::visits::totals;
/// let mut a = Record::default();
/// a.apply(&Change::new("visit", "a", "amount", 2600.into(), "001764072000001:00000:deviceAA"));
/// a.apply(&Change::new("visit", "a", "items", serde_json::json!(["鲈鱼", "东坡肉"]), "001764072000002:00000:deviceAA"));
/// a.apply(&Change::new("visit", "a", "at", "2026-11-01T19:00:00+08:00".into(), "001764072000003:00000:deviceAA"));
/// let mut b = Record::default();
/// b.apply(&Change::new("visit", "b", "amount", 400.into(), "001764072000004:00000:deviceAA"));
/// b.apply(&Change::new("visit", "b", "items", serde_json::json!(["鲈鱼"]), "001764072000005:00000:deviceAA"));
/// b.apply(&Change::new("visit", "b", "at", "2026-11-20T12:00:00+08:00".into(), "001764072000006:00000:deviceAA"));
/// let t = totals([&a, &b]);
/// assert_eq!((t.visit_count, t.total_spend, t.average_ticket), (2, 3000.0, 1500.0));
/// assert_eq!(t.last_visit.as_deref(), Some("2026-11-20T12:00:00+08:00"));
/// assert_eq!(t.favourite_items[0], ("鲈鱼".to_owned(), 2));
/// ```
pub fn totals<'a>(visits: impl IntoIterator<Item = &'a Record>) -> Totals {
    let mut totals = Totals::default();
    let mut items: HashMap<&str, usize> = HashMap::new();
    for visit in visits.into_iter().filter(|v| !v.is_deleted()) {
        totals.visit_count += 1;
        totals.total_spend += visit.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
        if let Some(at) = visit.text("at")
            && totals
                .last_visit
                .as_deref()
                .is_none_or(|last| instant(at) > instant(last))
        {
            totals.last_visit = Some(at.to_owned());
        }
        for item in visit
            .value("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            *items.entry(item).or_default() += 1;
        }
    }
    if totals.visit_count > 0 {
        totals.average_ticket = totals.total_spend / totals.visit_count as f64;
    }
    let mut favourites: Vec<(String, usize)> = items
        .into_iter()
        .map(|(item, n)| (item.to_owned(), n))
        .collect();
    favourites.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    totals.favourite_items = favourites;
    totals
}
