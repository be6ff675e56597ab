//! The organisation's own days (PRODUCT §8's "plus user-defined" holidays): the store's
//! anniversary, a local festival, an event — `org_day` records written by managers, read by
//! every device.
//!
//! An `org_day` record has `name`, `date` and `calendar` (`solar`, the default, or `lunar`):
//! - `MM-DD` is every year: for a lunar day, that lunar month and day each lunar year, by
//!   [`Birthday`]'s rules for days that do not exist every year (Feb 29 → Feb 28, lunar day
//!   30 → 29);
//! - `YYYY-MM-DD` is once: for a lunar day, that month and day of the lunar year starting in
//!   `YYYY` (an ordinary month; a day the year does not have is no date).
//!
//! A record in the trash (`deleted`), without a name, or with a date that is none is left out.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::retention::org_days::org_days_between;
//! use huitou_shared::{Change, Record};
//! let mut day = Record::default();
//! for (n, (field, value)) in [("name", "店庆"), ("date", "09-18"), ("calendar", "solar")].into_iter().enumerate() {
//!     day.apply(&Change::new("org_day", "d", field, value.into(), &format!("00176407200000{n}:00000:deviceAA")));
//! }
//! let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
//! assert_eq!(
//!     org_days_between([("d", &day)], date(9, 1), date(9, 30)),
//!     vec![(date(9, 18), "d".to_owned(), "店庆".to_owned())]
//! );
//! ```

use crate::customer::birthday::{Birthday, Calendar};
use crate::customer::lunar::{self, LunarDate};
use crate::merge::Record;
use chrono::{Days, NaiveDate};
use serde_json::Value;

/// One of the organisation's days, as read from its record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgDay {
    pub name: String,
    pub calendar: Calendar,
    /// The year of a day that happens once; `None` for every year.
    pub year: Option<i32>,
    pub month: u8,
    pub day: u8,
}

impl OrgDay {
    /// A day with these parts, when it can happen (a once day must exist in its year).
    ///
    /// ```
    /// use huitou_shared::customer::Calendar;
    /// use huitou_shared::retention::org_days::OrgDay;
    /// assert!(OrgDay::new("店庆", Calendar::Solar, None, 2, 29).is_some());
    /// assert!(OrgDay::new("店庆", Calendar::Solar, Some(2027), 2, 29).is_none());
    /// assert!(OrgDay::new("庙会", Calendar::Lunar, None, 1, 30).is_some());
    /// assert!(OrgDay::new("庙会", Calendar::Lunar, None, 1, 31).is_none());
    /// assert!(OrgDay::new(" ", Calendar::Solar, None, 1, 1).is_none());
    /// ```
    pub fn new(
        name: &str,
        calendar: Calendar,
        year: Option<i32>,
        month: u8,
        day: u8,
    ) -> Option<OrgDay> {
        let name = name.trim();
        let org_day = OrgDay {
            name: name.to_owned(),
            calendar,
            year,
            month,
            day,
        };
        let possible = match year {
            None => org_day.every_year().is_possible(),
            Some(_) => org_day.once().is_some(),
        };
        (!name.is_empty() && possible).then_some(org_day)
    }

    /// The day of an `org_day` record; `None` for one in the trash, without a name, or whose
    /// date is none.
    pub fn from_record(record: &Record) -> Option<OrgDay> {
        if record.is_deleted() {
            return None;
        }
        let calendar = match record.text("calendar") {
            Some("lunar") => Calendar::Lunar,
            _ => Calendar::Solar,
        };
        let (year, month, day) = parse_date(record.text("date")?)?;
        OrgDay::new(record.text("name")?, calendar, year, month, day)
    }

    /// The `date` field's text: `MM-DD`, or `YYYY-MM-DD` for a day that happens once.
    pub fn date_text(&self) -> String {
        match self.year {
            Some(year) => format!("{year:04}-{:02}-{:02}", self.month, self.day),
            None => format!("{:02}-{:02}", self.month, self.day),
        }
    }

    /// The record's fields as a manager's device writes them.
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        let calendar = match self.calendar {
            Calendar::Solar => "solar",
            Calendar::Lunar => "lunar",
        };
        vec![
            ("name", Value::from(self.name.clone())),
            ("date", Value::from(self.date_text())),
            ("calendar", Value::from(calendar)),
        ]
    }

    /// The solar dates of the day from `from` to `to` (both included), in order.
    pub fn between(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        if self.year.is_some() {
            return self
                .once()
                .filter(|date| from <= *date && *date <= to)
                .into_iter()
                .collect();
        }
        let every_year = self.every_year();
        let mut found = Vec::new();
        let mut next = Some(from);
        while let Some(date) = next
            .and_then(|on_or_after| every_year.next_on_or_after(on_or_after))
            .filter(|date| *date <= to)
        {
            found.push(date);
            next = date.checked_add_days(Days::new(1));
        }
        found
    }

    fn every_year(&self) -> Birthday {
        Birthday {
            calendar: self.calendar,
            year: None,
            month: self.month,
            day: self.day,
            leap: false,
        }
    }

    /// The solar date of a day that happens once.
    fn once(&self) -> Option<NaiveDate> {
        let year = self.year?;
        match self.calendar {
            Calendar::Solar => {
                NaiveDate::from_ymd_opt(year, u32::from(self.month), u32::from(self.day))
            }
            Calendar::Lunar => lunar::to_solar(LunarDate {
                year,
                month: self.month,
                leap: false,
                day: self.day,
            }),
        }
    }
}

/// Reads a `date` field: `MM-DD` → `(None, month, day)`, `YYYY-MM-DD` → `(Some(year), month,
/// day)`; the month must be 1–12, the day 1–31 (whether the day exists is [`OrgDay::new`]'s).
///
/// ```
/// use huitou_shared::retention::org_days::parse_date;
/// assert_eq!(parse_date("09-18"), Some((None, 9, 18)));
/// assert_eq!(parse_date("2026-09-18"), Some((Some(2026), 9, 18)));
/// assert_eq!(parse_date("13-01"), None);
/// assert_eq!(parse_date("9-18"), None);
/// assert_eq!(parse_date("2026/09/18"), None);
/// ```
pub fn parse_date(text: &str) -> Option<(Option<i32>, u8, u8)> {
    let digits = |part: &str, len: usize| {
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let parts: Vec<&str> = text.split('-').collect();
    let (year, month, day) = match parts.as_slice() {
        [month, day] => (None, *month, *day),
        [year, month, day] => (Some(i32::try_from(digits(year, 4)?).ok()?), *month, *day),
        _ => return None,
    };
    let month = u8::try_from(digits(month, 2)?).ok()?;
    let day = u8::try_from(digits(day, 2)?).ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

/// The organisation's days from `from` to `to` (both included) among `records` (`(id,
/// record)` of kind `org_day`): `(date, id, name)`, by date, then name, then id.
pub fn org_days_between<'a>(
    records: impl IntoIterator<Item = (&'a str, &'a Record)>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, String, String)> {
    let mut found: Vec<(NaiveDate, String, String)> = records
        .into_iter()
        .filter_map(|(id, record)| Some((id, OrgDay::from_record(record)?)))
        .flat_map(|(id, day)| {
            day.between(from, to)
                .into_iter()
                .map(move |date| (date, id.to_owned(), day.name.clone()))
        })
        .collect();
    found.sort_unstable_by(|a, b| (a.0, &a.2, &a.1).cmp(&(b.0, &b.2, &b.1)));
    found
}
