//! Plans tasks on this device with the shared rules and writes the missing ones as task
//! records: the rule-driven tasks for everyone (follow-up, birthday, win-back, referral,
//! cumulative-spend thanks) and the holiday tasks of each customer's tier playbook, all under
//! the organisation's synced configuration ([`crate::org::Org`]). Task ids are derived from
//! customer, rule and due date, so two offline devices planning the same task write the same
//! record, never a second task.

use crate::derived::Derived;
use crate::org::Org;
use crate::replica::{Records, Replica};
use chrono::NaiveDate;
use huitou_shared::Kind;
use huitou_shared::retention::tasks::PlannedTask;
use leptos::prelude::*;
use serde_json::Value;

/// Tasks the rules plan today for every customer in `records`, with the customer's owner, from
/// scratch: every customer's tier under the active rules, the rule tasks and the tier's
/// playbook tasks. (The app keeps them per customer in the replica's [`Derived`].)
pub fn planned_in(
    records: &Records,
    org: &Org,
    today: NaiveDate,
) -> Vec<(PlannedTask, Option<String>)> {
    let mut derived = Derived::default();
    derived.refresh(records, org, today);
    derived.planned().cloned().collect()
}

/// The planned tasks this device does not hold yet, as `(task id, fields)` to write. Status is
/// not written: a task without one is open, and planning again never reopens a task someone
/// finished.
pub fn to_write<'a>(
    records: &Records,
    planned: impl IntoIterator<Item = &'a (PlannedTask, Option<String>)>,
) -> Vec<(String, Vec<(String, Value)>)> {
    let mut seen = std::collections::HashSet::new();
    planned
        .into_iter()
        // One task planned from two customers' facts (a referral's thanks): written once.
        .filter(|(task, _)| seen.insert(task.id.clone()))
        // Already planned (here or on another device), or for a customer this device does not
        // hold (a referred customer who belongs to someone else), waiting in the shared pool
        // (its claimer's devices plan it) or erased: nothing to write.
        .filter(|(task, _)| {
            records.get(Kind::TASK, &task.id).is_none()
                && records
                    .get(Kind::CUSTOMER, &task.customer_id)
                    .is_some_and(|c| {
                        c.record.text("owner") != Some(huitou_shared::customer::pool::POOL)
                            && !huitou_shared::customer::erasure::is_erased(&c.record)
                    })
        })
        .map(|(task, owner)| {
            let mut fields: Vec<(String, Value)> = task
                .fields()
                .into_iter()
                .map(|(field, value)| (field.to_owned(), value))
                .collect();
            if let Some(owner) = owner {
                fields.push(("owner".to_owned(), Value::String(owner.clone())));
            }
            (task.id.clone(), fields)
        })
        .collect()
}

/// Writes the planned tasks this device does not hold yet ([`to_write`]).
pub async fn plan(replica: Replica, org: Org, today: NaiveDate) {
    let writes = replica.records.with_untracked(|records| {
        replica
            .derived
            .try_update_value(|derived| {
                derived.refresh(records, &org, today);
                to_write(records, derived.planned())
            })
            .unwrap_or_default()
    });
    for (id, fields) in writes {
        // Written meanwhile (a pull brought it): nothing to write.
        if replica
            .records
            .with_untracked(|r| r.get(Kind::TASK, &id).is_some())
        {
            continue;
        }
        if let Err(e) = replica.edit(Kind::TASK, &id, fields).await {
            replica.storage_error.set(Some(e.to_string()));
            return;
        }
    }
}
