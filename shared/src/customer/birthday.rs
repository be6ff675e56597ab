//! A customer's birthday in the solar or the lunar calendar, and when it is celebrated each year.
//!
//! The stored shape is SYNC §1's `birthday` field:
//! `{"calendar": "solar"|"lunar", "year": 1988|null, "month": 1-12, "day": 1-31, "leap": false}`.
//!
//! Our rules for dates that do not exist every year (PRODUCT §2; the calendar only says when a
//! day exists, what a birthday means otherwise is ours):
//! - **Feb 29** (solar) is celebrated on **Feb 28** in common years.
//! - A **leap-month** lunar birthday (e.g. 闰六月初一) is celebrated in the **ordinary month of
//!   the same number** (六月初一) in years without that leap month; an ordinary-month birthday is
//!   always celebrated in the ordinary month, even in a year that also has its leap twin.
//! - Lunar **day 30** in a 29-day month is celebrated on **day 29**.
//! - A lunar birthday is celebrated once per *lunar* year. Because a lunar year starts in
//!   January or February, a 冬月/腊月 birthday usually falls in January or February of the next
//!   solar year, and now and then one solar year holds two celebrations and a neighbour none.
//!   [`Birthday::occurs_in`] gives the **first celebration within that solar year** (of the
//!   lunar year starting in `solar_year - 1` or in `solar_year`), so it gives exactly one date
//!   whenever the year holds any; [`Birthday::next_on_or_after`] walks the lunar years
//!   themselves, so it never skips a celebration.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::customer::{Birthday, Calendar};
//! let spring_festival = Birthday { calendar: Calendar::Lunar, year: None, month: 1, day: 1, leap: false };
//! assert_eq!(spring_festival.occurs_in(2026), NaiveDate::from_ymd_opt(2026, 2, 17));
//! let json = serde_json::json!({"calendar": "lunar", "year": null, "month": 1, "day": 1, "leap": false});
//! assert_eq!(Birthday::from_value(&json), Some(spring_festival));
//! ```

use super::lunar::{self, LunarDate};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which calendar a birthday is kept in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Calendar {
    Solar,
    Lunar,
}

/// SYNC §1's `birthday` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Birthday {
    pub calendar: Calendar,
    /// Birth year (Gregorian for solar; for lunar, the Gregorian year in which that lunar year starts).
    #[serde(default)]
    pub year: Option<i32>,
    /// 1..=12.
    pub month: u8,
    /// 1..=31 for solar, 1..=30 for lunar.
    pub day: u8,
    /// Born in the leap month (闰月) `month`; meaningless and ignored for solar birthdays.
    #[serde(default)]
    pub leap: bool,
}

impl Birthday {
    /// Reads a stored `birthday` field; `None` unless it has SYNC's shape and names a possible day.
    ///
    /// ```
    /// use huitou_shared::customer::Birthday;
    /// use serde_json::json;
    /// assert!(Birthday::from_value(&json!({"calendar": "solar", "year": 1988, "month": 5, "day": 20, "leap": false})).is_some());
    /// assert!(Birthday::from_value(&json!({"calendar": "solar", "year": null, "month": 2, "day": 30, "leap": false})).is_none());
    /// assert!(Birthday::from_value(&json!({"calendar": "lunar", "year": null, "month": 1, "day": 31, "leap": false})).is_none());
    /// assert!(Birthday::from_value(&json!("1988-05-20")).is_none());
    /// ```
    pub fn from_value(value: &Value) -> Option<Birthday> {
        let birthday = Birthday::deserialize(value).ok()?;
        birthday.is_possible().then_some(birthday)
    }

    /// The value to store in the `birthday` field.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// True when the month and day can happen (in some year, or in `year` when it is known).
    pub(crate) fn is_possible(&self) -> bool {
        if !(1..=12).contains(&self.month) || self.day == 0 {
            return false;
        }
        match (self.calendar, self.year) {
            (Calendar::Solar, Some(_)) => self.solar_date().is_some(),
            // 2000 is a leap year, so Feb 29 passes.
            (Calendar::Solar, None) => {
                NaiveDate::from_ymd_opt(2000, u32::from(self.month), u32::from(self.day)).is_some()
            }
            (Calendar::Lunar, Some(_)) => self.solar_date().is_some(),
            (Calendar::Lunar, None) => self.day <= 30,
        }
    }

    /// The day of birth as a solar date, when the year is known and the day exists.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use huitou_shared::customer::{Birthday, Calendar};
    /// let born = Birthday { calendar: Calendar::Lunar, year: Some(2025), month: 6, day: 1, leap: true };
    /// assert_eq!(born.solar_date(), NaiveDate::from_ymd_opt(2025, 7, 25));
    /// ```
    pub fn solar_date(&self) -> Option<NaiveDate> {
        let year = self.year?;
        match self.calendar {
            Calendar::Solar => {
                NaiveDate::from_ymd_opt(year, u32::from(self.month), u32::from(self.day))
            }
            Calendar::Lunar => lunar::to_solar(self.lunar_date_in(year)),
        }
    }

