//! Dormancy and the predicted next visit (PRODUCT §6): a customer's own rhythm, from the gaps
//! between their visit days.
//!
//! - The **usual interval** is the median gap in days between consecutive visit days (several
//!   visits on one day are one visit day; the median of an even count is the mean of the two
//!   middle gaps).
//! - **Predicted next visit** = last visit day + usual interval (rounded to whole days);
//!   `None` with fewer than two visit days.
//! - **Dormant** when the days since the last visit exceed usual interval × `factor`
//!   (default 2), or exceed `fallback_days` (default 60) when there are fewer than
//!   `min_visit_days` (default 3) visit days. A customer who never visited is not dormant:
//!   there is nothing to win back.
//!
//! Only visits dated on or before the day asked about count; visits in the trash never do.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::{Change, Record};
//! use huitou_shared::retention::{dormancy, DormancyRule};
//! let visit = |at: &str| {
//!     let mut visit = Record::default();
//!     visit.apply(&Change::new("visit", "v", "at", at.into(), "001764072000001:00000:deviceAA"));
//!     visit
//! };
//! let visits = [visit("2026-01-01T12:00:00+08:00"), visit("2026-01-11T12:00:00+08:00"), visit("2026-01-21T12:00:00+08:00")];
//! let visits: Vec<&Record> = visits.iter().collect();
//! let day = |d| NaiveDate::from_ymd_opt(2026, 2, d).unwrap();
//! let calm = dormancy(&visits, day(10), &DormancyRule::default());
//! assert_eq!(calm.predicted_next_visit, NaiveDate::from_ymd_opt(2026, 1, 31));
//! assert!(!calm.dormant); // 20 days since, not more than 2 × 10
//! assert!(dormancy(&visits, day(11), &DormancyRule::default()).dormant);
//! ```

use super::day_of;
use crate::merge::Record;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// When a customer counts as dormant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DormancyRule {
    /// Dormant after the usual interval times this.
    pub factor: f64,
    /// Dormant after this many days when there are too few visit days for an interval.
    pub fallback_days: i64,
    /// Visit days needed before the customer's own interval is trusted.
    pub min_visit_days: usize,
}

impl Default for DormancyRule {
    fn default() -> Self {
        Self {
            factor: 2.0,
            fallback_days: 60,
            min_visit_days: 3,
        }
    }
}

/// A customer's visit rhythm as of one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dormancy {
    pub last_visit: Option<NaiveDate>,
    pub days_since_last_visit: Option<i64>,
    /// Median gap between visit days; `None` with fewer than two visit days.
    pub usual_interval_days: Option<f64>,
    pub predicted_next_visit: Option<NaiveDate>,
    pub dormant: bool,
    /// The first day the customer counts as dormant (when they have visited at all): the day a
    /// win-back task is due. It stays the same day after day until the customer comes back.
    pub dormant_from: Option<NaiveDate>,
}

/// The visit rhythm of `visits` as of the end of `day`.
pub fn dormancy(visits: &[&Record], day: NaiveDate, rule: &DormancyRule) -> Dormancy {
    let mut days: Vec<NaiveDate> = visits
        .iter()
        .filter(|visit| !visit.is_deleted())
        .filter_map(|visit| day_of(visit, "at"))
        .collect();
    days.sort_unstable();
    dormancy_of_days(&days, day, rule)
}

/// [`dormancy`] over the visit days already read and sorted (repeats allowed; days after `day`
/// are left out here).
pub fn dormancy_of_days(sorted: &[NaiveDate], day: NaiveDate, rule: &DormancyRule) -> Dormancy {
    let mut days: Vec<NaiveDate> = sorted[..sorted.partition_point(|d| *d <= day)].to_vec();
    days.dedup();
    let Some(&last) = days.last() else {
        return Dormancy {
            last_visit: None,
            days_since_last_visit: None,
            usual_interval_days: None,
            predicted_next_visit: None,
            dormant: false,
            dormant_from: None,
        };
    };
    let mut gaps: Vec<i64> = days.windows(2).map(|w| (w[1] - w[0]).num_days()).collect();
    gaps.sort_unstable();
    let usual = match gaps.len() {
        0 => None,
        n if n % 2 == 1 => Some(gaps[n / 2] as f64),
        n => Some((gaps[n / 2 - 1] + gaps[n / 2]) as f64 / 2.0),
    };
    let predicted = usual.map(|usual| last + chrono::Days::new(usual.round() as u64));
    // Dormant once more than `threshold` days have passed.
    let threshold = match usual {
        Some(usual) if days.len() >= rule.min_visit_days => (usual * rule.factor).floor() as i64,
        _ => rule.fallback_days,
    };
    let since = (day - last).num_days();
    let dormant_from = last.checked_add_days(chrono::Days::new(threshold.max(0) as u64 + 1));
    Dormancy {
        last_visit: Some(last),
        days_since_last_visit: Some(since),
        usual_interval_days: usual,
        predicted_next_visit: predicted,
        dormant: since > threshold,
        dormant_from,
    }
}
