//! Manager insight (PRODUCT §9): the figures of the Insights screen and of
//! `GET /api/v1/reports/{report}`, computed here once so the screen and a BI tool never disagree.
//!
//! Every report reads a [`Book`] — the organisation's records grouped per customer, built once
//! from whatever holds them (the app's replica, the server's store) — and a [`Query`]: the period
//! `from..=to`, an optional owner and the return window in days. Like the rest of `shared`, each
//! report is a pure function of the records and the day it is computed for (`today`): records in
//! the trash never count, a visit counts on the calendar day written in its own offset, and the
//! order records arrived in does not matter.
//!
//! The reports:
//! - [`repeat`]: the repeat rate (回头率) of first-time customers, with the previous period;
//! - [`cohorts`]: returning share by first-visit month (the retention triangle);
//! - [`tiers`]: tier counts at month ends and who moved up or down;
//! - [`churn`]: dormant and lost customers, by tier and by month, and the win-back tasks;
//! - [`lifetime`]: cumulative spend per customer (终身价值) and a projection from its own cadence;
//! - [`pareto`]: the revenue share of the top 20 % and the curve;
//! - [`rfm`]: recency/frequency/monetary quintiles and segments, and the loyalty × contribution
//!   matrix of seeds 002/003 (interaction frequency × spend level);
//! - [`staff`]: per salesperson, follow-ups on time / late / missed, profile completeness,
//!   complaints, referrals and the repeat rate of their new customers.

pub mod churn;
pub mod cohorts;
pub mod lifetime;
pub mod pareto;
pub mod repeat;
pub mod rfm;
pub mod staff;
pub mod tiers;

use crate::merge::Record;
use crate::model::Kind;
use crate::retention::{History, TierFacts, day_of};
use chrono::{Datelike, NaiveDate};
use foldhash::HashMap;
use foldhash::HashMapExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The names of the reports, as the API spells them.
pub const REPORTS: [&str; 8] = [
    "repeat-rate",
    "cohorts",
    "tiers",
    "churn",
    "lifetime",
    "pareto",
    "rfm",
    "staff",
];

/// The kinds of records the reports read: what the app and the server hand to [`Book::new`].
pub const KINDS: [&str; 9] = [
    Kind::CUSTOMER,
    // Users: their store or team (`team`), for the team filter.
    "user",
    Kind::VISIT,
    Kind::CONTACT,
    Kind::TASK,
    Kind::COMPLAINT,
    Kind::REFERRAL,
    Kind::SUGGESTION,
    Kind::FAMILY,
];

/// Longest period a report covers (ten years), so a typo cannot make a report run for minutes.
pub const MAX_PERIOD_DAYS: i64 = 3_660;

/// What a report is asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (inclusive).
    pub to: NaiveDate,
    /// Only the customers this user owns (`None`: everyone's).
    #[serde(default)]
    pub owner: Option<String>,
    /// Only the customers owned by the people of this store or team (a user's `team`; `None`:
    /// every team's).
    #[serde(default)]
    pub team: Option<String>,
    /// A first-time customer who comes back within this many days counts as returned.
    #[serde(default = "default_window_days")]
    pub window_days: u32,
}

fn default_window_days() -> u32 {
    30
}

/// Why a [`Query`] cannot be answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
    /// `from` is after `to`.
    Backwards,
    /// Longer than [`MAX_PERIOD_DAYS`].
    TooLong,
    /// `window_days` outside 1..=365.
    Window,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QueryError::Backwards => "`from` is after `to`",
            QueryError::TooLong => "the period is longer than ten years",
            QueryError::Window => "`window_days` must be between 1 and 365",
        })
    }
}

impl Query {
    /// The last `months` calendar months up to and including `today`'s, everyone's, 30 days.
    pub fn months_to(today: NaiveDate, months: u32) -> Query {
        Query {
            from: month_start(add_months(today, -(i64::from(months.max(1)) - 1))),
            to: today,
            owner: None,
            team: None,
            window_days: default_window_days(),
        }
    }

    pub fn check(&self) -> Result<(), QueryError> {
        if self.from > self.to {
            return Err(QueryError::Backwards);
        }
        if (self.to - self.from).num_days() >= MAX_PERIOD_DAYS {
            return Err(QueryError::TooLong);
        }
        if !(1..=365).contains(&self.window_days) {
            return Err(QueryError::Window);
        }
        Ok(())
    }

