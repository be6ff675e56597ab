//! The Chinese lunisolar calendar (农历): conversion to and from Gregorian dates, and its names.
//!
//! Conversion uses `icu_calendar`'s `ChineseTraditional` (GB/T 33661-2017, tabulated to 2100 and
//! checked against the Purple Mountain and Hong Kong observatories); the table is compiled in.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::customer::lunar::{self, LunarDate};
//! let new_year = NaiveDate::from_ymd_opt(2025, 1, 29).unwrap();
//! let lunar_date = lunar::to_lunar(new_year).unwrap();
//! assert_eq!(lunar_date, LunarDate { year: 2025, month: 1, leap: false, day: 1 });
//! assert_eq!(lunar::format(&lunar_date, false), "正月初一");
//! assert_eq!(lunar::year_name(lunar_date.year), "乙巳");
//! assert_eq!(lunar::to_solar(lunar_date), Some(new_year));
//! ```

use chrono::{Datelike, NaiveDate};
use icu_calendar::Date;
use icu_calendar::cal::{ChineseTraditional, Iso};
use icu_calendar::types::Month;
use serde::{Deserialize, Serialize};

/// A day of the Chinese calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LunarDate {
    /// The Gregorian year in which this lunar year starts (its 正月初一).
    pub year: i32,
    /// 1..=12; a leap month carries the number of the month it follows.
    pub month: u8,
    /// True for the leap month (闰月) inserted after the ordinary month `month`.
    pub leap: bool,
    /// 1..=30.
    pub day: u8,
}

/// The lunar date of a Gregorian date; `None` only outside the calendar library's range.
pub fn to_lunar(date: NaiveDate) -> Option<LunarDate> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    let lunar = Date::try_new_iso(date.year(), month, day)
        .ok()?
        .to_calendar(ChineseTraditional::new());
    let month = lunar.month().to_input();
    Some(LunarDate {
        year: lunar.cyclic_year().related_iso,
        month: month.number(),
        leap: month.is_leap(),
        day: lunar.day_of_month().0,
    })
}

/// The Gregorian date of a lunar date; `None` when that year has no such (leap) month or day.
///
/// ```
/// use huitou_shared::customer::lunar::{to_solar, LunarDate};
/// // 2025 has a leap sixth month but no leap fifth month.
/// assert!(to_solar(LunarDate { year: 2025, month: 6, leap: true, day: 1 }).is_some());
/// assert_eq!(to_solar(LunarDate { year: 2025, month: 5, leap: true, day: 1 }), None);
/// ```
pub fn to_solar(date: LunarDate) -> Option<NaiveDate> {
    if !(1..=12).contains(&date.month) || !(1..=30).contains(&date.day) {
        return None;
    }
    let month = if date.leap {
        Month::leap(date.month)
    } else {
        Month::new(date.month)
    };
    let iso = Date::try_new_chinese_traditional(date.year, month, date.day)
        .ok()?
        .to_calendar(Iso);
    NaiveDate::from_ymd_opt(
        iso.year().extended_year(),
        u32::from(iso.month().ordinal),
        u32::from(iso.day_of_month().0),
    )
}

/// Days in a lunar month (29 or 30); `None` when that year has no such month.
pub fn days_in_month(year: i32, month: u8, leap: bool) -> Option<u8> {
    to_solar(LunarDate {
        year,
        month,
        leap,
        day: 1,
    })?;
    let has_day_30 = to_solar(LunarDate {
        year,
        month,
        leap,
        day: 30,
    })
    .is_some();
    Some(if has_day_30 { 30 } else { 29 })
}

/// The leap month of a lunar year, if it has one.
///
/// ```
/// use huitou_shared::customer::lunar::leap_month;
/// assert_eq!(leap_month(2023), Some(2));
/// assert_eq!(leap_month(2024), None);
/// assert_eq!(leap_month(2025), Some(6));
/// ```
pub fn leap_month(year: i32) -> Option<u8> {
    (1..=12).find(|&month| {
        to_solar(LunarDate {
            year,
            month,
            leap: true,
            day: 1,
        })
        .is_some()
    })
}

const STEMS: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
const BRANCHES: [&str; 12] = [
    "子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥",
];

/// The 干支 (sexagenary) name of the lunar year starting in Gregorian `year`.
///
/// ```
/// use huitou_shared::customer::lunar::year_name;
/// assert_eq!(year_name(1984), "甲子");
/// assert_eq!(year_name(2025), "乙巳");
/// assert_eq!(year_name(2026), "丙午");
/// ```
pub fn year_name(year: i32) -> String {
    // 1984 is 甲子, the first year of the current cycle.
    let offset = (i64::from(year) - 1984).rem_euclid(60);
    let stem = STEMS[usize::try_from(offset % 10).unwrap_or(0)];
    let branch = BRANCHES[usize::try_from(offset % 12).unwrap_or(0)];
    format!("{stem}{branch}")
}

const MONTHS_SIMPLIFIED: [&str; 12] = [
    "正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊",
];
const MONTHS_TRADITIONAL: [&str; 12] = [
    "正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "臘",
];
const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// The month's name, e.g. "正月", "闰四月" ("閏四月" in Traditional script).
pub fn month_name(month: u8, leap: bool, traditional: bool) -> String {
    let names = if traditional {
        &MONTHS_TRADITIONAL
    } else {
        &MONTHS_SIMPLIFIED
    };
    let name = names
        .get(usize::from(month.clamp(1, 12)) - 1)
        .copied()
        .unwrap_or("?");
    let leap_mark = match (leap, traditional) {
        (false, _) => "",
        (true, false) => "闰",
        (true, true) => "閏",
    };
    format!("{leap_mark}{name}月")
}

/// The day's name: 初一…初十, 十一…十九, 二十, 廿一…廿九, 三十 (the same in both scripts).
pub fn day_name(day: u8) -> String {
    let ones = DIGITS[usize::from(day % 10)];
    match day {
        1..=9 => format!("初{ones}"),
        10 => "初十".to_owned(),
        11..=19 => format!("十{ones}"),
        20 => "二十".to_owned(),
        21..=29 => format!("廿{ones}"),
        30 => "三十".to_owned(),
        _ => day.to_string(),
    }
}

/// Month and day as people say them, e.g. "正月初一", "闰四月三十"; `traditional` gives "閏四月三十".
///
/// ```
/// use huitou_shared::customer::lunar::{format, LunarDate};
/// let date = LunarDate { year: 2020, month: 4, leap: true, day: 30 };
/// assert_eq!(format(&date, false), "闰四月三十");
/// assert_eq!(format(&date, true), "閏四月三十");
/// ```
pub fn format(date: &LunarDate, traditional: bool) -> String {
    format!(
        "{}{}",
        month_name(date.month, date.leap, traditional),
        day_name(date.day)
    )
}
