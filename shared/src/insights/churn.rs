//! Churn (PRODUCT §9): who is slipping away, which segment, since when, and the win-back work.
//!
//! As of the period's last day (or `today`, whichever is earlier):
//! - **dormant**: past their own rhythm by the default [`DormancyRule`] (twice the usual gap, or
//!   60 days with too few visits) — the same rule that plans win-back tasks;
//! - **lost**: a salesperson set the relationship stage to `lost` (with a reason, when given).
//!
//! `by_tier` says which segment is churning (share of each tier's customers, tier as of the same
//! day); `by_month` says since when (customers whose dormancy began in each month of the period).

use super::{Book, Query, Share, month_key};
use crate::retention::{DormancyRule, Tier, dormancy_of_days, tier_of};
use crate::retention::{RuleSet, TaskKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChurnState {
    Dormant,
    Lost,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChurnRow {
    pub customer_id: String,
    pub name: String,
    pub owner: String,
    pub state: ChurnState,
    pub tier: Tier,
    pub last_visit: Option<NaiveDate>,
    /// The first day they counted as dormant.
    pub dormant_from: Option<NaiveDate>,
    pub lifetime_spend: f64,
    pub visit_count: usize,
    /// The `lost_reason` written on the profile, "" when none.
    pub lost_reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierChurn {
    pub tier: Tier,
    /// Churned of the tier's customers.
    pub share: Share,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WinBack {
    /// Win-back tasks due in the period.
    pub planned: usize,
    pub done: usize,
    pub skipped: usize,
    /// Due before `today` and still open.
    pub missed: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Churn {
    pub day: Option<NaiveDate>,
    /// Highest lifetime spend first.
    pub rows: Vec<ChurnRow>,
    pub by_tier: Vec<TierChurn>,
    /// `YYYY-MM` → customers whose dormancy began that month (months of the period).
    pub by_month: BTreeMap<String, usize>,
    /// Customers whose dormancy began in the period, and in the period before.
    pub newly_dormant: usize,
    pub newly_dormant_before: usize,
    pub win_back: WinBack,
}

pub fn report(book: &Book<'_>, rules: &RuleSet, query: &Query, today: NaiveDate) -> Churn {
    let day = query.to.min(today);
    let mut churn = Churn {
        day: Some(day),
        ..Churn::default()
    };
    if day < query.from {
        return churn;
    }
    let previous = query.previous();
    let mut tiers: BTreeMap<Tier, (usize, usize)> =
        Tier::ALL.iter().map(|t| (*t, (0, 0))).collect();
    let rule = DormancyRule::default();
    for entry in book.population(query) {
        for (_, task) in &entry.tasks {
            if task.text("kind") != Some(TaskKind::WinBack.as_str()) {
                continue;
            }
            let Some(due) = crate::retention::day_of(task, "due") else {
                continue;
            };
            if !query.contains(due) {
                continue;
            }
            churn.win_back.planned += 1;
            match task.text("status") {
                Some("done") => churn.win_back.done += 1,
                Some("skipped") => churn.win_back.skipped += 1,
                _ if due < today => churn.win_back.missed += 1,
                _ => {}
            }
        }
        let visits = entry.visits_to(day);
        if visits.is_empty() {
            continue;
        }
        let rhythm = dormancy_of_days(&entry.days(), day, &rule);
        let lost = entry.customer.text("stage") == Some("lost");
        let tier = tier_of(&entry.facts, day, rules).tier;
        let counts = tiers.entry(tier).or_default();
        counts.0 += 1;
        if let Some(from) = rhythm.dormant_from {
            if query.contains(from) && from <= day {
                churn.newly_dormant += 1;
                *churn.by_month.entry(month_key(from)).or_default() += 1;
            } else if previous.contains(from) {
                churn.newly_dormant_before += 1;
            }
        }
        if !(rhythm.dormant || lost) {
            continue;
        }
        counts.1 += 1;
        churn.rows.push(ChurnRow {
            customer_id: entry.id.to_owned(),
            name: entry.name().to_owned(),
            owner: entry.owner.to_owned(),
            state: if lost {
                ChurnState::Lost
            } else {
                ChurnState::Dormant
            },
            tier,
            last_visit: rhythm.last_visit,
            dormant_from: rhythm.dormant_from.filter(|_| rhythm.dormant),
            lifetime_spend: visits.iter().map(|v| v.amount).sum(),
            visit_count: visits.len(),
            lost_reason: entry
                .customer
                .text("lost_reason")
                .unwrap_or_default()
                .to_owned(),
        });
    }
    churn.by_tier = tiers
        .into_iter()
        .map(|(tier, (customers, churned))| TierChurn {
            tier,
            share: Share::new(churned, customers),
        })
        .collect();
    churn.rows.sort_by(|a, b| {
        b.lifetime_spend
            .total_cmp(&a.lifetime_spend)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    churn
}
