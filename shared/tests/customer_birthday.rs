//! Birthdays: SYNC's JSON shape, and our written rules for days that do not exist every year.

use chrono::{Datelike, NaiveDate};
use huitou_shared::customer::lunar::{self, LunarDate};
use huitou_shared::customer::{Birthday, Calendar};
use proptest::prelude::*;
use serde_json::json;

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
}

fn lunar_birthday(year: Option<i32>, month: u8, leap: bool, day: u8) -> Birthday {
    Birthday {
        calendar: Calendar::Lunar,
        year,
        month,
        day,
        leap,
    }
}

fn solar_birthday(year: Option<i32>, month: u8, day: u8) -> Birthday {
    Birthday {
        calendar: Calendar::Solar,
        year,
        month,
        day,
        leap: false,
    }
}

#[test]
fn json_matches_sync_exactly() {
    let birthday = solar_birthday(Some(1988), 5, 20);
    assert_eq!(
        serde_json::to_value(birthday).expect("serialisable"),
        json!({"calendar": "solar", "year": 1988, "month": 5, "day": 20, "leap": false})
    );
    let without_year = lunar_birthday(None, 8, false, 15);
    assert_eq!(
        without_year.to_value(),
        json!({"calendar": "lunar", "year": null, "month": 8, "day": 15, "leap": false})
    );
    assert_eq!(
        Birthday::from_value(&without_year.to_value()),
        Some(without_year)
    );
}

#[test]
fn from_value_accepts_missing_optional_members_and_refuses_impossible_days() {
    assert_eq!(
        Birthday::from_value(&json!({"calendar": "lunar", "month": 1, "day": 1})),
        Some(lunar_birthday(None, 1, false, 1))
    );
    for bad in [
        json!({"calendar": "gregorian", "year": null, "month": 1, "day": 1, "leap": false}),
        json!({"calendar": "solar", "year": null, "month": 13, "day": 1, "leap": false}),
        json!({"calendar": "solar", "year": null, "month": 4, "day": 31, "leap": false}),
        json!({"calendar": "solar", "year": 1989, "month": 2, "day": 29, "leap": false}),
        json!({"calendar": "solar", "year": null, "month": 1, "day": 0, "leap": false}),
        json!({"calendar": "lunar", "year": null, "month": 1, "day": 31, "leap": false}),
        // 2026 has no leap sixth month.
        json!({"calendar": "lunar", "year": 2026, "month": 6, "day": 1, "leap": true}),
        json!({"calendar": "lunar", "year": "1988", "month": 1, "day": 1, "leap": false}),
        json!(null),
        json!("1988-05-20"),
    ] {
        assert_eq!(Birthday::from_value(&bad), None, "{bad}");
    }
    assert!(
        Birthday::from_value(&json!({"calendar": "solar", "year": 2000, "month": 2, "day": 29}))
            .is_some()
    );
}

#[test]
fn first_day_of_first_month_follows_spring_festival() {
    let birthday = lunar_birthday(None, 1, false, 1);
    assert_eq!(birthday.occurs_in(2026), Some(ymd(2026, 2, 17)));
    assert_eq!(birthday.occurs_in(2027), Some(ymd(2027, 2, 6)));
    assert_eq!(
        birthday.next_on_or_after(ymd(2026, 2, 17)),
        Some(ymd(2026, 2, 17))
    );
    assert_eq!(
        birthday.next_on_or_after(ymd(2026, 2, 18)),
        Some(ymd(2027, 2, 6))
    );
}

#[test]
fn leap_month_birthday_is_kept_in_the_ordinary_month_without_a_leap_twin() {
    let born = lunar_birthday(Some(2025), 6, true, 1);
    assert_eq!(born.solar_date(), Some(ymd(2025, 7, 25)));
    assert_eq!(born.occurs_in(2025), Some(ymd(2025, 7, 25)));
    for year in [2026, 2027] {
        assert_eq!(lunar::leap_month(year).filter(|&m| m == 6), None);
        let ordinary = lunar::to_solar(LunarDate {
            year,
            month: 6,
            leap: false,
            day: 1,
        });
        assert_eq!(born.occurs_in(year), ordinary, "{year}");
    }
    assert_eq!(born.occurs_in(2026), Some(ymd(2026, 7, 14)));
    assert_eq!(born.occurs_in(2027), Some(ymd(2027, 7, 4)));
    // An ordinary sixth-month birthday stays in the ordinary month in 2025, not in 闰六月.
    let ordinary = lunar_birthday(None, 6, false, 1);
    assert_eq!(ordinary.occurs_in(2025), Some(ymd(2025, 6, 25)));
}

#[test]
fn day_thirty_is_kept_on_day_twenty_nine_of_a_short_month() {
    // Find a year whose eighth month has 29 days and one whose eighth month has 30.
    let short = (2020..2040)
        .find(|&year| lunar::days_in_month(year, 8, false) == Some(29))
        .expect("some short eighth month");
    let long = (2020..2040)
        .find(|&year| lunar::days_in_month(year, 8, false) == Some(30))
        .expect("some long eighth month");
    let birthday = lunar_birthday(None, 8, false, 30);
    let day = |year, day| {
        lunar::to_solar(LunarDate {
            year,
            month: 8,
            leap: false,
            day,
        })
    };
    assert_eq!(birthday.occurs_in(short), day(short, 29));
    assert_eq!(birthday.occurs_in(long), day(long, 30));
}

