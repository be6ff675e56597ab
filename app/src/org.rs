//! The organisation's retention configuration as this device holds it: the active tier rule
//! set, each tier's playbook and the settings (call windows, task thresholds), all read from
//! synced records with the same `huitou_shared` functions the server uses, so a tier or a
//! task is the same on every device and in the summary endpoint.

use crate::replica::Records;
use chrono::NaiveDate;
use huitou_shared::Kind;
use huitou_shared::merge::Record;
use huitou_shared::retention::playbooks::{Playbook, playbooks};
use huitou_shared::retention::settings::OrgSettings;
use huitou_shared::retention::{History, RuleSet, Summary, Tier, active_rule_set, summarize};
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, PartialEq)]
pub struct Org {
    /// The active rule set, and the id of its record (`None`: the built-in restaurant rules).
    pub rules: RuleSet,
    pub rules_id: Option<String>,
    pub playbooks: BTreeMap<Tier, Playbook>,
    pub settings: OrgSettings,
}

impl Org {
    pub fn from_records(records: &Records) -> Self {
        let sets: Vec<(&str, &Record)> = records
            .of_kind(Kind::RULE_SET)
            .map(|r| (r.id.as_str(), &r.record))
            .collect();
        let (rules_id, rules) = match active_rule_set(sets) {
            Some((id, set)) => (Some(id.to_owned()), set),
            None => (None, RuleSet::restaurant_default()),
        };
        Self {
            rules,
            rules_id,
            playbooks: playbooks(
                records
                    .of_kind(Kind::PLAYBOOK)
                    .map(|r| (r.id.as_str(), &r.record)),
            ),
            settings: OrgSettings::from_record(
                records
                    .get(Kind::SETTINGS, OrgSettings::RECORD_ID)
                    .map(|r| &r.record),
            ),
        }
    }

    /// The tier's playbook (empty for Regular and New).
    pub fn playbook(&self, tier: Tier) -> Playbook {
        self.playbooks
            .get(&tier)
            .cloned()
            .unwrap_or_else(|| Playbook::default_for(tier))
    }
}

/// The organisation's configuration, recomputed only when its records change. Created once at
/// the root (by [`provide_org`]), so every page shares one memo.
pub fn use_org() -> Memo<Org> {
    expect_context::<Memo<Org>>()
}

/// Provides [`use_org`]'s memo; called once by the root component.
pub fn provide_org(replica: crate::replica::Replica) {
    provide_context(Memo::new(move |_| replica.records.with(Org::from_records)));
}

/// A customer's child records sorted for the retention rules.
pub fn history<'a>(records: &'a Records, customer_id: &'a str) -> History<'a> {
    records.history(customer_id)
}

/// Every customer's history in one pass over the child records (`history` per customer would
/// scan every visit once per customer).
pub fn histories(records: &Records) -> HashMap<&str, History<'_>> {
    let mut all: HashMap<&str, History<'_>> = HashMap::new();
    for kind in [Kind::VISIT, Kind::REFERRAL, Kind::SUGGESTION, Kind::FAMILY] {
        for child in records.of_kind(kind) {
            if let Some(customer_id) = child.record.text("customer_id") {
                let history = all.entry(customer_id).or_default();
                match kind {
                    Kind::VISIT => history.visits.push(&child.record),
                    Kind::REFERRAL => history.referrals.push(&child.record),
                    Kind::SUGGESTION => history.suggestions.push(&child.record),
                    _ => history.family.push(&child.record),
                }
            }
        }
    }
    all
}

/// The customer's summary on `day` under the organisation's active rules.
pub fn summary(records: &Records, customer_id: &str, day: NaiveDate, org: &Org) -> Option<Summary> {
    let customer = records.get(Kind::CUSTOMER, customer_id)?;
    Some(summarize(
        &customer.record,
        &history(records, customer_id),
        day,
        &org.rules,
    ))
}
