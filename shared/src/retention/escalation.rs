//! Escalation (PRODUCT §10): a customer whose follow-up is missing or late climbs three steps.
//!
//! 1. **No follow-up planned** — the customer visited (or was contacted) within the last
//!    [`EscalationRules::follow_up_days`], nothing is planned for them (no open task, nothing the
//!    rules plan today), and nobody has been in touch since the visit (no contact, no task for
//!    after it done): the owner's Today reminds them to plan the next step.
//! 2. **Needs attention** — the customer's oldest open task is [`EscalationRules::alert_days`]
//!    (default 5) days past due: the manager's Today lists it.
//! 3. **High risk** — [`EscalationRules::high_risk_days`] (default 7) days past due: flagged on
//!    the profile and in the customer list's filters.
//!
//! One pure function decides, so the owner's tablet, the manager's laptop and any report agree.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::{Change, Record};
//! use huitou_shared::retention::escalation::{escalation, Escalation, EscalationRules};
//! let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
//! let mut task = Record::default();
//! task.apply(&Change::new("task", "t", "due", "2026-12-01".into(), "001764072000000:00000:deviceAA"));
//! let rules = EscalationRules::default();
//! let late = |today| escalation(&[&task], None, None, false, today, &rules);
//! assert_eq!(late(day(3)), Escalation::Overdue { due: day(1), days: 2 });
//! assert!(late(day(6)).needs_attention(&rules) && !late(day(6)).high_risk(&rules));
//! assert!(late(day(8)).high_risk(&rules));
//! // A visit last week, nothing planned and no contact since: remind the owner.
//! assert_eq!(
//!     escalation(&[], Some(day(1)), None, false, day(8), &rules),
//!     Escalation::Unplanned { since: day(1) }
//! );
//! ```

use super::day_of;
use crate::Record;
use crate::customer::reassign::is_open;
use chrono::NaiveDate;
use serde_json::Value;

/// The organisation's escalation days (fields of the `settings` record).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EscalationRules {
    /// A visit or contact this recent expects a next step (`follow_up_days`, default 30).
    pub follow_up_days: u32,
    /// Days past due before the manager is alerted (`escalation_alert_days`, default 5).
    pub alert_days: u32,
    /// Days past due before the customer is high-risk (`escalation_high_risk_days`, default 7).
    pub high_risk_days: u32,
}

impl Default for EscalationRules {
    fn default() -> Self {
        Self {
            follow_up_days: 30,
            alert_days: 5,
            high_risk_days: 7,
        }
    }
}

impl EscalationRules {
    /// The longest setting accepted (a year).
    pub const MAX_DAYS: u32 = 365;

    /// Reads the rules from the `settings` record; a missing or unreadable field keeps its
    /// default, and high risk never comes before the alert.
    pub fn from_record(record: &Record) -> Self {
        let mut rules = Self::default();
        let days = |field: &str| {
            record
                .value(field)
                .and_then(Value::as_u64)
                .and_then(|d| u32::try_from(d).ok())
                .filter(|d| (1..=Self::MAX_DAYS).contains(d))
        };
        if let Some(d) = days("follow_up_days") {
            rules.follow_up_days = d;
        }
        if let Some(d) = days("escalation_alert_days") {
            rules.alert_days = d;
        }
        if let Some(d) = days("escalation_high_risk_days") {
            rules.high_risk_days = d;
        }
        rules.high_risk_days = rules.high_risk_days.max(rules.alert_days);
        rules
    }
}

/// Where a customer's follow-up stands. Serialised as `{"state": "fine"}`,
/// `{"state": "unplanned", "since": "2026-12-01"}` or `{"state": "overdue", "due": …, "days": 8}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Escalation {
    /// Planned and on time, or nothing expected.
    Fine,
    /// Visited or contacted on `since`, and nothing planned or done after it.
    Unplanned { since: NaiveDate },
    /// The oldest open task was due on `due`, `days` ago.
    Overdue { due: NaiveDate, days: u32 },
}

impl Escalation {
    /// On the manager's "needs attention" list.
    pub fn needs_attention(self, rules: &EscalationRules) -> bool {
        matches!(self, Self::Overdue { days, .. } if days >= rules.alert_days)
    }

    /// Flagged high-risk on the profile and in filters.
    pub fn high_risk(self, rules: &EscalationRules) -> bool {
        matches!(self, Self::Overdue { days, .. } if days >= rules.high_risk_days)
    }
}

/// Where the follow-up of one customer stands on `today`: `tasks` are its task records,
/// `last_visit` and `last_contact` the days of its latest visit and contact, `planned_today`
/// whether the rules plan a task for it today (the planner writes it next).
pub fn escalation(
    tasks: &[&Record],
    last_visit: Option<NaiveDate>,
    last_contact: Option<NaiveDate>,
    planned_today: bool,
    today: NaiveDate,
    rules: &EscalationRules,
) -> Escalation {
    let open_dues: Vec<Option<NaiveDate>> = tasks
        .iter()
        .filter(|t| is_open(t))
        .map(|t| day_of(t, "due"))
        .collect();
    if let Some(due) = open_dues.iter().flatten().min() {
        let days = (today - *due).num_days();
        if days > 0 {
            return Escalation::Overdue {
                due: *due,
                days: u32::try_from(days).unwrap_or(u32::MAX),
            };
        }
        return Escalation::Fine;
    }
    if !open_dues.is_empty() || planned_today {
        return Escalation::Fine;
    }
    let Some(visit) = last_visit else {
        return Escalation::Fine;
    };
    let recent = (today - visit).num_days() <= i64::from(rules.follow_up_days);
    // A contact since the visit, or a task for after it that was done, is the follow-up.
    let followed_up = last_contact.is_some_and(|contact| contact >= visit)
        || tasks.iter().any(|t| {
            !t.is_deleted()
                && t.text("status") == Some("done")
                && day_of(t, "due").is_some_and(|due| due >= visit)
        });
    if recent && !followed_up {
        Escalation::Unplanned { since: visit }
    } else {
        Escalation::Fine
    }
}

/// The day of the latest record of `records` by its `at` (records in the trash left out).
pub fn latest_day<'a>(records: impl IntoIterator<Item = &'a Record>) -> Option<NaiveDate> {
    records
        .into_iter()
        .filter(|r| !r.is_deleted())
        .filter_map(|r| day_of(r, "at"))
        .max()
}
