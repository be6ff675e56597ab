//! RFM segments and the loyalty × contribution matrix.
//!
//! **RFM.** Every customer with a visit up to the period's last day (`day`, never after `today`)
//! gets three scores from 1 to 5, by quintile of rank among them:
//! - R, recency: days from the last visit to `day` (the most recent score 5);
//! - F, frequency: visits in the period;
//! - M, monetary: spend in the period.
//!
//! Equal values share the score of the first of them in rank order. The segment follows the
//! usual R × F grid:
//!
//! | F \ R | 5 | 4 | 3 | 2 | 1 |
//! |---|---|---|---|---|---|
//! | 4–5 | champions | champions | loyal | at risk | can't lose them |
//! | 2–3 | potential loyalists | potential loyalists | need attention | hibernating | hibernating |
//! | 1 | new | promising | about to sleep | lost | lost |
//!
//! **Loyalty × contribution** (seed 002: 客户忠诚度 — 客户交互频率, 客户贡献度 — 客户消费标准):
//! loyalty is the number of interactions in the period (visits and contacts), contribution the
//! spend in the period, each split into low / medium / high by tercile of rank.

use super::{Book, Query};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    Champions,
    Loyal,
    PotentialLoyalists,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}

impl Segment {
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalists,
        Segment::New,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLoseThem,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// The segment of the R × F grid above.
    pub fn of(r: u8, f: u8) -> Segment {
        match (f, r) {
            (4..=5, 4..=5) => Segment::Champions,
            (4..=5, 3) => Segment::Loyal,
            (4..=5, 2) => Segment::AtRisk,
            (4..=5, _) => Segment::CantLoseThem,
            (2..=3, 4..=5) => Segment::PotentialLoyalists,
            (2..=3, 3) => Segment::NeedAttention,
            (2..=3, _) => Segment::Hibernating,
            (_, 5) => Segment::New,
            (_, 4) => Segment::Promising,
            (_, 3) => Segment::AboutToSleep,
            _ => Segment::Lost,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Low, Level::Medium, Level::High];

    fn from_index(i: usize) -> Level {
        Level::ALL[i.min(2)]
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RfmRow {
    pub customer_id: String,
    pub name: String,
    pub owner: String,
    pub recency_days: i64,
    pub frequency: usize,
    pub monetary: f64,
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub segment: Segment,
    /// Visits and contacts in the period.
    pub interactions: usize,
    pub loyalty: Level,
    pub contribution: Level,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rfm {
    pub day: Option<NaiveDate>,
    /// Best segments first, then by monetary.
    pub rows: Vec<RfmRow>,
    pub segments: BTreeMap<Segment, usize>,
    /// `matrix[loyalty][contribution]`: customers per cell, low to high.
    pub matrix: [[usize; 3]; 3],
}

/// Scores `values` by `buckets`-quantile of rank, ascending (the largest value scores
/// `buckets`); equal values share the score of the first of them.
///
/// ```
/// use huitou_shared::insights::rfm::quantile_scores;
/// assert_eq!(quantile_scores(&[1.0, 2.0, 3.0, 4.0, 5.0], 5), vec![1, 2, 3, 4, 5]);
/// assert_eq!(quantile_scores(&[7.0, 7.0, 7.0], 5), vec![1, 1, 1]);
/// assert_eq!(quantile_scores(&[0.0, 9.0, 0.0, 9.0], 2), vec![1, 2, 1, 2]);
/// ```
pub fn quantile_scores(values: &[f64], buckets: usize) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut scores = vec![1u8; n];
    let mut first_of_run = 0;
    for (position, &i) in order.iter().enumerate() {
        if position > 0 && values[order[position - 1]] != values[i] {
            first_of_run = position;
        }
        scores[i] = (1 + first_of_run * buckets / n.max(1)) as u8;
    }
    scores
}

pub fn report(book: &Book<'_>, query: &Query, today: NaiveDate) -> Rfm {
    let day = query.to.min(today);
    let mut report = Rfm {
        day: Some(day),
        segments: Segment::ALL.iter().map(|s| (*s, 0)).collect(),
        ..Rfm::default()
    };
    struct Raw<'e> {
        id: &'e str,
        name: &'e str,
        owner: &'e str,
        recency: i64,
        frequency: usize,
        monetary: f64,
        interactions: usize,
    }
    let raw: Vec<Raw<'_>> = book
        .population(query)
        .filter_map(|entry| {
            let visits = entry.visits_to(day);
            let last = visits.last()?;
            let in_period: Vec<_> = visits.iter().filter(|v| v.day >= query.from).collect();
            let contacts = entry
                .contacts
                .iter()
                .filter_map(|c| crate::retention::day_of(c, "at"))
                .filter(|d| query.from <= *d && *d <= day)
                .count();
            Some(Raw {
                id: entry.id,
                name: entry.name(),
                owner: entry.owner,
                recency: (day - last.day).num_days(),
                frequency: in_period.len(),
                monetary: in_period.iter().map(|v| v.amount).sum(),
                interactions: in_period.len() + contacts,
            })
        })
        .collect();
    // Recency: fewer days is better, so it is scored on the negated value.
    let r = quantile_scores(
        &raw.iter().map(|x| -(x.recency as f64)).collect::<Vec<_>>(),
        5,
    );
    let f = quantile_scores(
        &raw.iter().map(|x| x.frequency as f64).collect::<Vec<_>>(),
        5,
    );
    let m = quantile_scores(&raw.iter().map(|x| x.monetary).collect::<Vec<_>>(), 5);
    let loyalty = quantile_scores(
        &raw.iter()
            .map(|x| x.interactions as f64)
            .collect::<Vec<_>>(),
        3,
    );
    let contribution = quantile_scores(&raw.iter().map(|x| x.monetary).collect::<Vec<_>>(), 3);
    for (i, x) in raw.iter().enumerate() {
        let segment = Segment::of(r[i], f[i]);
        let loyalty = Level::from_index(usize::from(loyalty[i]) - 1);
        let contribution = Level::from_index(usize::from(contribution[i]) - 1);
        *report.segments.entry(segment).or_default() += 1;
        report.matrix[loyalty as usize][contribution as usize] += 1;
        report.rows.push(RfmRow {
            customer_id: x.id.to_owned(),
            name: x.name.to_owned(),
            owner: x.owner.to_owned(),
            recency_days: x.recency,
            frequency: x.frequency,
            monetary: x.monetary,
            r: r[i],
            f: f[i],
            m: m[i],
            segment,
            interactions: x.interactions,
            loyalty,
            contribution,
        });
    }
    report.rows.sort_by(|a, b| {
        a.segment
            .cmp(&b.segment)
            .then_with(|| b.monetary.total_cmp(&a.monetary))
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    report
}
