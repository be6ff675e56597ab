//! Staff (seed 001, PRODUCT §9): per salesperson, the follow-up work and its results.
//!
//! A row per owner of customers in the population (the shared pool and customers without an
//! owner are left out):
//! - **contacts** logged in the period by them (the contact's `staff`, else the customer's owner);
//! - **tasks** due in the period up to `today`, theirs when assigned to them or, unassigned, on
//!   their customers: done **on time** (done on or before the due day), **late**, **skipped**, or
//!   **missed** (still open after the due day). A task is done on the day of the contact that
//!   finished it (`task_id`), else the day its status was written (the clock stamp, in the
//!   organisation's time zone). Tasks due today and still open are not counted yet;
//! - **completeness**: the mean profile completeness of their customers;
//! - **complaints** of their customers logged in the period: how many, how many resolved,
//!   and their customers' promises now past their day;
//! - **referrals converted**: friends their customers brought whose first visit is in the period;
//! - **new customers** (first visit in the period) and how many came back within the window.

use super::repeat::first_timer;
use super::{Book, Query, Share};
use crate::customer::completeness;
use crate::retention::day_of;
use crate::service::complaint::{self, Promise};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffRow {
    /// The user's id (the `owner` field).
    pub staff: String,
    pub customers: usize,
    pub contacts: usize,
    pub tasks_on_time: usize,
    pub tasks_late: usize,
    pub tasks_missed: usize,
    pub tasks_skipped: usize,
    /// Mean completeness of their customers' profiles, 0–100.
    pub completeness: f64,
    pub complaints: usize,
    pub complaints_resolved: usize,
    pub promises_overdue: usize,
    pub referrals_converted: usize,
    /// Their new customers who came back, of those whose window closed or who came back.
    pub repeat: Share,
    pub new_customers: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    /// By staff id.
    pub rows: Vec<StaffRow>,
}

/// The day a clock stamp (`HLC` text) names in the organisation's time zone.
pub fn stamp_day(hlc: &str, utc_offset_minutes: i32) -> Option<NaiveDate> {
    let millis = crate::Hlc::parse(hlc).ok()?.millis;
    let at = chrono::DateTime::from_timestamp_millis(i64::try_from(millis).ok()?)?;
    Some(complaint::org_day(at, utc_offset_minutes))
}

pub fn report(book: &Book<'_>, query: &Query, today: NaiveDate) -> Staff {
    let last = query.to.min(today);
    let mut rows: BTreeMap<&str, StaffRow> = BTreeMap::new();
    let mut completeness_sum: HashMap<&str, f64> = HashMap::new();
    let mut new: HashMap<&str, Vec<super::repeat::FirstTimer>> = HashMap::new();
    for entry in book.population(query) {
        let owner = entry.owner;
        if owner.is_empty() || owner == "pool" {
            continue;
        }
        let r = rows.entry(owner).or_insert_with(|| StaffRow {
            staff: owner.to_owned(),
            ..StaffRow::default()
        });
        r.customers += 1;
        *completeness_sum.entry(owner).or_default() +=
            f64::from(completeness::score(entry.customer, entry.history.family.len()).percent);
        for complaint_record in &entry.complaints {
            if day_of(complaint_record, "at").is_some_and(|d| query.contains(d)) {
                r.complaints += 1;
                if !complaint::status(complaint_record).unresolved() {
                    r.complaints_resolved += 1;
                }
            }
            if matches!(complaint::promise(complaint_record, today), Some(Promise::Overdue { days, .. }) if days > 0)
            {
                r.promises_overdue += 1;
            }
        }
        for referral in entry.history.referrals.iter().filter(|r| !r.is_deleted()) {
            let converted = referral
                .text("referred_customer_id")
                .and_then(|id| book.entry(id))
                .and_then(|friend| friend.first_visit());
            if converted.is_some_and(|d| query.contains(d) && d <= today) {
                r.referrals_converted += 1;
            }
        }
        if let Some(timer) = first_timer(entry, query, today) {
            new.entry(owner).or_default().push(timer);
        }
    }
    // Contacts and tasks are counted for whoever did them, who may own none of the population.
    let mut tallies: Vec<(String, Tally)> = Vec::new();
    for entry in book.population(query) {
        let done_by_contact: HashMap<&str, NaiveDate> = entry
            .contacts
            .iter()
            .filter_map(|c| Some((c.text("task_id")?, day_of(c, "at")?)))
            .collect();
        for contact in &entry.contacts {
            if day_of(contact, "at").is_some_and(|d| query.contains(d)) {
                let staff = contact.text("staff").unwrap_or(entry.owner);
                tallies.push((staff.to_owned(), Tally::Contact));
            }
        }
        for (id, task) in &entry.tasks {
            let Some(due) = day_of(task, "due") else {
                continue;
            };
            if !(query.from <= due && due <= last) {
                continue;
            }
            let staff = task.text("assignee").unwrap_or(entry.owner);
            let tally = match task.text("status") {
                Some("done") => {
                    let done = done_by_contact.get(id).copied().or_else(|| {
                        task.fields
                            .get("status")
                            .and_then(|s| stamp_day(&s.hlc, book.utc_offset_minutes))
                    });
                    if done.is_some_and(|d| d > due) {
                        Tally::Late
                    } else {
                        Tally::OnTime
                    }
                }
                Some("skipped") => Tally::Skipped,
                _ if due < today => Tally::Missed,
                _ => continue,
            };
            tallies.push((staff.to_owned(), tally));
        }
    }
    for (staff, tally) in tallies {
        let Some(r) = rows.get_mut(staff.as_str()) else {
            continue;
        };
        match tally {
            Tally::Contact => r.contacts += 1,
            Tally::OnTime => r.tasks_on_time += 1,
            Tally::Late => r.tasks_late += 1,
            Tally::Missed => r.tasks_missed += 1,
            Tally::Skipped => r.tasks_skipped += 1,
        }
    }
    let mut rows: Vec<StaffRow> = rows.into_values().collect();
    for r in &mut rows {
        if r.customers > 0 {
            r.completeness = completeness_sum
                .get(r.staff.as_str())
                .copied()
                .unwrap_or(0.0)
                / r.customers as f64;
        }
        let timers = new
            .get(r.staff.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        r.new_customers = timers.len();
        let returned = timers.iter().filter(|t| t.returned_on.is_some()).count();
        let waiting = timers.iter().filter(|t| t.waiting).count();
        r.repeat = Share::new(returned, timers.len() - waiting);
    }
    Staff { rows }
}

enum Tally {
    Contact,
    OnTime,
    Late,
    Missed,
    Skipped,
}
