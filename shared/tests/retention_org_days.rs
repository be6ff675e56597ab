//! The organisation's own days: every year or once, solar or lunar, and what is left out.

mod support;

use chrono::{Datelike, Days, NaiveDate};
use huitou_shared::Record;
use huitou_shared::customer::Calendar;
use huitou_shared::customer::lunar::{self, LunarDate};
use huitou_shared::retention::Holiday;
use huitou_shared::retention::org_days::{OrgDay, org_days_between, parse_date};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::{day, record};

fn org_day(name: &str, date: &str, calendar: &str) -> Record {
    record(
        "org_day",
        &[
            ("name", json!(name)),
            ("date", json!(date)),
            ("calendar", json!(calendar)),
        ],
    )
}

fn dates(found: &[(NaiveDate, String, String)]) -> Vec<(NaiveDate, &str)> {
    found
        .iter()
        .map(|(date, _, name)| (*date, name.as_str()))
        .collect()
}

#[test]
fn a_solar_day_every_year_and_once() {
    let store = org_day("店庆", "09-18", "solar");
    let fair = org_day("美食节", "2026-09-20", "solar");
    let records = [("a", &store), ("b", &fair)];
    assert_eq!(
        dates(&org_days_between(
            records,
            day(2026, 9, 1),
            day(2027, 9, 30)
        )),
        vec![
            (day(2026, 9, 18), "店庆"),
            (day(2026, 9, 20), "美食节"),
            (day(2027, 9, 18), "店庆"),
        ]
    );
    assert_eq!(
        org_days_between(records, day(2026, 9, 18), day(2026, 9, 18)),
        vec![(day(2026, 9, 18), "a".to_owned(), "店庆".to_owned())]
    );
}

#[test]
fn a_lunar_day_every_year_follows_the_lunar_calendar() {
    let festival = org_day("中秋家宴", "08-15", "lunar");
    for year in [2025, 2026, 2027] {
        let mid_autumn = Holiday::MidAutumn.in_year(year).expect("in range");
        assert_eq!(
            dates(&org_days_between(
                [("m", &festival)],
                day(year, 1, 1),
                day(year, 12, 31)
            )),
            vec![(mid_autumn, "中秋家宴")]
        );
    }
    // Lunar day 30 of a 29-day month is kept on day 29.
    let short = (2020..2030)
        .find(|year| lunar::days_in_month(*year, 12, false) == Some(29))
        .expect("a short 腊月 in ten years");
    let eve = lunar::to_solar(LunarDate {
        year: short,
        month: 12,
        leap: false,
        day: 29,
    })
    .expect("in range");
    let last_day = org_day("除夕团圆饭", "12-30", "lunar");
    assert_eq!(
        dates(&org_days_between([("e", &last_day)], eve, eve)),
        vec![(eve, "除夕团圆饭")]
    );
}

#[test]
fn a_lunar_day_once_is_that_day_of_its_lunar_year() {
    let lantern = org_day("灯会", "2026-01-15", "lunar");
    let date = Holiday::Lantern.in_year(2026).expect("in range");
    assert_eq!(
        dates(&org_days_between(
            [("l", &lantern)],
            day(2025, 1, 1),
            day(2028, 12, 31)
        )),
        vec![(date, "灯会")]
    );
}

#[test]
fn days_in_the_trash_without_a_name_or_a_date_are_left_out() {
    let mut removed = org_day("店庆", "09-18", "solar");
    removed.apply(&huitou_shared::Change::new(
        "org_day",
        "x",
        "deleted",
        json!(true),
        "001764072000099:00000:deviceAA",
    ));
    let unnamed = org_day("  ", "09-18", "solar");
    let no_date = record("org_day", &[("name", json!("店庆"))]);
    let impossible = org_day("店庆", "2027-02-29", "solar");
    let bad_lunar = org_day("庙会", "01-31", "lunar");
    let unreadable = org_day("店庆", "Sept 18", "solar");
    let records = [
        ("a", &removed),
        ("b", &unnamed),
        ("c", &no_date),
        ("d", &impossible),
        ("e", &bad_lunar),
        ("f", &unreadable),
    ];
    assert!(org_days_between(records, day(2026, 1, 1), day(2028, 12, 31)).is_empty());
}

#[test]
fn a_feb_29_every_year_is_kept_on_feb_28_in_common_years() {
    let leap_day = org_day("四年一会", "02-29", "solar");
    assert_eq!(
        dates(&org_days_between(
            [("x", &leap_day)],
            day(2027, 1, 1),
            day(2028, 12, 31)
        )),
        vec![
            (day(2027, 2, 28), "四年一会"),
            (day(2028, 2, 29), "四年一会")
        ]
    );
}

#[test]
fn the_fields_a_manager_writes_read_back_as_the_same_day() {
    for (calendar, year, month, day) in [
        (Calendar::Solar, None, 9, 18),
        (Calendar::Lunar, None, 1, 15),
        (Calendar::Solar, Some(2026), 12, 31),
        (Calendar::Lunar, Some(2026), 8, 15),
    ] {
        let written = OrgDay::new(" 店庆 ", calendar, year, month, day).expect("possible");
        let fields: Vec<(&str, Value)> = written.fields();
        assert_eq!(
            OrgDay::from_record(&record("org_day", &fields)),
            Some(written)
        );
    }
    assert_eq!(parse_date("00-10"), None);
    assert_eq!(parse_date("12-32"), None);
    assert_eq!(parse_date("2026-1-15"), None);
    assert_eq!(parse_date(""), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A day every year happens exactly once in each solar year (solar) or never more than
    /// once a year apart by more than 13 months (lunar); a window split in two finds the same.
    #[test]
    fn every_year_days_are_found_once_a_year_and_windows_split_cleanly(
        lunar in any::<bool>(),
        month in 1u8..=12,
        dd in 1u8..=30,
        start in 2000i32..2090,
        split in 1u64..1500,
    ) {
        let calendar = if lunar { "lunar" } else { "solar" };
        let Some(day_of_org) = OrgDay::new("x", if lunar { Calendar::Lunar } else { Calendar::Solar }, None, month, dd) else {
            return Ok(());
        };
        let one = org_day("x", &day_of_org.date_text(), calendar);
        let (from, to) = (day(start, 1, 1), day(start + 5, 12, 31));
        let whole = org_days_between([("x", &one)], from, to);
        let middle = (from + Days::new(split)).min(to);
        let mut parts = org_days_between([("x", &one)], from, middle);
        parts.extend(org_days_between([("x", &one)], middle + Days::new(1), to));
        prop_assert_eq!(&whole, &parts);
        prop_assert!(whole.windows(2).all(|pair| pair[0].0 < pair[1].0));
        if !lunar {
            let years: Vec<i32> = whole.iter().map(|(date, _, _)| date.year()).collect();
            prop_assert_eq!(years, (start..=start + 5).collect::<Vec<_>>());
        } else {
            prop_assert!((5..=7).contains(&whole.len()));
            prop_assert!(whole.windows(2).all(|pair| (pair[1].0 - pair[0].0).num_days() <= 400));
        }
    }
}