    /// Number of days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length that ends the day before this one starts.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use huitou_shared::insights::Query;
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let q = Query { from: d(3, 1), to: d(3, 31), owner: None, team: None, window_days: 30 };
    /// let p = q.previous();
    /// assert_eq!((p.from, p.to), (d(1, 29), d(2, 28)));
    /// ```
    pub fn previous(&self) -> Query {
        let to = self.from.pred_opt().unwrap_or(self.from);
        let from = to
            .checked_sub_days(chrono::Days::new(self.days().max(1) as u64 - 1))
            .unwrap_or(to);
        Query {
            from,
            to,
            ..self.clone()
        }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Whether the customer is in this query's population (its owner filter).
    pub fn owns(&self, entry: &Entry<'_>) -> bool {
        self.owner
            .as_deref()
            .is_none_or(|owner| entry.owner == owner)
    }
}

/// The first day of `day`'s month.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The last day of `day`'s month.
pub fn month_end(day: NaiveDate) -> NaiveDate {
    add_months(month_start(day), 1).pred_opt().unwrap_or(day)
}

/// `day` moved by whole months, the day of month clamped to the target month's length.
pub fn add_months(day: NaiveDate, months: i64) -> NaiveDate {
    let moved = if months >= 0 {
        day.checked_add_months(chrono::Months::new(months as u32))
    } else {
        day.checked_sub_months(chrono::Months::new(months.unsigned_abs() as u32))
    };
    moved.unwrap_or(day)
}

/// `YYYY-MM`, the key of a month in every report.
pub fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// Whole months from `a`'s month to `b`'s month (negative when `b` is earlier).
pub fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month())
}

/// A share of customers: `part` of `whole`, with who they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub whole: usize,
    pub part: usize,
    /// `part / whole`; `None` when `whole` is 0 (no figure rather than a misleading 0 %).
    pub rate: Option<f64>,
}

impl Share {
    pub fn new(part: usize, whole: usize) -> Share {
        Share {
            whole,
            part,
            rate: (whole > 0).then(|| part as f64 / whole as f64),
        }
    }
}

/// One visit as the reports read it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Visit<'a> {
    pub day: NaiveDate,
    pub amount: f64,
    pub occasion: Option<&'a str>,
}

/// One customer with everything the reports read about them.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub id: &'a str,
    pub customer: &'a Record,
    /// The `owner` field ("" when none; `pool` in the shared pool).
    pub owner: &'a str,
    /// Visits not in the trash with a readable day, oldest first (a merged duplicate's too).
    pub visits: Vec<Visit<'a>>,
    /// The child records as the tier rules read them (trash included; the rules leave it out).
    pub history: History<'a>,
    /// Contacts not in the trash.
    pub contacts: Vec<&'a Record>,
    /// Tasks not in the trash, with their ids.
    pub tasks: Vec<(&'a str, &'a Record)>,
    /// Complaints not in the trash.
    pub complaints: Vec<&'a Record>,
    /// What the tier rules read, parsed once (a report tiers a customer on many days).
    pub facts: TierFacts<'a>,
}

impl Entry<'_> {
    /// The customer's name, or "" when it has none (an erased customer).
    pub fn name(&self) -> &str {
        self.customer.text("name").unwrap_or_default()
    }

    /// The day of the first visit.
    pub fn first_visit(&self) -> Option<NaiveDate> {
        self.visits.first().map(|v| v.day)
    }

    /// The visits on or before `day`.
    pub fn visits_to(&self, day: NaiveDate) -> &[Visit<'_>] {
        let end = self.visits.partition_point(|v| v.day <= day);
        &self.visits[..end]
    }

    /// The visit days, oldest first (repeats kept), for the visit rhythm.
    pub fn days(&self) -> Vec<NaiveDate> {
        self.visits.iter().map(|v| v.day).collect()
    }

    /// Spend of the visits in `from..=to`.
    pub fn spend_between(&self, from: NaiveDate, to: NaiveDate) -> f64 {
        self.visits
            .iter()
            .filter(|v| from <= v.day && v.day <= to)
            .map(|v| v.amount)
            .sum()
    }
}

/// The organisation's records grouped per customer: what every report reads.
#[derive(Clone, Debug, Default)]
pub struct Book<'a> {
    /// Customers not in the trash, by id.
    pub entries: Vec<Entry<'a>>,
    /// The organisation's offset from UTC, for a day read from a clock stamp.
    pub utc_offset_minutes: i32,
    /// Each user's store or team, by user id (users without one left out).
    pub teams: HashMap<&'a str, &'a str>,
}

