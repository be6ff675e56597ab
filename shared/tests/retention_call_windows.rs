//! Phone etiquette (PRODUCT §8): the default windows, and that no proposed time is ever forbidden.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use huitou_shared::retention::{CallWindows, TimeRange, is_allowed, next_good_time};
use proptest::prelude::*;
use serde_json::json;

fn at(hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(hour, minute, 0))
        .expect("valid time")
}

#[test]
fn default_windows_follow_the_three_nevers() {
    let windows = CallWindows::default();
    for (hour, minute, allowed) in [
        (7, 0, false),
        (8, 59, false),
        (9, 0, true),
        (11, 29, true),
        (11, 30, false),
        (13, 29, false),
        (13, 30, true),
        (17, 29, true),
        (17, 30, false),
        (18, 59, false),
        (19, 0, true),
        (20, 59, true),
        (21, 0, false),
        (23, 59, false),
        (0, 0, false),
    ] {
        assert_eq!(
            is_allowed(at(hour, minute), &windows),
            allowed,
            "{hour}:{minute}"
        );
    }
}

#[test]
fn the_next_good_time_is_now_or_the_end_of_the_forbidden_span() {
    let windows = CallWindows::default();
    assert_eq!(next_good_time(at(10, 15), &windows), at(10, 15));
    assert_eq!(next_good_time(at(6, 0), &windows), at(9, 0));
    assert_eq!(next_good_time(at(12, 0), &windows), at(13, 30));
    assert_eq!(next_good_time(at(18, 0), &windows), at(19, 0));
    assert_eq!(
        next_good_time(at(21, 30), &windows),
        at(9, 0) + Duration::days(1)
    );
}

#[test]
fn the_best_windows_are_mid_morning_and_late_afternoon() {
    let windows = CallWindows::default();
    assert!(windows.is_best(at(10, 0)));
    assert!(windows.is_best(at(11, 29)));
    assert!(!windows.is_best(at(9, 30)));
    assert!(windows.is_best(at(15, 0)));
    assert!(windows.is_best(at(17, 29)));
    assert!(!windows.is_best(at(19, 30)));
}

#[test]
fn windows_that_forbid_the_whole_day_are_refused() {
    let whole_day = vec![
        TimeRange::hm((0, 0), (12, 0)).unwrap(),
        TimeRange::hm((12, 0), (0, 0)).unwrap(),
    ];
    assert!(CallWindows::new(whole_day, vec![]).is_err());
    let stored = json!({"forbidden": [{"from": "08:00:00", "until": "08:00:00"}]});
    assert!(serde_json::from_value::<CallWindows>(stored).is_err());
    // The defaults survive a round trip through a synced record.
    let stored = serde_json::to_value(CallWindows::default()).unwrap();
    assert_eq!(
        serde_json::from_value::<CallWindows>(stored).unwrap(),
        CallWindows::default()
    );
}

/// A time of day to the minute.
fn minute_of_day() -> impl Strategy<Value = NaiveTime> {
    (0u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).expect("valid"))
}

fn any_moment() -> impl Strategy<Value = NaiveDateTime> {
    (0i64..3650, 0u32..86_400).prop_map(|(days, seconds)| {
        NaiveDate::from_ymd_opt(2020, 1, 1)
            .expect("valid")
            .and_hms_opt(0, 0, 0)
            .expect("valid")
            + Duration::days(days)
            + Duration::seconds(i64::from(seconds))
    })
}

/// Checks that `proposed` is allowed, not before `now`, and the earliest allowed minute.
fn check(now: NaiveDateTime, windows: &CallWindows) -> Result<(), TestCaseError> {
    let proposed = next_good_time(now, windows);
    prop_assert!(
        is_allowed(proposed, windows),
        "{now} → {proposed} is forbidden"
    );
    prop_assert!(proposed >= now);
    prop_assert!(proposed - now <= Duration::days(1));
    let mut probe = now;
    while probe < proposed {
        prop_assert!(
            !is_allowed(probe, windows),
            "{probe} was allowed before {proposed}"
        );
        probe += Duration::minutes(1);
    }
    Ok(())
}

proptest! {
    #[test]
    fn never_proposes_a_forbidden_time_with_the_defaults(now in any_moment()) {
        check(now, &CallWindows::default())?;
    }

    #[test]
    fn never_proposes_a_forbidden_time_with_any_windows(
        spans in prop::collection::vec((minute_of_day(), minute_of_day()), 0..6),
        now in any_moment(),
    ) {
        let forbidden: Vec<TimeRange> =
            spans.into_iter().map(|(from, until)| TimeRange { from, until }).collect();
        match CallWindows::new(forbidden.clone(), vec![]) {
            Ok(windows) => check(now, &windows)?,
            // Refused: then truly every minute of the day is forbidden.
            Err(_) => {
                for minute in 0..24 * 60 {
                    let time = NaiveTime::MIN + Duration::minutes(minute);
                    prop_assert!(forbidden.iter().any(|range| range.contains(time)));
                }
            }
        }
    }
}
