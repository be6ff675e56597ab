//! Lunar ⇄ solar conversion against published dates, and the round trip over 1950–2100.

use chrono::NaiveDate;
use huitou_shared::customer::lunar::{self, LunarDate};
use proptest::prelude::*;

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
}

fn lunar_date(year: i32, month: u8, leap: bool, day: u8) -> LunarDate {
    LunarDate {
        year,
        month,
        leap,
        day,
    }
}

#[test]
fn spring_festival_2025_is_first_day_of_yi_si() {
    let date = lunar::to_lunar(ymd(2025, 1, 29)).expect("in range");
    assert_eq!(date, lunar_date(2025, 1, false, 1));
    assert_eq!(lunar::format(&date, false), "正月初一");
    assert_eq!(lunar::year_name(date.year), "乙巳");
    // The day before still belongs to the 甲辰 year that started in 2024.
    assert_eq!(
        lunar::to_lunar(ymd(2025, 1, 28)),
        Some(lunar_date(2024, 12, false, 29))
    );
    assert_eq!(lunar::year_name(2024), "甲辰");
}

#[test]
fn spring_festival_2026() {
    assert_eq!(
        lunar::to_solar(lunar_date(2026, 1, false, 1)),
        Some(ymd(2026, 2, 17))
    );
    assert_eq!(lunar::year_name(2026), "丙午");
}

#[test]
fn mid_autumn_2026() {
    assert_eq!(
        lunar::to_solar(lunar_date(2026, 8, false, 15)),
        Some(ymd(2026, 9, 25))
    );
}

#[test]
fn leap_second_month_of_2023() {
    let date = lunar::to_lunar(ymd(2023, 3, 22)).expect("in range");
    assert_eq!(date, lunar_date(2023, 2, true, 1));
    assert_eq!(lunar::format(&date, false), "闰二月初一");
    assert_eq!(lunar::format(&date, true), "閏二月初一");
    assert_eq!(lunar::leap_month(2023), Some(2));
}

#[test]
fn leap_sixth_month_of_2025() {
    assert_eq!(
        lunar::to_lunar(ymd(2025, 7, 25)),
        Some(lunar_date(2025, 6, true, 1))
    );
    assert_eq!(
        lunar::to_solar(lunar_date(2025, 6, true, 1)),
        Some(ymd(2025, 7, 25))
    );
    assert_eq!(lunar::leap_month(2025), Some(6));
    assert_eq!(lunar::leap_month(2026), None);
}

#[test]
fn missing_months_and_days_have_no_solar_date() {
    assert_eq!(lunar::to_solar(lunar_date(2026, 6, true, 1)), None);
    assert_eq!(lunar::to_solar(lunar_date(2025, 13, false, 1)), None);
    assert_eq!(lunar::to_solar(lunar_date(2025, 0, false, 1)), None);
    assert_eq!(lunar::to_solar(lunar_date(2025, 1, false, 31)), None);
    assert_eq!(lunar::to_solar(lunar_date(2025, 1, false, 0)), None);
    // Every month has 29 or 30 days, and day 30 exists exactly when the month has 30.
    for month in 1..=12 {
        let days = lunar::days_in_month(2025, month, false).expect("ordinary months exist");
        assert!(days == 29 || days == 30);
        assert_eq!(
            lunar::to_solar(lunar_date(2025, month, false, 30)).is_some(),
            days == 30
        );
    }
}

#[test]
fn names_of_months_and_days() {
    let names: Vec<String> = (1..=12)
        .map(|month| lunar::month_name(month, false, false))
        .collect();
    assert_eq!(
        names,
        [
            "正月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "冬月",
            "腊月"
        ]
    );
    assert_eq!(lunar::month_name(12, false, true), "臘月");
    let days: Vec<String> = [1, 9, 10, 11, 19, 20, 21, 29, 30]
        .into_iter()
        .map(lunar::day_name)
        .collect();
    assert_eq!(
        days,
        [
            "初一", "初九", "初十", "十一", "十九", "二十", "廿一", "廿九", "三十"
        ]
    );
}

#[test]
fn sexagenary_cycle_repeats_every_sixty_years() {
    assert_eq!(lunar::year_name(1924), "甲子");
    assert_eq!(lunar::year_name(1983), "癸亥");
    assert_eq!(lunar::year_name(1988), "戊辰");
    assert_eq!(lunar::year_name(2044), "甲子");
}

#[test]
fn every_day_from_1950_to_2100_round_trips() {
    let mut day = ymd(1950, 1, 1);
    let end = ymd(2100, 12, 31);
    let mut previous: Option<LunarDate> = None;
    while day <= end {
        let lunar_day = lunar::to_lunar(day).expect("in range");
        assert_eq!(
            lunar::to_solar(lunar_day),
            Some(day),
            "{day} → {lunar_day:?}"
        );
        // Lunar dates only move forward, one day at a time within a month.
        if let Some(previous) = previous
            && previous.month == lunar_day.month
            && previous.leap == lunar_day.leap
        {
            assert_eq!(previous.day + 1, lunar_day.day);
        }
        previous = Some(lunar_day);
        day = day.succ_opt().expect("in range");
    }
}

proptest! {
    #[test]
    fn to_solar_inverts_to_lunar(days in 0i64..55_152) {
        let date = ymd(1950, 1, 1) + chrono::Duration::days(days);
        let lunar_day = lunar::to_lunar(date).expect("in range");
        prop_assert_eq!(lunar::to_solar(lunar_day), Some(date));
        prop_assert!((1..=12).contains(&lunar_day.month));
        prop_assert!((1..=30).contains(&lunar_day.day));
        prop_assert!(lunar_day.year == chrono::Datelike::year(&date)
            || lunar_day.year + 1 == chrono::Datelike::year(&date));
    }
}