impl<'a> Book<'a> {
    /// Groups `(kind, id, record)` of one organisation. Children of a duplicate merged into
    /// another customer (`merged_into`) count for the kept customer.
    pub fn new(
        records: impl IntoIterator<Item = (&'a str, &'a str, &'a Record)>,
        utc_offset_minutes: i32,
    ) -> Book<'a> {
        let mut customers: Vec<(&'a str, &'a Record)> = Vec::new();
        let mut children: Vec<(&'a str, &'a str, &'a Record)> = Vec::new();
        let mut merged: HashMap<&'a str, &'a str> = HashMap::new();
        let mut teams: HashMap<&'a str, &'a str> = HashMap::new();
        for (kind, id, record) in records {
            if kind == "user" {
                if let Some(team) = team_of(record) {
                    teams.insert(id, team);
                }
            } else if kind == Kind::CUSTOMER {
                if let Some(kept) = record.text("merged_into") {
                    merged.insert(id, kept);
                }
                if !record.is_deleted() {
                    customers.push((id, record));
                }
            } else if Kind::CHILDREN_OF_CUSTOMER.contains(&kind) {
                children.push((kind, id, record));
            }
        }
        customers.sort_by_key(|(id, _)| *id);
        let mut index: HashMap<&'a str, usize> = HashMap::with_capacity(customers.len());
        let mut entries: Vec<Entry<'a>> = customers
            .into_iter()
            .enumerate()
            .map(|(i, (id, customer))| {
                index.insert(id, i);
                Entry {
                    id,
                    customer,
                    owner: customer.text("owner").unwrap_or_default(),
                    visits: Vec::new(),
                    history: History::default(),
                    contacts: Vec::new(),
                    tasks: Vec::new(),
                    complaints: Vec::new(),
                    facts: TierFacts::default(),
                }
            })
            .collect();
        let resolve = |mut id: &'a str| -> Option<usize> {
            // A few hops at most: merges chain only when a kept customer is merged again.
            for _ in 0..8 {
                if let Some(&i) = index.get(id) {
                    return Some(i);
                }
                id = merged.get(id)?;
            }
            None
        };
        for (kind, id, record) in children {
            let Some(i) = record.text("customer_id").and_then(resolve) else {
                continue;
            };
            let entry = &mut entries[i];
            match kind {
                Kind::VISIT => {
                    entry.history.visits.push(record);
                    if !record.is_deleted()
                        && let Some(day) = day_of(record, "at")
                    {
                        entry.visits.push(Visit {
                            day,
                            amount: record
                                .value("amount")
                                .and_then(Value::as_f64)
                                .unwrap_or(0.0),
                            occasion: record.text("occasion"),
                        });
                    }
                }
                Kind::REFERRAL => entry.history.referrals.push(record),
                Kind::SUGGESTION => entry.history.suggestions.push(record),
                Kind::FAMILY => entry.history.family.push(record),
                Kind::CONTACT if !record.is_deleted() => entry.contacts.push(record),
                Kind::TASK if !record.is_deleted() => entry.tasks.push((id, record)),
                Kind::COMPLAINT if !record.is_deleted() => entry.complaints.push(record),
                _ => {}
            }
        }
        for entry in &mut entries {
            entry
                .visits
                .sort_by(|a, b| a.day.cmp(&b.day).then(a.amount.total_cmp(&b.amount)));
            // The visits are read already: the facts take them as they are.
            let others = History {
                visits: Vec::new(),
                ..entry.history.clone()
            };
            entry.facts = TierFacts {
                visits: entry.visits.iter().map(|v| (v.day, v.amount)).collect(),
                ..TierFacts::of(entry.customer, &others)
            };
        }
        Book {
            entries,
            utc_offset_minutes,
            teams,
        }
    }

    /// The stores and teams the organisation's users belong to, sorted.
    pub fn team_names(&self) -> Vec<&'a str> {
        let mut names: Vec<&'a str> = self.teams.values().copied().collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The customers of `query`'s owner and team (everyone's without them).
    pub fn population<'b>(&'b self, query: &'b Query) -> impl Iterator<Item = &'b Entry<'a>> + 'b {
        self.entries.iter().filter(move |e| {
            query.owns(e)
                && query
                    .team
                    .as_deref()
                    .is_none_or(|team| self.teams.get(e.owner) == Some(&team))
        })
    }

    /// The customer with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry<'a>> {
        self.entries
            .binary_search_by(|e| e.id.cmp(id))
            .ok()
            .map(|i| &self.entries[i])
    }
}

/// The store or team a `user` record names (blank: none).
pub fn team_of(user: &Record) -> Option<&str> {
    user.text("team").map(str::trim).filter(|t| !t.is_empty())
}

/// The report `name` (one of [`REPORTS`]) as JSON, exactly as the API answers it; `None` for an
/// unknown name. The app calls the report functions themselves; both read the same code.
pub fn report_json(
    name: &str,
    book: &Book<'_>,
    rules: &crate::retention::RuleSet,
    query: &Query,
    today: NaiveDate,
) -> Option<Value> {
    let value = match name {
        "repeat-rate" => serde_json::to_value(repeat::report(book, query, today)),
        "cohorts" => serde_json::to_value(cohorts::report(book, query, today)),
        "tiers" => serde_json::to_value(tiers::report(book, rules, query, today)),
        "churn" => serde_json::to_value(churn::report(book, rules, query, today)),
        "lifetime" => serde_json::to_value(lifetime::report(book, query, today)),
        "pareto" => serde_json::to_value(pareto::report(book, query)),
        "rfm" => serde_json::to_value(rfm::report(book, query, today)),
        "staff" => serde_json::to_value(staff::report(book, query, today)),
        _ => return None,
    };
    // Every report is plain data (strings, numbers, maps with string keys): it always serialises.
    value.ok()
}
