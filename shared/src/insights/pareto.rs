//! Pareto (80/20): how much of the period's revenue the top 20 % of customers bring.
//!
//! Customers with spend in the period are ranked by it; the top fifth is `ceil(n / 5)` customers
//! (so with revenue, their share is never under 20 %). The curve gives the cumulative revenue
//! share at every 5 % of customers.

use super::{Book, Query};
use serde::{Deserialize, Serialize};

/// Points of the curve: 0 %, 5 %, …, 100 % of customers.
pub const CURVE_STEPS: usize = 20;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ParetoFigures {
    /// Customers who spent in the period.
    pub customers: usize,
    pub revenue: f64,
    /// The top fifth of them.
    pub top_customers: usize,
    pub top_revenue: f64,
    /// `top_revenue / revenue`; `None` without revenue.
    pub top_share: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pareto {
    pub current: ParetoFigures,
    pub previous: ParetoFigures,
    /// `(share of customers, share of revenue)`, from (0, 0) to (1, 1).
    pub curve: Vec<(f64, f64)>,
    /// The top fifth's ids, highest spend first.
    pub top: Vec<String>,
}

/// Spend per customer in the period, highest first (ties by id).
fn ranked<'a>(book: &'a Book<'_>, query: &Query) -> Vec<(&'a str, f64)> {
    let mut spends: Vec<(&str, f64)> = book
        .population(query)
        .map(|e| (e.id, e.spend_between(query.from, query.to)))
        .filter(|(_, spend)| *spend > 0.0)
        .collect();
    spends.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    spends
}

fn figures(spends: &[(&str, f64)]) -> ParetoFigures {
    let revenue: f64 = spends.iter().map(|s| s.1).sum();
    let top_customers = spends.len().div_ceil(5);
    let top_revenue: f64 = spends[..top_customers].iter().map(|s| s.1).sum();
    ParetoFigures {
        customers: spends.len(),
        revenue,
        top_customers,
        top_revenue,
        top_share: (revenue > 0.0).then(|| top_revenue / revenue),
    }
}

pub fn report(book: &Book<'_>, query: &Query) -> Pareto {
    let spends = ranked(book, query);
    let current = figures(&spends);
    let mut curve = vec![(0.0, 0.0)];
    if current.revenue > 0.0 {
        let mut cumulative = Vec::with_capacity(spends.len());
        let mut sum = 0.0;
        for (_, spend) in &spends {
            sum += spend;
            cumulative.push(sum);
        }
        for step in 1..=CURVE_STEPS {
            let share = step as f64 / CURVE_STEPS as f64;
            let count = ((spends.len() as f64 * share).round() as usize).min(spends.len());
            let revenue = if count == 0 {
                0.0
            } else {
                cumulative[count - 1]
            };
            curve.push((share, revenue / current.revenue));
        }
    }
    Pareto {
        top: spends[..current.top_customers]
            .iter()
            .map(|s| s.0.to_owned())
            .collect(),
        previous: figures(&ranked(book, &query.previous())),
        current,
        curve,
    }
}
