//! Anniversaries: wedding and founding kept like birthdays (solar or lunar), the first visit from
//! the visits, the years each marks, and windows that neither skip nor repeat a celebration.

mod support;

use chrono::{Datelike, Days, NaiveDate};
use huitou_shared::Record;
use huitou_shared::customer::anniversary::{
    Anniversary, AnniversaryKind, anniversaries_within, celebrations_between, first_visit,
};
use huitou_shared::customer::lunar::{self, LunarDate};
use huitou_shared::customer::{Birthday, Calendar};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::{day, record, visit};

fn customer(fields: &[(&str, Value)]) -> Record {
    record("customer", fields)
}

fn date_value(calendar: &str, year: Option<i32>, month: u8, day: u8, leap: bool) -> Value {
    json!({"calendar": calendar, "year": year, "month": month, "day": day, "leap": leap})
}

fn wedding(date: NaiveDate, years: Option<u32>) -> Anniversary {
    Anniversary {
        date,
        kind: AnniversaryKind::Wedding,
        years,
    }
}

#[test]
fn a_solar_wedding_counts_its_years_and_one_without_a_year_counts_none() {
    let with_year = customer(&[(
        "anniversary:wedding",
        date_value("solar", Some(2016), 5, 20, false),
    )]);
    assert_eq!(
        anniversaries_within(&with_year, None, day(2026, 5, 14), 7),
        vec![wedding(day(2026, 5, 20), Some(10))]
    );
    let without_year = customer(&[(
        "anniversary:wedding",
        date_value("solar", None, 5, 20, false),
    )]);
    assert_eq!(
        anniversaries_within(&without_year, None, day(2026, 5, 20), 0),
        vec![wedding(day(2026, 5, 20), None)]
    );
    // Both ends of the window count; a day after it does not.
    assert!(anniversaries_within(&with_year, None, day(2026, 5, 12), 7).is_empty());
    assert_eq!(
        anniversaries_within(&with_year, None, day(2026, 5, 13), 7).len(),
        1
    );
}

#[test]
fn a_lunar_founding_falls_on_its_lunar_day_and_counts_lunar_years() {
    // Founded on 八月十五 of the lunar year starting in 2006: Mid-Autumn 2026 is 2026-09-25.
    let founded = customer(&[(
        "anniversary:founding",
        date_value("lunar", Some(2006), 8, 15, false),
    )]);
    assert_eq!(
        anniversaries_within(&founded, None, day(2026, 9, 20), 7),
        vec![Anniversary {
            date: day(2026, 9, 25),
            kind: AnniversaryKind::Founding,
            years: Some(20),
        }]
    );
    // A 腊月 day falls in the next solar year, yet marks the lunar years.
    let december = customer(&[(
        "anniversary:founding",
        date_value("lunar", Some(2015), 12, 8, false),
    )]);
    let date = lunar::to_solar(LunarDate {
        year: 2025,
        month: 12,
        leap: false,
        day: 8,
    })
    .expect("in range");
    assert_eq!(date.year(), 2026);
    assert_eq!(
        anniversaries_within(&december, None, date, 0),
        vec![Anniversary {
            date,
            kind: AnniversaryKind::Founding,
            years: Some(10),
        }]
    );
}

#[test]
fn a_leap_month_wedding_is_kept_in_the_ordinary_month_of_years_without_one() {
    // Married 闰六月初一 of 2025; 2026 has no leap sixth month.
    let married = customer(&[(
        "anniversary:wedding",
        date_value("lunar", Some(2025), 6, 1, true),
    )]);
    let ordinary = lunar::to_solar(LunarDate {
        year: 2026,
        month: 6,
        leap: false,
        day: 1,
    })
    .expect("in range");
    assert_eq!(
        anniversaries_within(&married, None, ordinary, 0),
        vec![wedding(ordinary, Some(1))]
    );
}

#[test]
fn the_first_visit_day_itself_is_no_anniversary_and_feb_29_moves_to_feb_28() {
    let nobody = customer(&[]);
    let first = day(2024, 2, 29);
    assert!(anniversaries_within(&nobody, Some(first), first, 30).is_empty());
    assert_eq!(
        anniversaries_within(&nobody, Some(first), day(2025, 2, 25), 7),
        vec![Anniversary {
            date: day(2025, 2, 28),
            kind: AnniversaryKind::FirstVisit,
            years: Some(1),
        }]
    );
    assert_eq!(
        anniversaries_within(&nobody, Some(first), day(2028, 2, 28), 1)
            .iter()
            .map(|a| (a.date, a.years))
            .collect::<Vec<_>>(),
        vec![(day(2028, 2, 29), Some(4))]
    );
}

