//! Lifetime value (终身价值): what each customer has spent up to the period's last day, and a
//! projection from their own cadence.
//!
//! The projection, as the screen writes it: **average ticket × visits a year × 3 years**, added
//! to the spend so far. Visits a year come from the customer's own rhythm (365 ÷ the median gap
//! between their visit days, the same rhythm the dormancy rule reads). A customer with a single
//! visit day has no rhythm yet, and a dormant customer is not expected back, so their projection
//! is what they have spent.
//!
//! Seed 002's worked example: customer A's twelve monthly spends sum to 285000 and customer B's
//! three to 53000 (see `shared/tests/insights.rs`).

use super::{Book, Query};
use crate::retention::{DormancyRule, dormancy_of_days};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Years the projection looks ahead.
pub const PROJECTION_YEARS: f64 = 3.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LifetimeRow {
    pub customer_id: String,
    pub name: String,
    pub owner: String,
    pub lifetime_spend: f64,
    pub visit_count: usize,
    pub average_ticket: f64,
    pub first_visit: NaiveDate,
    pub last_visit: NaiveDate,
    /// From the customer's own rhythm; `None` without one (a single visit day) or when dormant.
    pub visits_per_year: Option<f64>,
    /// Spend so far plus the projection.
    pub projected: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lifetime {
    pub projection_years: f64,
    pub total_spend: f64,
    pub total_projected: f64,
    /// Highest lifetime spend first.
    pub rows: Vec<LifetimeRow>,
}

pub fn report(book: &Book<'_>, query: &Query, today: NaiveDate) -> Lifetime {
    let day = query.to.min(today);
    let mut report = Lifetime {
        projection_years: PROJECTION_YEARS,
        ..Lifetime::default()
    };
    let rule = DormancyRule::default();
    for entry in book.population(query) {
        let visits = entry.visits_to(day);
        let (Some(first), Some(last)) = (visits.first(), visits.last()) else {
            continue;
        };
        let spend: f64 = visits.iter().map(|v| v.amount).sum();
        let average_ticket = spend / visits.len() as f64;
        let rhythm = dormancy_of_days(&entry.days(), day, &rule);
        let visits_per_year = rhythm
            .usual_interval_days
            .filter(|gap| *gap > 0.0 && !rhythm.dormant)
            .map(|gap| 365.0 / gap);
        let projected =
            spend + visits_per_year.map_or(0.0, |n| average_ticket * n * PROJECTION_YEARS);
        report.total_spend += spend;
        report.total_projected += projected;
        report.rows.push(LifetimeRow {
            customer_id: entry.id.to_owned(),
            name: entry.name().to_owned(),
            owner: entry.owner.to_owned(),
            lifetime_spend: spend,
            visit_count: visits.len(),
            average_ticket,
            first_visit: first.day,
            last_visit: last.day,
            visits_per_year,
            projected,
        });
    }
    report.rows.sort_by(|a, b| {
        b.lifetime_spend
            .total_cmp(&a.lifetime_spend)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    report
}