    fn lunar_date_in(&self, lunar_year: i32) -> LunarDate {
        LunarDate {
            year: lunar_year,
            month: self.month,
            leap: self.leap,
            day: self.day,
        }
    }

    /// The solar date of the celebration in the lunar year starting in `lunar_year`, by the module's rules.
    fn lunar_celebration(&self, lunar_year: i32) -> Option<NaiveDate> {
        let month_length =
            |leap| lunar::days_in_month(lunar_year, self.month, leap).map(|days| (leap, days));
        // A leap-month birthday falls back to the ordinary month when the year has no leap twin.
        let (leap, days) = self
            .leap
            .then(|| month_length(true))
            .flatten()
            .or_else(|| month_length(false))?;
        lunar::to_solar(LunarDate {
            year: lunar_year,
            month: self.month,
            leap,
            day: self.day.min(days),
        })
    }

    /// The celebration of this birthday within `solar_year` (the first one, for the rare lunar
    /// year with two); `None` when that year holds none or the birthday is impossible.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use huitou_shared::customer::{Birthday, Calendar};
    /// let leap_day = Birthday { calendar: Calendar::Solar, year: Some(2000), month: 2, day: 29, leap: false };
    /// assert_eq!(leap_day.occurs_in(2027), NaiveDate::from_ymd_opt(2027, 2, 28));
    /// assert_eq!(leap_day.occurs_in(2028), NaiveDate::from_ymd_opt(2028, 2, 29));
    /// ```
    pub fn occurs_in(&self, solar_year: i32) -> Option<NaiveDate> {
        match self.calendar {
            Calendar::Solar => self.solar_celebration(solar_year),
            Calendar::Lunar => [solar_year - 1, solar_year]
                .into_iter()
                .filter_map(|lunar_year| self.lunar_celebration(lunar_year))
                .find(|date| date.year() == solar_year),
        }
    }

    fn solar_celebration(&self, solar_year: i32) -> Option<NaiveDate> {
        let (month, day) = (u32::from(self.month), u32::from(self.day));
        NaiveDate::from_ymd_opt(solar_year, month, day).or_else(|| {
            (month == 2 && day == 29)
                .then(|| NaiveDate::from_ymd_opt(solar_year, 2, 28))
                .flatten()
        })
    }

    /// The next celebration on or after `date` (that day itself when it is the birthday).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use huitou_shared::customer::{Birthday, Calendar};
    /// let birthday = Birthday { calendar: Calendar::Solar, year: None, month: 5, day: 20, leap: false };
    /// let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    /// assert_eq!(birthday.next_on_or_after(today), NaiveDate::from_ymd_opt(2027, 5, 20));
    /// ```
    pub fn next_on_or_after(&self, date: NaiveDate) -> Option<NaiveDate> {
        // Celebrations of consecutive years, lunar or solar, lie at most ~13 months apart.
        let years = date.year() - 1..=date.year() + 1;
        years
            .filter_map(|year| match self.calendar {
                Calendar::Solar => self.solar_celebration(year),
                Calendar::Lunar => self.lunar_celebration(year),
            })
            .filter(|celebration| *celebration >= date)
            .min()
    }

    /// The birthday as text in both calendars: `(solar, lunar)`.
    ///
    /// The solar text is `YYYY-MM-DD`, or `MM-DD` for a solar birthday without a year, or empty
    /// for a lunar birthday without a year (it has no fixed solar day). The lunar text names the
    /// 干支 year when it is known (`戊辰年四月初五`) and is `None` for a solar birthday without year.
    ///
    /// ```
    /// use huitou_shared::customer::{Birthday, Calendar};
    /// let solar = Birthday { calendar: Calendar::Solar, year: Some(1988), month: 5, day: 20, leap: false };
    /// assert_eq!(solar.describe(false), ("1988-05-20".to_owned(), Some("戊辰年四月初五".to_owned())));
    /// let lunar = Birthday { calendar: Calendar::Lunar, year: None, month: 12, day: 8, leap: false };
    /// assert_eq!(lunar.describe(true), (String::new(), Some("臘月初八".to_owned())));
    /// ```
    pub fn describe(&self, traditional: bool) -> (String, Option<String>) {
        let with_year = |date: &LunarDate| {
            format!(
                "{}年{}",
                lunar::year_name(date.year),
                lunar::format(date, traditional)
            )
        };
        match (self.calendar, self.year) {
            (Calendar::Solar, None) => (format!("{:02}-{:02}", self.month, self.day), None),
            (Calendar::Lunar, None) => (
                String::new(),
                Some(lunar::format(&self.lunar_date_in(0), traditional)),
            ),
            (Calendar::Solar, Some(year)) => {
                let solar = self.solar_date();
                let text = solar.map_or_else(
                    || format!("{year:04}-{:02}-{:02}", self.month, self.day),
                    |date| date.format("%Y-%m-%d").to_string(),
                );
                (text, solar.and_then(lunar::to_lunar).map(|d| with_year(&d)))
            }
            (Calendar::Lunar, Some(year)) => {
                let text = self
                    .solar_date()
                    .map(|date| date.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                (text, Some(with_year(&self.lunar_date_in(year))))
            }
        }
    }
}
