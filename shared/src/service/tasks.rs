//! The tasks complaints, suggestions and referrals plan (PRODUCT §6–§7), the same way on every
//! device: ids come from the record they are about (or, for referrals, from the customer, the
//! rule and the day), so two devices planning offline write one task, and planning again adds
//! nothing. Like [`crate::retention::tasks`], tasks due before `today − lookback_days` or after
//! `today + horizon_days` are not planned.
//!
//! - **complaint_follow_up**: a resolved complaint → a call on its `follow_up_on` date, else
//!   `complaint_follow_up_days` (3) after it was resolved.
//! - **complaint_review**: a complaint closed with satisfaction at or below `low_satisfaction`
//!   (2) → a task for a manager (the one it was handed to, else any), due the day it was resolved.
//! - **complaint_escalated**: a complaint handed to a manager → a task for that manager, due the
//!   day it was handed over.
//! - **thank_suggestion**: an adopted suggestion → thanks, due the day it was adopted.
//! - **thank_referrer** / **call_referred**: a referral, once converted (the referred
//!   customer's first visit) → thanks to the referrer due that day, and a call to the new
//!   customer `call_referred_within_days` (7) later.

use super::complaint::{Status, status};
use super::referral::converted_on;
use super::suggestion::adopted_on;
use crate::merge::Record;
use crate::retention::day_of;
use crate::retention::tasks::{PlannedTask, TaskKind, TaskRules};
use chrono::{Days, NaiveDate};
use serde_json::Value;

/// Whether a task due `due` is planned on `today`.
fn plannable(due: NaiveDate, today: NaiveDate, rules: &TaskRules) -> bool {
    let earliest = today.checked_sub_days(Days::new(rules.lookback_days));
    let latest = today.checked_add_days(Days::new(rules.horizon_days));
    earliest.is_none_or(|e| e <= due) && latest.is_none_or(|l| due <= l)
}

/// The tasks one complaint plans (`customer_id` is its customer).
pub fn complaint_tasks(
    customer_id: &str,
    complaint_id: &str,
    complaint: &Record,
    today: NaiveDate,
    rules: &TaskRules,
) -> Vec<PlannedTask> {
    let mut tasks = Vec::new();
    if complaint.is_deleted() {
        return tasks;
    }
    let about = ("complaint_id", complaint_id);
    let state = status(complaint);
    let resolved = day_of(complaint, "resolved_at");
    let category = complaint.text("category").unwrap_or("other");
    if state == Status::Resolved
        && let Some(resolved) = resolved
    {
        let due = day_of(complaint, "follow_up_on")
            .or_else(|| resolved.checked_add_days(Days::new(rules.complaint_follow_up_days)));
        if let Some(due) = due.filter(|d| plannable(*d, today, rules)) {
            let reason = format!("follow up the {category} complaint resolved on {resolved}");
            tasks.push(PlannedTask::for_record(
                customer_id,
                TaskKind::ComplaintFollowUp,
                about,
                due,
                reason,
            ));
        }
    }
    let satisfaction = complaint.value("satisfaction").and_then(Value::as_u64);
    if matches!(state, Status::Resolved | Status::FollowedUp)
        && let (Some(resolved), Some(satisfaction)) = (resolved, satisfaction)
        && satisfaction <= rules.low_satisfaction
        && plannable(resolved, today, rules)
    {
        let reason = format!("{category} complaint closed with satisfaction {satisfaction} of 5");
        let mut task = PlannedTask::for_record(
            customer_id,
            TaskKind::ComplaintReview,
            about,
            resolved,
            reason,
        );
        task.for_manager = true;
        task.assignee = complaint.text("escalated_to").map(str::to_owned);
        tasks.push(task);
    }
    if state == Status::Escalated
        && let Some(manager) = complaint.text("escalated_to").filter(|m| !m.is_empty())
        && let Some(due) = day_of(complaint, "escalated_at").or_else(|| day_of(complaint, "at"))
        && plannable(due, today, rules)
    {
        let reason = format!("{category} complaint handed to you");
        let mut task = PlannedTask::for_record(
            customer_id,
            TaskKind::ComplaintEscalated,
            about,
            due,
            reason,
        );
        task.for_manager = true;
        task.assignee = Some(manager.to_owned());
        tasks.push(task);
    }
    tasks
}

/// The thanks an adopted suggestion plans.
pub fn suggestion_tasks(
    customer_id: &str,
    suggestion_id: &str,
    suggestion: &Record,
    today: NaiveDate,
    rules: &TaskRules,
) -> Vec<PlannedTask> {
    adopted_on(suggestion)
        .filter(|day| plannable(*day, today, rules))
        .map(|day| {
            let reason = format!("thank for the suggestion adopted on {day}");
            PlannedTask::for_record(
                customer_id,
                TaskKind::ThankSuggestion,
                ("suggestion_id", suggestion_id),
                day,
                reason,
            )
        })
        .into_iter()
        .collect()
}

/// The tasks a converted referral plans: thanks to the referrer (`referrer_id`, named
/// `referrer_name`) and a call to the referred customer (`referral.referred_customer_id`, whose
/// visits are `referred_visits`). Nothing before the first visit.
pub fn referral_tasks(
    referrer_id: &str,
    referrer_name: &str,
    referral: &Record,
    referred_visits: &[&Record],
    today: NaiveDate,
    rules: &TaskRules,
) -> Vec<PlannedTask> {
    let mut tasks = Vec::new();
    let referred = referral
        .text("referred_customer_id")
        .filter(|id| crate::model::is_uuid_text(id));
    let (Some(referred), false) = (referred, referral.is_deleted()) else {
        return tasks;
    };
    let Some(converted) = converted_on(referred_visits).filter(|day| *day <= today) else {
        return tasks;
    };
    if plannable(converted, today, rules) {
        let reason = format!("thank for the referral that came on {converted}");
        tasks.push(PlannedTask::new(
            referrer_id,
            TaskKind::ThankReferrer,
            converted,
            reason,
        ));
    }
    if let Some(due) = converted.checked_add_days(Days::new(rules.call_referred_within_days))
        && plannable(due, today, rules)
    {
        let by = if referrer_name.is_empty() {
            referrer_id
        } else {
            referrer_name
        };
        let reason = format!("call the customer referred by {by}, first here on {converted}");
        tasks.push(PlannedTask::new(
            referred,
            TaskKind::CallReferred,
            due,
            reason,
        ));
    }
    tasks
}