#[test]
fn the_first_visit_is_the_earliest_visit_not_in_the_trash() {
    let mut binned = visit(day(2019, 3, 1), 100.0);
    binned.apply(&huitou_shared::Change::new(
        "visit",
        "x",
        "deleted",
        json!(true),
        "001764072000099:00000:deviceAA",
    ));
    let visits = [
        visit(day(2021, 6, 2), 80.0),
        binned,
        visit(day(2020, 11, 30), 50.0),
        record("visit", &[("amount", json!(5))]),
    ];
    assert_eq!(first_visit(&visits), Some(day(2020, 11, 30)));
    assert_eq!(first_visit(&[] as &[Record]), None);
}

#[test]
fn several_anniversaries_come_by_date_and_unreadable_ones_are_left_out() {
    let person = customer(&[
        (
            "anniversary:wedding",
            date_value("solar", Some(2010), 3, 12, false),
        ),
        (
            "anniversary:founding",
            date_value("solar", Some(2018), 3, 9, false),
        ),
        // Not a date: April 31st.
        ("anniversary:other", date_value("solar", None, 4, 31, false)),
    ]);
    let found = anniversaries_within(&person, Some(day(2025, 3, 10)), day(2026, 3, 8), 7);
    assert_eq!(
        found
            .iter()
            .map(|a| (a.date, a.kind, a.years))
            .collect::<Vec<_>>(),
        vec![
            (day(2026, 3, 9), AnniversaryKind::Founding, Some(8)),
            (day(2026, 3, 10), AnniversaryKind::FirstVisit, Some(1)),
            (day(2026, 3, 12), AnniversaryKind::Wedding, Some(16)),
        ]
    );
    let broken = customer(&[(
        "anniversary:wedding",
        date_value("solar", Some(2023), 2, 29, false),
    )]);
    assert!(anniversaries_within(&broken, None, day(2026, 1, 1), 400).is_empty());
}

fn any_date() -> impl Strategy<Value = Birthday> {
    (
        any::<bool>(),
        proptest::option::of(1950i32..2030),
        1u8..=12,
        1u8..=30,
        any::<bool>(),
    )
        .prop_filter_map("a possible day", |(lunar, year, month, day, leap)| {
            let value = json!({"calendar": if lunar { "lunar" } else { "solar" },
                "year": year, "month": month, "day": day, "leap": lunar && leap});
            Birthday::from_value(&value)
        })
}

fn any_day() -> impl Strategy<Value = NaiveDate> {
    (0u64..365 * 70).prop_map(|n| day(1960, 1, 1) + Days::new(n))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A window split in two finds what the whole window finds; every celebration is one
    /// (`next_on_or_after` of its own day), inside the window, in order, and counts the years
    /// its calendar says.
    #[test]
    fn windows_split_anywhere_find_the_same_celebrations(
        date in any_date(),
        from in any_day(),
        first in 0u64..400,
        second in 0u64..400,
    ) {
        let middle = from + Days::new(first);
        let to = middle + Days::new(1 + second);
        let whole = celebrations_between(&date, from, to);
        let mut parts = celebrations_between(&date, from, middle);
        parts.extend(celebrations_between(&date, middle + Days::new(1), to));
        prop_assert_eq!(&whole, &parts);
        prop_assert!(whole.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (celebration, years) in &whole {
            prop_assert!(from <= *celebration && *celebration <= to);
            prop_assert_eq!(date.next_on_or_after(*celebration), Some(*celebration));
            match (date.year, date.calendar) {
                (None, _) => prop_assert_eq!(*years, None),
                (Some(year), Calendar::Solar) => {
                    prop_assert_eq!(*years, u32::try_from(celebration.year() - year).ok());
                }
                (Some(year), Calendar::Lunar) => {
                    let lunar_year = lunar::to_lunar(*celebration).map(|l| l.year);
                    prop_assert_eq!(years.map(|n| year + n as i32), lunar_year);
                }
            }
            prop_assert!(years.is_none_or(|n| n >= 1));
        }
        // At most one celebration per lunar or solar year, so ≤ 3 in under 802 days.
        prop_assert!(whole.len() <= 3);
    }

    /// The first visit's own day is never an anniversary; a year later it is, marking one year
    /// (Feb 29 on Feb 28).
    #[test]
    fn the_first_visit_marks_whole_years_from_the_year_after(first in any_day()) {
        let nobody = customer(&[]);
        prop_assert!(anniversaries_within(&nobody, Some(first), first, 0).is_empty());
        let next_year = first
            .with_year(first.year() + 1)
            .unwrap_or_else(|| day(first.year() + 1, 2, 28));
        let found = anniversaries_within(&nobody, Some(first), first + Days::new(1), 366);
        prop_assert_eq!(found, vec![Anniversary {
            date: next_year,
            kind: AnniversaryKind::FirstVisit,
            years: Some(1),
        }]);
    }
}
