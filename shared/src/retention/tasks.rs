//! Rule-driven tasks (PRODUCT §6), planned the same way on every device.
//!
//! Rules (thresholds in [`TaskRules`]):
//! - **follow_up**: a visit of at least `follow_up_min_amount` (default 2000) → a call due
//!   `follow_up_within_days` (7) after the visit day.
//! - **birthday**: the customer's and their family members' (`family` records) next birthday
//!   → a task due `birthday_days_before` (3) days before it; everyone celebrating on the same
//!   day shares one task.
//! - **win_back**: a dormant customer ([`super::dormancy`]) → a task due the day they became
//!   dormant (the same day until they visit again, so it is planned once per absence).
//! - **thank_referrer**, **call_referred**, **complaint_follow_up**, **complaint_review**,
//!   **complaint_escalated**, **thank_suggestion**: planned from referrals, complaints and
//!   suggestions by [`crate::service::tasks`].
//! - **thank_you**: lifetime spend crosses one of `thank_you_thresholds` (¥10,000, ¥50,000,
//!   ¥100,000) → a thank-you letter or SMS due the day it was crossed. Visits are summed per day,
//!   so the crossing day does not depend on the order records arrive in.
//! - **holiday**: planned by the tier's playbook ([`super::playbooks::playbook_tasks`]).
//!
//! Tasks due before `today − lookback_days` are no longer planned (too late to act on), nor
//! tasks due after `today + horizon_days`; win-backs are always planned while dormant.
//!
//! Invariants:
//! - **Deterministic ids**: a task's id is a UUID v5 of (customer id, kind, due date), in
//!   SYNC's lower-case hyphenated form, so two devices planning offline create the same record
//!   and sync merges them into one (no task twice).
//! - **Order-free**: the same records in any order plan the same tasks (property-tested).
//! - [`PlannedTask::fields`] leaves `status` out: planning again never reopens a task that was
//!   done on another device (a task without `status` is open).
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::{Change, Record};
//! use huitou_shared::retention::{generate_tasks, TaskKind, TaskRules};
//! let mut visit = Record::default();
//! visit.apply(&Change::new("visit", "v", "at", "2026-03-01T19:00:00+08:00".into(), "001764072000001:00000:deviceAA"));
//! visit.apply(&Change::new("visit", "v", "amount", 2600.into(), "001764072000002:00000:deviceAA"));
//! let customer_id = "0193a3c1-0000-7000-8000-000000000001";
//! let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
//! let tasks = generate_tasks(customer_id, &Record::default(), &[&visit], &[], today, &TaskRules::default());
//! assert_eq!(tasks.len(), 1);
//! assert_eq!(tasks[0].kind, TaskKind::FollowUp);
//! assert_eq!(tasks[0].due, NaiveDate::from_ymd_opt(2026, 3, 8).unwrap());
//! assert!(huitou_shared::model::is_uuid_text(&tasks[0].id));
//! ```

use super::day_of;
use super::dormancy::{DormancyRule, dormancy};
use super::holidays::Holiday;
use super::tiering::plain_number;
use crate::customer::Birthday;
use crate::merge::Record;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The namespace of task ids (a fixed random UUID: changing it would duplicate every task).
const TASK_NAMESPACE: Uuid = Uuid::from_u128(0x5c2e_8a1f_3b7d_4e0a_9f61_2d4c_8b3a_7e15);

/// What a planned task is for. Serialised as `follow_up`, `birthday`, `win_back`,
/// `thank_referrer`, `call_referred`, … (the task record's `kind` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    FollowUp,
    Birthday,
    WinBack,
    ThankReferrer,
    CallReferred,
    ThankYou,
    Holiday,
    /// The call after a resolved complaint (PRODUCT §7, step 9).
    ComplaintFollowUp,
    /// A manager's look at a complaint closed with low satisfaction.
    ComplaintReview,
    /// A complaint handed to a manager.
    ComplaintEscalated,
    /// Thanks for an adopted suggestion.
    ThankSuggestion,
}

impl TaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::FollowUp => "follow_up",
            TaskKind::Birthday => "birthday",
            TaskKind::WinBack => "win_back",
            TaskKind::ThankReferrer => "thank_referrer",
            TaskKind::CallReferred => "call_referred",
            TaskKind::ThankYou => "thank_you",
            TaskKind::Holiday => "holiday",
            TaskKind::ComplaintFollowUp => "complaint_follow_up",
            TaskKind::ComplaintReview => "complaint_review",
            TaskKind::ComplaintEscalated => "complaint_escalated",
            TaskKind::ThankSuggestion => "thank_suggestion",
        }
    }
}

