//! Tier distribution over time and who moved (PRODUCT §9): tier counts at each month end of the
//! period (and its last day), and the customers whose tier on the period's last day differs from
//! their tier the day before it began, with the reason the rules give for the new tier.
//!
//! Tiers are computed by the same [`crate::retention::tier`] as the profile and Today, as of each
//! day, from the records — never a stored counter.

use super::{Book, Query, month_end};
use crate::retention::{RuleSet, Tier, tier_of};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most points of the distribution chart (the last ones of a long period).
pub const MAX_POINTS: usize = 13;

/// Tier counts on one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierPoint {
    pub day: NaiveDate,
    pub counts: BTreeMap<Tier, usize>,
}

/// A customer whose tier changed over the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierMove {
    pub customer_id: String,
    pub name: String,
    pub owner: String,
    pub from: Tier,
    pub to: Tier,
    /// Towards A.
    pub up: bool,
    /// Why the rules give the new tier (English, as `retention::tier` words it).
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TierReport {
    pub points: Vec<TierPoint>,
    /// Ups first, then downs; each by name.
    pub moves: Vec<TierMove>,
    /// Who is in each tier on the last point.
    pub members: BTreeMap<Tier, Vec<String>>,
}

/// The days the distribution is counted on: month ends inside the period, and its last day
/// (never after `today`); the last [`MAX_POINTS`] of them.
pub fn points(query: &Query, today: NaiveDate) -> Vec<NaiveDate> {
    let last = query.to.min(today);
    let mut days = Vec::new();
    let mut day = month_end(query.from);
    while day < last {
        days.push(day);
        day = month_end(day + chrono::Days::new(1));
    }
    if last >= query.from {
        days.push(last);
    }
    let skip = days.len().saturating_sub(MAX_POINTS);
    days.split_off(skip)
}

fn rank(tier: Tier) -> usize {
    Tier::ALL
        .iter()
        .position(|t| *t == tier)
        .unwrap_or(usize::MAX)
}

pub fn report(book: &Book<'_>, rules: &RuleSet, query: &Query, today: NaiveDate) -> TierReport {
    let days = points(query, today);
    let mut report = TierReport {
        points: days
            .iter()
            .map(|&day| TierPoint {
                day,
                counts: Tier::ALL.iter().map(|t| (*t, 0)).collect(),
            })
            .collect(),
        ..TierReport::default()
    };
    let Some(&last) = days.last() else {
        return report;
    };
    let before = query.from.pred_opt().unwrap_or(query.from);
    for entry in book.population(query) {
        let created = crate::retention::day_of(entry.customer, "created_at");
        let exists = |day: NaiveDate| created.is_none_or(|c| c <= day);
        let mut now = None;
        for (point, &day) in report.points.iter_mut().zip(&days) {
            if exists(day) {
                let result = tier_of(&entry.facts, day, rules);
                *point.counts.entry(result.tier).or_default() += 1;
                if day == last {
                    now = Some(result);
                }
            }
        }
        let Some(now) = now else {
            continue;
        };
        report
            .members
            .entry(now.tier)
            .or_default()
            .push(entry.id.to_owned());
        if exists(before) {
            let then = tier_of(&entry.facts, before, rules).tier;
            if then != now.tier {
                report.moves.push(TierMove {
                    customer_id: entry.id.to_owned(),
                    name: entry.name().to_owned(),
                    owner: entry.owner.to_owned(),
                    from: then,
                    to: now.tier,
                    up: rank(now.tier) < rank(then),
                    reason: now.reason,
                });
            }
        }
    }
    for ids in report.members.values_mut() {
        ids.sort_unstable();
    }
    report.moves.sort_by(|a, b| {
        b.up.cmp(&a.up)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    report
}
