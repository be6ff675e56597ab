//! Dormancy and the predicted next visit (PRODUCT §6): median gaps, the 2× factor, the 60-day fallback.

mod support;

use huitou_shared::Record;
use huitou_shared::retention::{DormancyRule, dormancy};
use support::*;

fn visits_on(days: &[chrono::NaiveDate]) -> Vec<Record> {
    days.iter().map(|d| visit(*d, 100.0)).collect()
}

#[test]
fn the_usual_interval_is_the_median_gap() {
    // Gaps 5, 10, 30: median 10.
    let visits = visits_on(&[
        day(2026, 1, 1),
        day(2026, 1, 6),
        day(2026, 1, 16),
        day(2026, 2, 15),
    ]);
    let rhythm = dormancy(&refs(&visits), day(2026, 3, 1), &DormancyRule::default());
    assert_eq!(rhythm.usual_interval_days, Some(10.0));
    assert_eq!(rhythm.predicted_next_visit, Some(day(2026, 2, 25)));
    assert_eq!(rhythm.last_visit, Some(day(2026, 2, 15)));
    assert_eq!(rhythm.days_since_last_visit, Some(14));
    assert!(!rhythm.dormant);
    // Dormant after more than 20 days: from March 8th.
    assert_eq!(rhythm.dormant_from, Some(day(2026, 3, 8)));
    assert!(!dormancy(&refs(&visits), day(2026, 3, 7), &DormancyRule::default()).dormant);
    assert!(dormancy(&refs(&visits), day(2026, 3, 8), &DormancyRule::default()).dormant);
}

#[test]
fn an_even_number_of_gaps_takes_the_mean_of_the_middle_two() {
    // Gaps 4 and 7: median 5.5, predicted 6 days on (rounded), dormant after 11.
    let visits = visits_on(&[day(2026, 1, 1), day(2026, 1, 5), day(2026, 1, 12)]);
    let rhythm = dormancy(&refs(&visits), day(2026, 1, 20), &DormancyRule::default());
    assert_eq!(rhythm.usual_interval_days, Some(5.5));
    assert_eq!(rhythm.predicted_next_visit, Some(day(2026, 1, 18)));
    assert!(!rhythm.dormant);
    assert!(dormancy(&refs(&visits), day(2026, 1, 24), &DormancyRule::default()).dormant);
}

#[test]
fn few_visits_fall_back_to_sixty_days() {
    let two = visits_on(&[day(2026, 1, 1), day(2026, 1, 3)]);
    let rhythm = dormancy(&refs(&two), day(2026, 3, 4), &DormancyRule::default());
    assert_eq!(rhythm.predicted_next_visit, Some(day(2026, 1, 5)));
    assert!(!rhythm.dormant, "60 days since, not more");
    assert!(dormancy(&refs(&two), day(2026, 3, 5), &DormancyRule::default()).dormant);

    let one = visits_on(&[day(2026, 1, 1)]);
    let rhythm = dormancy(&refs(&one), day(2026, 2, 1), &DormancyRule::default());
    assert_eq!(rhythm.predicted_next_visit, None);
    assert_eq!(rhythm.usual_interval_days, None);
    assert!(!rhythm.dormant);
}

#[test]
fn several_visits_on_one_day_are_one_visit_day() {
    let visits = visits_on(&[
        day(2026, 1, 1),
        day(2026, 1, 1),
        day(2026, 1, 11),
        day(2026, 1, 21),
    ]);
    let rhythm = dormancy(&refs(&visits), day(2026, 1, 22), &DormancyRule::default());
    assert_eq!(rhythm.usual_interval_days, Some(10.0));
}

#[test]
fn no_visits_is_not_dormant_and_later_visits_do_not_count() {
    let rhythm = dormancy(&[], day(2026, 1, 1), &DormancyRule::default());
    assert!(!rhythm.dormant);
    assert_eq!(rhythm.last_visit, None);
    let visits = visits_on(&[day(2026, 1, 1), day(2026, 6, 1)]);
    let rhythm = dormancy(&refs(&visits), day(2026, 5, 1), &DormancyRule::default());
    assert_eq!(rhythm.last_visit, Some(day(2026, 1, 1)));
    assert!(rhythm.dormant);
}

#[test]
fn the_factor_is_configurable() {
    let visits = visits_on(&[day(2026, 1, 1), day(2026, 1, 11), day(2026, 1, 21)]);
    let strict = DormancyRule {
        factor: 1.5,
        ..DormancyRule::default()
    };
    assert!(dormancy(&refs(&visits), day(2026, 2, 6), &strict).dormant);
    assert!(!dormancy(&refs(&visits), day(2026, 2, 6), &DormancyRule::default()).dormant);
}

mod day_parsing {
    use huitou_shared::retention::parse_day;
    use proptest::prelude::*;

    proptest! {
        /// The hand-checked common shape gives the day chrono gives, and refuses what it refuses.
        #[test]
        fn the_fast_path_agrees_with_chrono(
            year in 1900u32..2200, month in 0u32..14, day in 0u32..33, hour in 0u32..26,
            minute in 0u32..61, second in 0u32..62, fraction in prop::option::of(0u32..1000),
            offset in prop::option::of((any::<bool>(), 0u32..25, 0u32..61)),
        ) {
            let fraction = fraction.map_or(String::new(), |f| format!(".{f:03}"));
            let offset = offset.map_or("Z".to_owned(), |(east, h, m)| {
                format!("{}{h:02}:{m:02}", if east { '+' } else { '-' })
            });
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{offset}");
            let chrono_day = chrono::DateTime::parse_from_rfc3339(&text).ok().map(|at| at.date_naive());
            prop_assert_eq!(parse_day(&text), chrono_day, "{}", text);
        }
    }
}
