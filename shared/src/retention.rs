//! Customer retention (PRODUCT §5, §6, §8, §9): tiers, lifetime value, dormancy, call windows,
//! holidays and the organisation's own days, rule-driven tasks, as pure functions over synced [`Record`]s.
//!
//! Invariants every function here keeps:
//! - **As of a day**: a computation for day `D` reads only records dated on or before `D`
//!   ([`History::as_of`]); records in the trash never count. The app and the server therefore
//!   answer the same for the same records and day, whatever the wall clock says.
//! - **Order does not matter**: records may come in any order (they arrive by sync); results
//!   depend on the set of records only.
//! - **Dates are local**: an RFC 3339 `at` counts on the calendar day written in its own offset
//!   (`2026-03-01T23:30:00+08:00` is March 1st), which is the day the shop lived it.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::{Change, Record};
//! use huitou_shared::retention::{self, History, RuleSet, Tier};
//! let mut customer = Record::default();
//! customer.apply(&Change::new("customer", "c", "created_at", "2025-01-01T10:00:00+08:00".into(), "001764072000000:00000:deviceAA"));
//! let mut visit = Record::default();
//! visit.apply(&Change::new("visit", "v", "at", "2026-03-01T19:00:00+08:00".into(), "001764072000001:00000:deviceAA"));
//! visit.apply(&Change::new("visit", "v", "amount", 30000.into(), "001764072000002:00000:deviceAA"));
//! let history = History { visits: vec![&visit], ..History::default() };
//! let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
//! let summary = retention::summarize(&customer, &history, today, &RuleSet::restaurant_default());
//! assert_eq!(summary.tier, Tier::A); // 30000 over 90 days = 10000 a month
//! assert_eq!(summary.lifetime_spend, 30000.0);
//! ```

pub mod call_windows;
pub mod dormancy;
pub mod escalation;
pub mod holidays;
pub mod lifetime;
pub mod org_days;
pub mod playbooks;
pub mod settings;
pub mod tasks;
pub mod templates;
pub mod tiering;

pub use call_windows::{CallWindows, TimeRange, is_allowed, next_good_time};
pub use dormancy::{Dormancy, DormancyRule, dormancy, dormancy_of_days};
pub use holidays::{Holiday, holidays_between};
pub use lifetime::lifetime_spend;
pub use org_days::{OrgDay, org_days_between};
pub use tasks::{PlannedTask, TaskKind, TaskRules, generate_tasks};
pub use tiering::{
    Combinator, Metrics, RuleSet, Tier, TierChange, TierFacts, TierResult, TierRule, TierShift,
    active_rule_set, preview, tier, tier_history, tier_of,
};

use crate::merge::Record;
use crate::model::Kind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The calendar day a date field names: the local day of an RFC 3339 date-time, or a plain
/// `YYYY-MM-DD`; `None` when the field is missing or unreadable.
///
/// ```
/// use chrono::NaiveDate;
/// use huitou_shared::{Change, Record};
/// use huitou_shared::retention::day_of;
/// let mut visit = Record::default();
/// visit.apply(&Change::new("visit", "v", "at", "2026-03-01T23:30:00+08:00".into(), "001764072000001:00000:deviceAA"));
/// assert_eq!(day_of(&visit, "at"), NaiveDate::from_ymd_opt(2026, 3, 1));
/// assert_eq!(day_of(&visit, "due"), None);
/// ```
pub fn day_of(record: &Record, field: &str) -> Option<NaiveDate> {
    parse_day(record.text(field)?)
}

/// [`day_of`] on text.
///
/// ```
/// use huitou_shared::retention::parse_day;
/// assert_eq!(parse_day("2026-03-01T23:30:00.5-05:00").unwrap().to_string(), "2026-03-01");
/// assert_eq!(parse_day("2026-03-01 08:00:00Z").unwrap().to_string(), "2026-03-01");
/// assert_eq!(parse_day("2026-03-01").unwrap().to_string(), "2026-03-01");
/// assert_eq!(parse_day("2026-02-30T08:00:00Z"), None);
/// assert_eq!(parse_day("2026-03-01T25:00:00Z"), None);
/// assert_eq!(parse_day("yesterday"), None);
/// ```
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    common_rfc3339_day(text.as_bytes()).or_else(|| {
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|at| at.date_naive())
            .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
            .ok()
    })
}

