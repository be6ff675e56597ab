//! The holidays Today shows (PRODUCT §8): solar ones, lunar ones, and Qingming.
//!
//! - Solar: New Year (01-01), Labour Day (05-01), National Day (10-01).
//! - Lunar, through [`crate::customer::lunar`] (tabulated to 2100): Spring Festival (正月初一),
//!   Lantern (正月十五), Dragon Boat (五月初五), Qixi (七月初七), Mid-Autumn (八月十五),
//!   Double Ninth (九月初九). All fall in the solar year their lunar year starts in.
//! - Qingming is the day of the solar term 清明, April 4 or 5 in 1900–2100, from the usual
//!   approximation `floor(Y × 0.2422 + C) − floor(Y / 4)` with `Y` the year within its century
//!   and `C` = 5.59 (1900s) or 4.81 (2000s, and 2100). The leap-year count is `floor(Y / 4)`
//!   for a term after February; `floor((Y − 1) / 4)` is the form for January and February terms
//!   and would put Qingming 2024 on April 5 instead of April 4. See [`qingming`].
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::retention::{holidays_between, Holiday};
//! let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
//! let february = holidays_between(day(2, 1), day(2, 28));
//! assert_eq!(february, vec![(day(2, 17), Holiday::SpringFestival)]);
//! ```

use crate::customer::lunar::{self, LunarDate};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A holiday of PRODUCT §8's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    NewYear,
    SpringFestival,
    Lantern,
    Qingming,
    LabourDay,
    DragonBoat,
    Qixi,
    MidAutumn,
    NationalDay,
    DoubleNinth,
}

impl Holiday {
    pub const ALL: [Holiday; 10] = [
        Holiday::NewYear,
        Holiday::SpringFestival,
        Holiday::Lantern,
        Holiday::Qingming,
        Holiday::LabourDay,
        Holiday::DragonBoat,
        Holiday::Qixi,
        Holiday::MidAutumn,
        Holiday::NationalDay,
        Holiday::DoubleNinth,
    ];

    /// The Simplified Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Holiday::NewYear => "元旦",
            Holiday::SpringFestival => "春节",
            Holiday::Lantern => "元宵节",
            Holiday::Qingming => "清明节",
            Holiday::LabourDay => "劳动节",
            Holiday::DragonBoat => "端午节",
            Holiday::Qixi => "七夕",
            Holiday::MidAutumn => "中秋节",
            Holiday::NationalDay => "国庆节",
            Holiday::DoubleNinth => "重阳节",
        }
    }

    /// The holiday's date in `year`; `None` outside the calendars' range.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use huitou_shared::retention::Holiday;
    /// assert_eq!(Holiday::MidAutumn.in_year(2026), NaiveDate::from_ymd_opt(2026, 9, 25));
    /// assert_eq!(Holiday::Qingming.in_year(2024), NaiveDate::from_ymd_opt(2024, 4, 4));
    /// ```
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        let lunar = |month, day| {
            lunar::to_solar(LunarDate {
                year,
                month,
                leap: false,
                day,
            })
        };
        match self {
            Holiday::NewYear => NaiveDate::from_ymd_opt(year, 1, 1),
            Holiday::LabourDay => NaiveDate::from_ymd_opt(year, 5, 1),
            Holiday::NationalDay => NaiveDate::from_ymd_opt(year, 10, 1),
            Holiday::Qingming => qingming(year),
            Holiday::SpringFestival => lunar(1, 1),
            Holiday::Lantern => lunar(1, 15),
            Holiday::DragonBoat => lunar(5, 5),
            Holiday::Qixi => lunar(7, 7),
            Holiday::MidAutumn => lunar(8, 15),
            Holiday::DoubleNinth => lunar(9, 9),
        }
    }
}

/// The day of the solar term 清明 in `year` (1900–2100), by the approximation of the module docs.
///
/// ```
/// use chrono::NaiveDate;
/// use huitou_shared::retention::holidays::qingming;
/// assert_eq!(qingming(2026), NaiveDate::from_ymd_opt(2026, 4, 5));
/// assert_eq!(qingming(1990), NaiveDate::from_ymd_opt(1990, 4, 5));
/// assert_eq!(qingming(1800), None);
/// ```
pub fn qingming(year: i32) -> Option<NaiveDate> {
    let (within_century, constant) = match year {
        1900..=1999 => (year - 1900, 5.59),
        2000..=2100 => (year - 2000, 4.81),
        _ => return None,
    };
    let day = (f64::from(within_century) * 0.2422 + constant).floor() as i32 - within_century / 4;
    NaiveDate::from_ymd_opt(year, 4, u32::try_from(day).ok()?)
}

/// Every holiday from `from` to `to` (both included), in date order.
pub fn holidays_between(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, Holiday)> {
    let mut found: Vec<(NaiveDate, Holiday)> = (from.year()..=to.year())
        .flat_map(|year| {
            Holiday::ALL
                .into_iter()
                .filter_map(move |holiday| Some((holiday.in_year(year)?, holiday)))
        })
        .filter(|(date, _)| from <= *date && *date <= to)
        .collect();
    found.sort_unstable();
    found
}