/// Thresholds of the task rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRules {
    pub follow_up_min_amount: f64,
    pub follow_up_within_days: u64,
    pub birthday_days_before: u64,
    pub call_referred_within_days: u64,
    /// Tasks due longer ago than this are not planned.
    pub lookback_days: u64,
    /// Tasks due further ahead than this are not planned yet.
    pub horizon_days: u64,
    pub dormancy: DormancyRule,
    /// Lifetime spend thresholds that earn a thank-you.
    #[serde(default)]
    pub thank_you_thresholds: Vec<f64>,
    /// Days from a complaint's resolution to the follow-up call (unless a date was picked).
    #[serde(default = "default_complaint_follow_up_days")]
    pub complaint_follow_up_days: u64,
    /// Satisfaction at close (1–5) at or below which a manager gets a task.
    #[serde(default = "default_low_satisfaction")]
    pub low_satisfaction: u64,
}

fn default_complaint_follow_up_days() -> u64 {
    3
}

fn default_low_satisfaction() -> u64 {
    2
}

impl Default for TaskRules {
    fn default() -> Self {
        Self {
            follow_up_min_amount: 2000.0,
            follow_up_within_days: 7,
            birthday_days_before: 3,
            call_referred_within_days: 7,
            lookback_days: 7,
            horizon_days: 30,
            dormancy: DormancyRule::default(),
            thank_you_thresholds: vec![10_000.0, 50_000.0, 100_000.0],
            complaint_follow_up_days: default_complaint_follow_up_days(),
            low_satisfaction: default_low_satisfaction(),
        }
    }
}

/// A task to create as a `task` record with id `id` (SYNC §1).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PlannedTask {
    pub id: String,
    pub customer_id: String,
    pub due: NaiveDate,
    pub kind: TaskKind,
    pub reason: String,
    /// Playbook tasks: the [`super::playbooks::Action`] (`holiday_greeting`, ...).
    pub action: Option<String>,
    /// Holiday tasks: the holiday.
    pub holiday: Option<Holiday>,
    /// Who should do it when not the customer's owner (a complaint handed to a manager).
    #[serde(default)]
    pub assignee: Option<String>,
    /// For a manager (the assignee, or any manager when there is none).
    #[serde(default)]
    pub for_manager: bool,
    /// The record it is about: `("complaint_id", id)`, `("suggestion_id", id)`, ….
    #[serde(default)]
    pub about: Option<(String, String)>,
}

impl PlannedTask {
    pub(crate) fn new(customer_id: &str, kind: TaskKind, due: NaiveDate, reason: String) -> Self {
        let name = format!("{customer_id}\n{}\n{due}", kind.as_str());
        Self {
            id: Uuid::new_v5(&TASK_NAMESPACE, name.as_bytes()).to_string(),
            customer_id: customer_id.to_owned(),
            due,
            kind,
            reason,
            action: None,
            holiday: None,
            assignee: None,
            for_manager: false,
            about: None,
        }
    }

    /// A task planned once per record (a complaint's follow-up): its id comes from the record's
    /// id and the task's kind, so changing the record's dates never plans a second one.
    pub(crate) fn for_record(
        customer_id: &str,
        kind: TaskKind,
        about: (&str, &str),
        due: NaiveDate,
        reason: String,
    ) -> Self {
        let name = format!("{}\n{}\n{}", about.0, about.1, kind.as_str());
        Self {
            id: Uuid::new_v5(&TASK_NAMESPACE, name.as_bytes()).to_string(),
            about: Some((about.0.to_owned(), about.1.to_owned())),
            ..Self::new(customer_id, kind, due, reason)
        }
    }

    pub(crate) fn with_detail(mut self, action: &str, holiday: Holiday) -> Self {
        self.action = Some(action.to_owned());
        self.holiday = Some(holiday);
        self
    }

    /// The fields to write for the task record; no `status`, see the module docs.
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        let mut fields = vec![
            ("customer_id", Value::from(self.customer_id.as_str())),
            ("due", Value::from(self.due.to_string())),
            ("kind", Value::from(self.kind.as_str())),
            ("reason", Value::from(self.reason.as_str())),
        ];
        if let Some(action) = &self.action {
            fields.push(("action", Value::from(action.as_str())));
        }
        if let Some((field, id)) = &self.about {
            // Only the fields the kinds of this module name; anything else is not written.
            let field: Option<&'static str> = match field.as_str() {
                "complaint_id" => Some("complaint_id"),
                "suggestion_id" => Some("suggestion_id"),
                "referral_id" => Some("referral_id"),
                _ => None,
            };
            if let Some(field) = field {
                fields.push((field, Value::from(id.as_str())));
            }
        }
        if let Some(holiday) = self.holiday {
            fields.push((
                "holiday",
                serde_json::to_value(holiday).unwrap_or(Value::Null),
            ));
        }
        fields
    }
}

