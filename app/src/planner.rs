//! Plans tasks on this device with the shared rules and writes the missing ones as task
//! records: the rule-driven tasks for everyone (follow-up, birthday, win-back, referral,
//! cumulative-spend thanks) and the holiday tasks of each customer's tier playbook, all under
//! the organisation's synced configuration ([`crate::org::Org`]). Task ids are derived from
//! customer, rule and due date, so two offline devices planning the same task write the same
//! record, never a second task.

use crate::org::{self, Org};
use crate::replica::{Records, Replica};
use chrono::NaiveDate;
use huitou_shared::Kind;
use huitou_shared::retention::playbooks::Playbook;
use huitou_shared::retention::playbooks::playbook_tasks;
use huitou_shared::retention::tasks::{PlannedTask, generate_tasks};
use huitou_shared::retention::{History, Tier, tier};
use leptos::prelude::*;
use serde_json::Value;

/// Tasks the rules plan today for every customer on this device, with the customer's owner.
pub fn planned(
    replica: Replica,
    org: &Org,
    today: NaiveDate,
) -> Vec<(PlannedTask, Option<String>)> {
    replica
        .records
        .with_untracked(|records| planned_in(records, org, today))
}

/// [`planned`] over a set of records: every customer's tier under the active rules, the rule
/// tasks and the tier's playbook tasks.
pub fn planned_in(
    records: &Records,
    org: &Org,
    today: NaiveDate,
) -> Vec<(PlannedTask, Option<String>)> {
    let rules = &org.settings.task_rules;
    let histories = org::histories(records);
    let empty = History::default();
    let no_playbook = Playbook {
        tier: Tier::Regular,
        steps: Vec::new(),
    };
    records
        .of_kind(Kind::CUSTOMER)
        .filter(|c| !c.record.is_deleted())
        .flat_map(|customer| {
            let all = histories.get(customer.id.as_str()).unwrap_or(&empty);
            let owner = customer.record.text("owner").map(str::to_owned);
            let tier = tier(&customer.record, &all.as_of(today), today, &org.rules).tier;
            let mut tasks = generate_tasks(
                &customer.id,
                &customer.record,
                &all.visits,
                &all.referrals,
                &all.family,
                today,
                rules,
            );
            tasks.extend(playbook_tasks(
                &customer.id,
                &customer.record,
                tier,
                org.playbooks.get(&tier).unwrap_or(&no_playbook),
                today,
                rules,
            ));
            tasks.into_iter().map(move |task| (task, owner.clone()))
        })
        .collect()
}

/// Writes the planned tasks this device does not hold yet. Status is not written: a task
/// without one is open, and planning again never reopens a task someone finished.
pub async fn plan(replica: Replica, org: Org, today: NaiveDate) {
    for (task, owner) in planned(replica, &org, today) {
        // Already planned (here or on another device), or for a customer this device does not
        // hold (a referred customer who belongs to someone else): nothing to write.
        let skip = replica.records.with_untracked(|r| {
            r.get(Kind::TASK, &task.id).is_some()
                || r.get(Kind::CUSTOMER, &task.customer_id).is_none()
        });
        if skip {
            continue;
        }
        let mut fields: Vec<(String, Value)> = task
            .fields()
            .into_iter()
            .map(|(field, value)| (field.to_owned(), value))
            .collect();
        if let Some(owner) = owner {
            fields.push(("owner".to_owned(), Value::String(owner)));
        }
        if let Err(e) = replica.edit(Kind::TASK, &task.id, fields).await {
            replica.storage_error.set(Some(e.to_string()));
            return;
        }
    }
}