#[test]
fn february_29_is_kept_on_february_28_in_common_years() {
    let birthday = solar_birthday(Some(1996), 2, 29);
    assert_eq!(birthday.occurs_in(2025), Some(ymd(2025, 2, 28)));
    assert_eq!(birthday.occurs_in(2024), Some(ymd(2024, 2, 29)));
    assert_eq!(
        birthday.next_on_or_after(ymd(2025, 3, 1)),
        Some(ymd(2026, 2, 28))
    );
}

#[test]
fn twelfth_month_birthday_falls_in_the_next_solar_year() {
    // 腊月初八 of the lunar year 2025 is in January 2026.
    let laba = lunar_birthday(None, 12, false, 8);
    let expected = lunar::to_solar(LunarDate {
        year: 2025,
        month: 12,
        leap: false,
        day: 8,
    });
    assert_eq!(expected.map(|d| d.year()), Some(2026));
    assert_eq!(laba.occurs_in(2026), expected);
}

#[test]
fn describe_gives_both_calendars_when_the_year_is_known() {
    let lunar_born = lunar_birthday(Some(2025), 6, true, 1);
    assert_eq!(
        lunar_born.describe(false),
        ("2025-07-25".to_owned(), Some("乙巳年闰六月初一".to_owned()))
    );
    assert_eq!(
        lunar_born.describe(true),
        ("2025-07-25".to_owned(), Some("乙巳年閏六月初一".to_owned()))
    );
    assert_eq!(
        solar_birthday(None, 5, 20).describe(false),
        ("05-20".to_owned(), None)
    );
    assert_eq!(
        solar_birthday(Some(2025), 1, 29).describe(false),
        ("2025-01-29".to_owned(), Some("乙巳年正月初一".to_owned()))
    );
}

fn any_birthday() -> impl Strategy<Value = Birthday> {
    prop_oneof![
        (1u8..=12, 1u8..=31).prop_filter_map("a real month-day", |(month, day)| {
            NaiveDate::from_ymd_opt(2000, u32::from(month), u32::from(day))
                .map(|_| solar_birthday(None, month, day))
        }),
        (1u8..=12, any::<bool>(), 1u8..=30)
            .prop_map(|(month, leap, day)| lunar_birthday(None, month, leap, day)),
    ]
}

proptest! {
    #[test]
    fn next_on_or_after_is_on_or_after_and_never_skips_one(
        birthday in any_birthday(),
        days in 0i64..(365 * 60),
    ) {
        let date = ymd(1960, 1, 1) + chrono::Duration::days(days);
        let next = birthday.next_on_or_after(date).expect("every birthday recurs");
        prop_assert!(next >= date);
        // Within 385 days (the longest lunar year), and nothing between: the day before `next`
        // leads to `next` again.
        prop_assert!((next - date).num_days() <= 385);
        let day_after = next.succ_opt().expect("in range");
        let following = birthday.next_on_or_after(day_after).expect("recurs");
        prop_assert!((following - next).num_days() >= 353);
    }

    #[test]
    fn occurs_in_lies_in_that_year_and_is_a_celebration(
        birthday in any_birthday(),
        year in 1951i32..2099,
    ) {
        if let Some(date) = birthday.occurs_in(year) {
            prop_assert_eq!(date.year(), year);
            prop_assert_eq!(birthday.next_on_or_after(date), Some(date));
        } else {
            // Only lunar winter birthdays can miss a solar year.
            prop_assert_eq!(birthday.calendar, Calendar::Lunar);
            prop_assert!(birthday.month >= 10);
        }
    }
}

#[test]
fn a_solar_year_with_two_lunar_celebrations_reports_the_first() {
    // Lunar years are 354–385 days long, so a 腊月 birthday early in January can come round
    // again in late December of the same solar year.
    let found = (1..=30u8)
        .flat_map(|day| (1960..2090).map(move |year| (day, year)))
        .find_map(|(day, year)| {
            let birthday = lunar_birthday(None, 12, false, day);
            let celebration = |lunar_year| {
                lunar::to_solar(LunarDate {
                    year: lunar_year,
                    month: 12,
                    leap: false,
                    day: day.min(lunar::days_in_month(lunar_year, 12, false)?),
                })
            };
            let (earlier, later) = (celebration(year - 1)?, celebration(year)?);
            (earlier.year() == year && later.year() == year).then_some((birthday, earlier, later))
        });
    let (birthday, earlier, later) = found.expect("such a year exists between 1960 and 2090");
    assert_eq!(birthday.occurs_in(earlier.year()), Some(earlier));
    assert_eq!(
        birthday.next_on_or_after(earlier.succ_opt().expect("in range")),
        Some(later)
    );
}