/// The tasks the rules plan for one customer on `today`, sorted by due date, kind and id.
///
/// `visits` and `family` are the customer's child records (referrals, complaints and
/// suggestions plan their tasks in [`crate::service::tasks`]); records in the trash and events after `today` are ignored. A customer in the
/// trash gets no tasks.
pub fn generate_tasks(
    customer_id: &str,
    customer: &Record,
    visits: &[&Record],
    family: &[&Record],
    today: NaiveDate,
    rules: &TaskRules,
) -> Vec<PlannedTask> {
    if customer.is_deleted() {
        return Vec::new();
    }
    let earliest = today.checked_sub_days(Days::new(rules.lookback_days));
    let latest = today.checked_add_days(Days::new(rules.horizon_days));
    let plannable =
        |due: NaiveDate| earliest.is_none_or(|e| e <= due) && latest.is_none_or(|l| due <= l);
    let dated =
        |record: &Record| day_of(record, "at").filter(|&at| !record.is_deleted() && at <= today);
    let mut tasks: BTreeMap<String, PlannedTask> = BTreeMap::new();
    let mut plan = |task: PlannedTask| {
        // Two triggers of one task (two big visits on one day): keep the smaller reason, so
        // the choice does not depend on input order.
        match tasks.get(&task.id) {
            Some(kept) if kept.reason <= task.reason => {}
            _ => {
                tasks.insert(task.id.clone(), task);
            }
        }
    };

    for visit in visits {
        let amount = visit.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
        if let Some(at) = dated(visit)
            && amount >= rules.follow_up_min_amount
            && let Some(due) = at.checked_add_days(Days::new(rules.follow_up_within_days))
            && plannable(due)
        {
            let reason = format!(
                "follow-up call after a visit of ¥{} on {at}",
                plain_number(amount)
            );
            plan(PlannedTask::new(
                customer_id,
                TaskKind::FollowUp,
                due,
                reason,
            ));
        }
    }

    // Birthdays celebrated on the same day share one task: celebration → names.
    let mut birthdays: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    let people = std::iter::once((customer, "customer")).chain(
        family
            .iter()
            .filter(|m| !m.is_deleted())
            .map(|m| (*m, "family member")),
    );
    for (person, role) in people {
        let celebration = person
            .value("birthday")
            .and_then(Birthday::from_value)
            .and_then(|birthday| birthday.next_on_or_after(today));
        if let Some(celebration) = celebration {
            let name = person
                .text("name")
                .filter(|n| !n.is_empty())
                .unwrap_or(role);
            birthdays
                .entry(celebration)
                .or_default()
                .push(name.to_owned());
        }
    }
    for (celebration, mut names) in birthdays {
        if let Some(due) = celebration.checked_sub_days(Days::new(rules.birthday_days_before))
            && plannable(due)
        {
            names.sort_unstable();
            let reason = format!("birthday of {} on {celebration}", names.join(", "));
            plan(PlannedTask::new(
                customer_id,
                TaskKind::Birthday,
                due,
                reason,
            ));
        }
    }

    // Lifetime spend per day, in date order: the day a threshold is first reached.
    let mut per_day: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for visit in visits {
        if let Some(at) = dated(visit) {
            *per_day.entry(at).or_default() += visit
                .value("amount")
                .and_then(Value::as_f64)
                .unwrap_or(0.0)
                .max(0.0);
        }
    }
    let mut total = 0.0;
    for (day, spent) in per_day {
        let before = total;
        total += spent;
        let crossed = rules
            .thank_you_thresholds
            .iter()
            .copied()
            .filter(|&threshold| before < threshold && threshold <= total)
            .fold(None, |max: Option<f64>, t| {
                Some(max.map_or(t, |m| m.max(t)))
            });
        if let Some(threshold) = crossed
            && plannable(day)
        {
            let reason = format!(
                "lifetime spend passed ¥{}: thank you",
                plain_number(threshold)
            );
            plan(PlannedTask::new(
                customer_id,
                TaskKind::ThankYou,
                day,
                reason,
            ));
        }
    }

    let rhythm = dormancy(visits, today, &rules.dormancy);
    if rhythm.dormant
        && let (Some(due), Some(since)) = (rhythm.dormant_from, rhythm.days_since_last_visit)
    {
        let usual = rhythm
            .usual_interval_days
            .map_or_else(String::new, |usual| {
                format!(" (usually every {} days)", plain_number(usual))
            });
        let reason = format!("no visit for {since} days{usual}: win back");
        plan(PlannedTask::new(
            customer_id,
            TaskKind::WinBack,
            due,
            reason,
        ));
    }

    let mut planned: Vec<PlannedTask> = tasks.into_values().collect();
    planned.sort_unstable_by(|a, b| (a.due, a.kind, &a.id).cmp(&(b.due, b.kind, &b.id)));
    planned
}
