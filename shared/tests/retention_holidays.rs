//! Holidays (PRODUCT §8): lunar dates through the calendar, Qingming by the solar-term formula.

use chrono::{Datelike, NaiveDate};
use huitou_shared::retention::holidays::qingming;
use huitou_shared::retention::{Holiday, holidays_between};

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
}

#[test]
fn the_holidays_of_2026() {
    let all = holidays_between(day(2026, 1, 1), day(2026, 12, 31));
    assert_eq!(
        all,
        vec![
            (day(2026, 1, 1), Holiday::NewYear),
            (day(2026, 2, 17), Holiday::SpringFestival),
            (day(2026, 3, 3), Holiday::Lantern),
            (day(2026, 4, 5), Holiday::Qingming),
            (day(2026, 5, 1), Holiday::LabourDay),
            (day(2026, 6, 19), Holiday::DragonBoat),
            (day(2026, 8, 19), Holiday::Qixi),
            (day(2026, 9, 25), Holiday::MidAutumn),
            (day(2026, 10, 1), Holiday::NationalDay),
            (day(2026, 10, 18), Holiday::DoubleNinth),
        ]
    );
}

#[test]
fn known_lunar_holidays_of_2025() {
    assert_eq!(
        Holiday::SpringFestival.in_year(2025),
        Some(day(2025, 1, 29))
    );
    assert_eq!(Holiday::DragonBoat.in_year(2025), Some(day(2025, 5, 31)));
    assert_eq!(Holiday::MidAutumn.in_year(2025), Some(day(2025, 10, 6)));
}

#[test]
fn qingming_matches_the_almanac() {
    for (year, april) in [
        (1990, 5),
        (1999, 5),
        (2000, 4),
        (2008, 4),
        (2015, 5),
        (2019, 5),
        (2020, 4),
        (2023, 5),
        (2024, 4),
        (2025, 4),
        (2026, 5),
        (2027, 5),
        (2028, 4),
    ] {
        assert_eq!(qingming(year), Some(day(year, 4, april)), "{year}");
    }
    for year in 1900..=2100 {
        let date = qingming(year).expect("in range");
        assert!(matches!(date.day(), 4..=6), "{date}");
    }
    assert_eq!(qingming(2101), None);
}

#[test]
fn ranges_are_inclusive_ordered_and_cross_years() {
    let around_new_year = holidays_between(day(2025, 10, 1), day(2026, 1, 1));
    let names: Vec<Holiday> = around_new_year.iter().map(|(_, h)| *h).collect();
    assert_eq!(
        names,
        [
            Holiday::NationalDay,
            Holiday::MidAutumn,
            Holiday::DoubleNinth,
            Holiday::NewYear
        ]
    );
    assert!(around_new_year.windows(2).all(|w| w[0].0 <= w[1].0));
    assert!(holidays_between(day(2026, 1, 2), day(2026, 1, 1)).is_empty());
    assert_eq!(
        holidays_between(day(2000, 1, 1), day(2099, 12, 31)).len(),
        1000
    );
}
