//! Cohort retention: customers grouped by the month of their first visit (a cohort), and for
//! each later month the number of them who visited in it — the retention triangle.
//!
//! `returning[k - 1]` counts the cohort's customers with a visit in the k-th month after their
//! first, for every month up to `today`'s (so the triangle's rows shorten towards the present),
//! at most [`MAX_MONTHS`] months.

use super::{Book, Entry, Query, add_months, month_key, month_start, months_between};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest row of the triangle.
pub const MAX_MONTHS: usize = 24;

/// One first-visit month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// `YYYY-MM`.
    pub month: String,
    pub size: usize,
    /// Customers of the cohort who visited 1, 2, … months after their first.
    pub returning: Vec<usize>,
}

/// The triangle, oldest cohort first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cohorts {
    pub cohorts: Vec<Cohort>,
}

/// The months after its first visit in which `entry` visited (1 = the next month), up to `today`.
fn later_months(entry: &Entry<'_>, first: NaiveDate, today: NaiveDate) -> Vec<usize> {
    let mut months: Vec<usize> = entry
        .visits_to(today)
        .iter()
        .map(|v| months_between(first, v.day))
        .filter(|&k| k >= 1 && k as usize <= MAX_MONTHS)
        .map(|k| k as usize)
        .collect();
    months.dedup();
    months
}

/// The cohorts whose first-visit month starts in the period.
pub fn report(book: &Book<'_>, query: &Query, today: NaiveDate) -> Cohorts {
    let mut by_month: BTreeMap<NaiveDate, Cohort> = BTreeMap::new();
    for entry in book.population(query) {
        let Some(first) = entry.first_visit() else {
            continue;
        };
        if !query.contains(first) || first > today {
            continue;
        }
        let month = month_start(first);
        let cohort = by_month.entry(month).or_insert_with(|| {
            let length = months_between(month, today).clamp(0, MAX_MONTHS as i64) as usize;
            Cohort {
                month: month_key(month),
                size: 0,
                returning: vec![0; length],
            }
        });
        cohort.size += 1;
        for k in later_months(entry, first, today) {
            if let Some(count) = cohort.returning.get_mut(k - 1) {
                *count += 1;
            }
        }
    }
    Cohorts {
        cohorts: by_month.into_values().collect(),
    }
}

/// The customers behind every cell: `(cohort month, offset)` → sorted ids, offset 0 being the
/// whole cohort (one pass over the book, for a screen that opens any cell).
pub fn members(
    book: &Book<'_>,
    query: &Query,
    today: NaiveDate,
) -> BTreeMap<(String, usize), Vec<String>> {
    let mut cells: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
    for entry in book.population(query) {
        let Some(first) = entry.first_visit() else {
            continue;
        };
        if !query.contains(first) || first > today {
            continue;
        }
        let month = month_key(first);
        for offset in std::iter::once(0).chain(later_months(entry, first, today)) {
            cells
                .entry((month.clone(), offset))
                .or_default()
                .push(entry.id.to_owned());
        }
    }
    for ids in cells.values_mut() {
        ids.sort_unstable();
    }
    cells
}

/// The month `offset` months after a cohort's month, for column titles.
pub fn month_after(month: &str, offset: usize) -> Option<String> {
    let day = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    Some(month_key(add_months(day, offset as i64)))
}
