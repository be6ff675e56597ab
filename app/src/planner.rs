//! Plans follow-up tasks on this device with the shared rules and writes the missing ones as
//! task records. Task ids are derived from customer, rule and due date, so two offline devices
//! planning the same task write the same record, never a second task.

use crate::replica::Replica;
use chrono::NaiveDate;
use huitou_shared::Kind;
use huitou_shared::merge::Record;
use huitou_shared::retention::tasks::{PlannedTask, TaskRules, generate_tasks};
use leptos::prelude::*;
use serde_json::Value;

/// Tasks the rules plan today for every customer on this device.
pub fn planned(replica: Replica, today: NaiveDate) -> Vec<(PlannedTask, Option<String>)> {
    let rules = TaskRules::default();
    replica.records.with_untracked(|records| {
        records
            .of_kind(Kind::CUSTOMER)
            .filter(|c| !c.record.is_deleted())
            .flat_map(|customer| {
                let children = |kind: &'static str| -> Vec<&Record> {
                    records
                        .children_of(kind, &customer.id)
                        .map(|r| &r.record)
                        .collect()
                };
                let owner = customer.record.text("owner").map(str::to_owned);
                generate_tasks(
                    &customer.id,
                    &customer.record,
                    &children(Kind::VISIT),
                    &children(Kind::REFERRAL),
                    &children(Kind::FAMILY),
                    today,
                    &rules,
                )
                .into_iter()
                .map(move |task| (task, owner.clone()))
            })
            .collect()
    })
}

/// Writes the planned tasks this device does not hold yet. Status is not written: a task
/// without one is open, and planning again never reopens a task someone finished.
pub async fn plan(replica: Replica, today: NaiveDate) {
    for (task, owner) in planned(replica, today) {
        let exists = replica
            .records
            .with_untracked(|r| r.get(Kind::TASK, &task.id).is_some());
        if exists {
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
