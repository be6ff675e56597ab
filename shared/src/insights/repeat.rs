//! The repeat rate (回头率): of the customers whose first visit fell in the period, the share who
//! came back within the window.
//!
//! - A **first-timer** of the period is a customer whose earliest visit is in `from..=to`.
//! - They **returned** when another visit falls on a later day, at most `window_days` after the
//!   first (a second visit the same day is the same outing, not a return).
//! - They are **waiting** when they have not returned yet and their window is still open on
//!   `today`: they are shown apart and left out of the rate, so a period that has just ended does
//!   not look worse than it is.
//! - The rate is `returned / (first-timers − waiting)`.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::{Change, Record};
//! use huitou_shared::insights::{Book, Query, repeat};
//! let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
//! let mut records = Vec::new();
//! for i in 0..10 {
//!     let mut c = Record::default();
//!     c.apply(&Change::new("customer", &format!("c{i}"), "name", "客".into(), "001764072000000:00000:deviceAA"));
//!     records.push(("customer", format!("c{i}"), c));
//!     // Ten first visits in March, four of them back within 30 days.
//!     let days: &[u32] = if i < 4 { &[3, 20] } else { &[3] };
//!     for (n, day) in days.iter().enumerate() {
//!         let mut v = Record::default();
//!         let hlc = "001764072000001:00000:deviceAA";
//!         v.apply(&Change::new("visit", "v", "customer_id", format!("c{i}").into(), hlc));
//!         v.apply(&Change::new("visit", "v", "at", format!("2026-03-{day:02}T19:00:00+08:00").into(), hlc));
//!         records.push(("visit", format!("v{i}-{n}"), v));
//!     }
//! }
//! let book = Book::new(records.iter().map(|(k, id, r)| (*k, id.as_str(), r)), 480);
//! let query = Query { from: d(3, 1), to: d(3, 31), owner: None, team: None, window_days: 30 };
//! let report = repeat::report(&book, &query, d(6, 1));
//! assert_eq!((report.current.first_timers, report.current.returned), (10, 4));
//! assert_eq!(report.current.share.rate, Some(0.4));
//! ```

use super::{Book, Entry, Query, Share, month_key};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One first-time customer of the period and how they came back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirstTimer {
    pub customer_id: String,
    pub name: String,
    pub owner: String,
    pub first_visit: NaiveDate,
    /// The day they came back, within the window.
    pub returned_on: Option<NaiveDate>,
    /// Not back yet, and the window is still open.
    pub waiting: bool,
    /// The customer's `source` (walk-in, referral, …), "" when not recorded.
    pub source: String,
    /// The first visit's occasion, "" when not recorded.
    pub occasion: String,
}

/// How a group of first-timers came back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Repeat {
    pub first_timers: usize,
    pub returned: usize,
    pub waiting: usize,
    /// `returned` of the first-timers whose window has closed or who returned.
    pub share: Share,
}

impl Repeat {
    fn of<'a>(timers: impl IntoIterator<Item = &'a FirstTimer>) -> Repeat {
        let mut repeat = Repeat::default();
        for timer in timers {
            repeat.first_timers += 1;
            repeat.returned += usize::from(timer.returned_on.is_some());
            repeat.waiting += usize::from(timer.waiting);
        }
        repeat.share = Share::new(repeat.returned, repeat.first_timers - repeat.waiting);
        repeat
    }
}

/// A group of the breakdowns: a month (`2026-03`), an owner's id, a source or an occasion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub key: String,
    pub repeat: Repeat,
}

/// The report: the period, the period before it, and the breakdowns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepeatRate {
    pub window_days: u32,
    pub current: Repeat,
    pub previous: Repeat,
    pub by_month: Vec<Group>,
    pub by_owner: Vec<Group>,
    pub by_source: Vec<Group>,
    pub by_occasion: Vec<Group>,
    /// The period's first-timers, first visit first.
    pub customers: Vec<FirstTimer>,
}

/// How `entry` came back after its first visit, when that first visit is in the period.
pub fn first_timer(entry: &Entry<'_>, query: &Query, today: NaiveDate) -> Option<FirstTimer> {
    let first = entry.visits.first()?;
    if !query.contains(first.day) || first.day > today {
        return None;
    }
    let window_end = first.day + chrono::Days::new(u64::from(query.window_days));
    let returned_on = entry
        .visits
        .iter()
        .map(|v| v.day)
        .find(|&day| day > first.day && day <= window_end && day <= today);
    Some(FirstTimer {
        customer_id: entry.id.to_owned(),
        name: entry.name().to_owned(),
        owner: entry.owner.to_owned(),
        first_visit: first.day,
        returned_on,
        waiting: returned_on.is_none() && today < window_end,
        source: entry.customer.text("source").unwrap_or_default().to_owned(),
        occasion: first.occasion.unwrap_or_default().to_owned(),
    })
}

/// The period's first-timers, first visit first (ties by id).
pub fn first_timers(book: &Book<'_>, query: &Query, today: NaiveDate) -> Vec<FirstTimer> {
    let mut timers: Vec<FirstTimer> = book
        .population(query)
        .filter_map(|entry| first_timer(entry, query, today))
        .collect();
    timers.sort_by(|a, b| {
        a.first_visit
            .cmp(&b.first_visit)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    timers
}

fn groups(timers: &[FirstTimer], key: impl Fn(&FirstTimer) -> &str) -> Vec<Group> {
    let mut by: BTreeMap<&str, Vec<&FirstTimer>> = BTreeMap::new();
    for timer in timers {
        by.entry(key(timer)).or_default().push(timer);
    }
    by.into_iter()
        .map(|(key, timers)| Group {
            key: key.to_owned(),
            repeat: Repeat::of(timers),
        })
        .collect()
}

/// The repeat-rate report as of `today`.
pub fn report(book: &Book<'_>, query: &Query, today: NaiveDate) -> RepeatRate {
    let customers = first_timers(book, query, today);
    let previous = Repeat::of(&first_timers(book, &query.previous(), today));
    let months: Vec<(String, &FirstTimer)> = customers
        .iter()
        .map(|t| (month_key(t.first_visit), t))
        .collect();
    let mut by_month: BTreeMap<&str, Vec<&FirstTimer>> = BTreeMap::new();
    for (month, timer) in &months {
        by_month.entry(month).or_default().push(timer);
    }
    RepeatRate {
        window_days: query.window_days,
        current: Repeat::of(&customers),
        previous,
        by_month: by_month
            .into_iter()
            .map(|(key, timers)| Group {
                key: key.to_owned(),
                repeat: Repeat::of(timers),
            })
            .collect(),
        by_owner: groups(&customers, |t| &t.owner),
        by_source: groups(&customers, |t| &t.source),
        by_occasion: groups(&customers, |t| &t.occasion),
        customers,
    }
}