/// The day of the common shape `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`, checked by hand because
/// chrono's general parser dominates the time of planning a whole book; `None` for anything
/// else (which [`parse_day`] then gives to chrono).
fn common_rfc3339_day(bytes: &[u8]) -> Option<NaiveDate> {
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes.get(range)?.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let at = |i: usize, expected: u8| bytes.get(i) == Some(&expected);
    let shape = at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':');
    let time_ok = number(11..13)? <= 23 && number(14..16)? <= 59 && number(17..19)? <= 60;
    if !shape || !time_ok {
        return None;
    }
    let mut rest = &bytes[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset_ok = match rest {
        [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let pair = |a: u8, b: u8| {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            };
            pair(*h1, *h2).is_some_and(|h| h <= 23) && pair(*m1, *m2).is_some_and(|m| m <= 59)
        }
        _ => false,
    };
    if !offset_ok {
        return None;
    }
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// A customer's child records by kind (the records whose `customer_id` names the customer).
///
/// `referrals` are the referrals this customer made (SYNC §1: a referral's `customer_id` is the
/// referrer).
#[derive(Clone, Debug, Default)]
pub struct History<'a> {
    pub visits: Vec<&'a Record>,
    pub referrals: Vec<&'a Record>,
    pub suggestions: Vec<&'a Record>,
    pub family: Vec<&'a Record>,
}

impl<'a> History<'a> {
    /// Sorts child records `(kind, record)` into a history; other kinds are left out.
    pub fn from_children(children: impl IntoIterator<Item = (&'a str, &'a Record)>) -> Self {
        let mut history = Self::default();
        for (kind, record) in children {
            match kind {
                Kind::VISIT => history.visits.push(record),
                Kind::REFERRAL => history.referrals.push(record),
                Kind::SUGGESTION => history.suggestions.push(record),
                Kind::FAMILY => history.family.push(record),
                _ => {}
            }
        }
        history
    }

    /// The history as it stood at the end of `day`: records in the trash and dated events
    /// (`at`) after `day` are left out. Family members have no date and all stay; a visit,
    /// referral or suggestion without a readable `at` stays too (it counts in totals such as
    /// lifetime spend, but in no window, gap or date).
    pub fn as_of(&self, day: NaiveDate) -> History<'a> {
        let keep = |records: &[&'a Record]| -> Vec<&'a Record> {
            records
                .iter()
                .copied()
                .filter(|r| !r.is_deleted() && day_of(r, "at").is_none_or(|at| at <= day))
                .collect()
        };
        History {
            visits: keep(&self.visits),
            referrals: keep(&self.referrals),
            suggestions: keep(&self.suggestions),
            family: self
                .family
                .iter()
                .copied()
                .filter(|r| !r.is_deleted())
                .collect(),
        }
    }
}

/// What a customer's profile header and the summary endpoint show (PRODUCT §5, §6, §9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The day the summary is computed for.
    pub at: NaiveDate,
    pub tier: Tier,
    pub tier_reason: String,
    pub avg_monthly_spend: f64,
    pub visits_per_month: f64,
    pub referrals_per_month: f64,
    pub suggestions_per_month: f64,
    pub lifetime_spend: f64,
    pub visit_count: usize,
    /// The `at` text of the latest visit.
    pub last_visit_at: Option<String>,
    pub predicted_next_visit: Option<NaiveDate>,
    pub dormant: bool,
}

/// Tier, lifetime value and dormancy of one customer as of the end of `day`
/// (default dormancy rule, see [`DormancyRule::default`]).
pub fn summarize(
    customer: &Record,
    history: &History<'_>,
    day: NaiveDate,
    rules: &RuleSet,
) -> Summary {
    let history = history.as_of(day);
    let tiered = tier(customer, &history, day, rules);
    let totals = crate::visits::totals(history.visits.iter().copied());
    let dormant = dormancy(&history.visits, day, &DormancyRule::default());
    Summary {
        at: day,
        tier: tiered.tier,
        tier_reason: tiered.reason,
        avg_monthly_spend: tiered.metrics.avg_monthly_spend,
        visits_per_month: tiered.metrics.visits_per_month,
        referrals_per_month: tiered.metrics.referrals_per_month,
        suggestions_per_month: tiered.metrics.suggestions_per_month,
        lifetime_spend: totals.total_spend,
        visit_count: totals.visit_count,
        last_visit_at: totals.last_visit,
        predicted_next_visit: dormant.predicted_next_visit,
        dormant: dormant.dormant,
    }
}
