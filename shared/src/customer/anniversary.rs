//! A customer's anniversaries (PRODUCT §8, shown with the birthdays): wedding and company
//! founding, kept like a birthday, and the first visit.
//!
//! - `anniversary:wedding` and `anniversary:founding` hold SYNC §1's birthday shape (solar or
//!   lunar, year optional) and follow [`Birthday`]'s rules for days that do not exist every
//!   year (Feb 29 → Feb 28, a leap month → the ordinary month, lunar day 30 → 29).
//! - The **first visit** is the day of the earliest visit not in the trash, in the solar calendar.
//! - An anniversary marks `years` when its year is known: the solar years since, or for a lunar
//!   one the lunar years since. The day itself (zero years) is not an anniversary.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::customer::anniversary::{Anniversary, AnniversaryKind, anniversaries_within};
//! use huitou_shared::{Change, Record};
//! let mut customer = Record::default();
//! let wedding = serde_json::json!({"calendar": "solar", "year": 2016, "month": 5, "day": 20});
//! customer.apply(&Change::new("customer", "c", "anniversary:wedding", wedding, "001764072000000:00000:deviceAA"));
//! let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
//! let first_visit = NaiveDate::from_ymd_opt(2024, 5, 22);
//! assert_eq!(anniversaries_within(&customer, first_visit, day(5, 18), 7), vec![
//!     Anniversary { date: day(5, 20), kind: AnniversaryKind::Wedding, years: Some(10) },
//!     Anniversary { date: day(5, 22), kind: AnniversaryKind::FirstVisit, years: Some(2) },
//! ]);
//! ```

use super::birthday::{Birthday, Calendar};
use super::lunar;
use crate::merge::Record;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Which anniversary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnniversaryKind {
    Wedding,
    Founding,
    FirstVisit,
}

impl AnniversaryKind {
    /// The anniversaries kept in a customer field (the first visit comes from the visits).
    pub const STORED: [AnniversaryKind; 2] = [AnniversaryKind::Wedding, AnniversaryKind::Founding];

    /// The customer field that holds it; `None` for the first visit.
    pub fn field(self) -> Option<&'static str> {
        match self {
            AnniversaryKind::Wedding => Some("anniversary:wedding"),
            AnniversaryKind::Founding => Some("anniversary:founding"),
            AnniversaryKind::FirstVisit => None,
        }
    }
}

/// One celebration of an anniversary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Anniversary {
    pub date: NaiveDate,
    pub kind: AnniversaryKind,
    /// How many years it marks, when the year is known (always ≥ 1).
    pub years: Option<u32>,
}

/// The customer's stored anniversary of `kind`, when it is readable; `None` for the first visit.
pub fn stored(customer: &Record, kind: AnniversaryKind) -> Option<Birthday> {
    customer.value(kind.field()?).and_then(Birthday::from_value)
}

/// The day of the earliest visit not in the trash (the local day of its `at`).
pub fn first_visit<'a>(visits: impl IntoIterator<Item = &'a Record>) -> Option<NaiveDate> {
    visits
        .into_iter()
        .filter(|visit| !visit.is_deleted())
        .filter_map(|visit| crate::retention::day_of(visit, "at"))
        .min()
}

/// Every celebration of `date` from `from` to `to` (both included), in order, by [`Birthday`]'s
/// rules; with the years each marks when the year is known (the day itself, zero, is left out).
pub fn celebrations_between(
    date: &Birthday,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, Option<u32>)> {
    let mut found = Vec::new();
    let mut next = Some(from);
    while let Some(celebration) = next
        .and_then(|on_or_after| date.next_on_or_after(on_or_after))
        .filter(|celebration| *celebration <= to)
    {
        match date.year {
            None => found.push((celebration, None)),
            Some(year) => {
                if let Some(years) = years_since(date.calendar, year, celebration)
                    .and_then(|years| u32::try_from(years).ok())
                    .filter(|years| *years >= 1)
                {
                    found.push((celebration, Some(years)));
                }
            }
        }
        next = celebration.checked_add_days(Days::new(1));
    }
    found
}

/// The years from `year` to the celebration on `date`: solar years, or for a lunar date the
/// lunar years (the one `date` falls in, counted by the Gregorian year it starts in).
fn years_since(calendar: Calendar, year: i32, date: NaiveDate) -> Option<i32> {
    let celebrated_in = match calendar {
        Calendar::Solar => date.year(),
        Calendar::Lunar => lunar::to_lunar(date)?.year,
    };
    Some(celebrated_in - year)
}

/// The customer's anniversaries from `today` to `days` days after it (both included), by date:
/// wedding and founding from their fields, the first visit from `first_visit` (see
/// [`first_visit`]).
pub fn anniversaries_within(
    customer: &Record,
    first_visit: Option<NaiveDate>,
    today: NaiveDate,
    days: u64,
) -> Vec<Anniversary> {
    let to = today.checked_add_days(Days::new(days)).unwrap_or(today);
    let first_visit = first_visit.map(|day| Birthday {
        calendar: Calendar::Solar,
        year: Some(day.year()),
        month: u8::try_from(day.month()).unwrap_or(1),
        day: u8::try_from(day.day()).unwrap_or(1),
        leap: false,
    });
    let kept = AnniversaryKind::STORED
        .into_iter()
        .filter_map(|kind| Some((kind, stored(customer, kind)?)));
    let mut found: Vec<Anniversary> = kept
        .chain(first_visit.map(|date| (AnniversaryKind::FirstVisit, date)))
        .flat_map(|(kind, date)| {
            celebrations_between(&date, today, to)
                .into_iter()
                .map(move |(date, years)| Anniversary { date, kind, years })
        })
        .collect();
    found.sort_unstable();
    found
}
