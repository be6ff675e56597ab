//! Manager insight (PRODUCT §9, issue 12): every report on small books whose figures are worked
//! out by hand, and properties over random books.

mod support;

use chrono::NaiveDate;
use huitou_shared::Record;
use huitou_shared::insights::rfm::{Level, Segment};
use huitou_shared::insights::{
    Book, Query, churn, cohorts, lifetime, pareto, repeat, rfm, staff, tiers,
};
use huitou_shared::retention::{RuleSet, Tier};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::*;

/// A book under construction: `(kind, id, record)`.
#[derive(Default)]
struct Books {
    records: Vec<(&'static str, String, Record)>,
    next: usize,
}

impl Books {
    fn customer(&mut self, id: &str, fields: &[(&str, Value)]) {
        let mut all = vec![("name", json!(id)), ("owner", json!("sales1"))];
        all.extend(fields.iter().cloned());
        self.records
            .push(("customer", id.to_owned(), record("customer", &all)));
    }

    fn child(&mut self, kind: &'static str, customer: &str, fields: &[(&str, Value)]) -> String {
        self.next += 1;
        let id = format!("{kind}-{:05}", self.next);
        let mut all = vec![("customer_id", json!(customer))];
        all.extend(fields.iter().cloned());
        self.records.push((kind, id.clone(), record(kind, &all)));
        id
    }

    fn visit(&mut self, customer: &str, date: NaiveDate, amount: f64) {
        self.child(
            "visit",
            customer,
            &[("at", json!(noon(date))), ("amount", json!(amount))],
        );
    }

    fn book(&self) -> Book<'_> {
        Book::new(
            self.records.iter().map(|(k, id, r)| (*k, id.as_str(), r)),
            480,
        )
    }
}

fn period(from: NaiveDate, to: NaiveDate) -> Query {
    Query {
        from,
        to,
        owner: None,
        team: None,
        window_days: 30,
    }
}

fn march() -> Query {
    period(day(2026, 3, 1), day(2026, 3, 31))
}

#[test]
fn ten_first_timers_in_march_four_back_within_30_days_is_40_percent() {
    let mut b = Books::default();
    for i in 0..10 {
        let id = format!("c{i}");
        b.customer(&id, &[]);
        b.visit(&id, day(2026, 3, 2 + i), 100.0);
    }
    // Four come back within 30 days (one exactly on day 30), one on day 31, one the same day.
    b.visit("c0", day(2026, 3, 10), 100.0);
    b.visit("c1", day(2026, 4, 2), 100.0);
    b.visit("c2", day(2026, 3, 4) + chrono::Days::new(30), 100.0);
    b.visit("c3", day(2026, 3, 30), 100.0);
    b.visit("c4", day(2026, 3, 6) + chrono::Days::new(31), 100.0);
    b.visit("c5", day(2026, 3, 7), 50.0);
    // Not a first-timer of March: first came in February.
    b.customer("old", &[]);
    b.visit("old", day(2026, 2, 20), 100.0);
    b.visit("old", day(2026, 3, 5), 100.0);
    let book = b.book();
    let report = repeat::report(&book, &march(), day(2026, 6, 1));
    assert_eq!(report.current.first_timers, 10);
    assert_eq!(report.current.returned, 4);
    assert_eq!(report.current.waiting, 0);
    assert_eq!(report.current.share.rate, Some(0.4));
    assert_eq!(report.by_month.len(), 1);
    assert_eq!(report.by_month[0].key, "2026-03");
    assert_eq!(report.by_owner[0].key, "sales1");
    // February had one first-timer, who came back on March 5th.
    assert_eq!(report.previous.first_timers, 1);
    assert_eq!(report.previous.share.rate, Some(1.0));
    // A wider window counts c4's day-31 return.
    let wide = Query {
        window_days: 31,
        ..march()
    };
    assert_eq!(
        repeat::report(&book, &wide, day(2026, 6, 1))
            .current
            .returned,
        5
    );
}

#[test]
fn customers_still_inside_their_window_are_waiting_not_lost() {
    let mut b = Books::default();
    b.customer("back", &[]);
    b.visit("back", day(2026, 3, 25), 100.0);
    b.visit("back", day(2026, 3, 28), 100.0);
    b.customer("waiting", &[]);
    b.visit("waiting", day(2026, 3, 25), 100.0);
    b.customer("gone", &[]);
    b.visit("gone", day(2026, 3, 1), 100.0);
    let book = b.book();
    let report = repeat::report(&book, &march(), day(2026, 4, 2));
    assert_eq!(
        (
            report.current.first_timers,
            report.current.returned,
            report.current.waiting
        ),
        (3, 1, 1)
    );
    // One returned of the two whose window closed or who came back.
    assert_eq!(report.current.share.rate, Some(0.5));
    let waiting: Vec<_> = report
        .customers
        .iter()
        .filter(|c| c.waiting)
        .map(|c| c.customer_id.as_str())
        .collect();
    assert_eq!(waiting, ["waiting"]);
}

#[test]
fn the_owner_filter_keeps_only_that_salespersons_customers() {
    let mut b = Books::default();
    b.customer("mine", &[]);
    b.visit("mine", day(2026, 3, 3), 100.0);
    b.customer("theirs", &[("owner", json!("sales2"))]);
    b.visit("theirs", day(2026, 3, 3), 100.0);
    let book = b.book();
    let query = Query {
        owner: Some("sales2".into()),
        team: None,
        ..march()
    };
    let report = repeat::report(&book, &query, day(2026, 6, 1));
    let ids: Vec<_> = report
        .customers
        .iter()
        .map(|c| c.customer_id.as_str())
        .collect();
    assert_eq!(ids, ["theirs"]);
}

#[test]
fn the_team_filter_keeps_the_customers_of_that_stores_people() {
    let mut b = Books::default();
    b.records.push((
        "user",
        "sales1".into(),
        record(
            "user",
            &[("name", json!("王芳")), ("team", json!("南京西路店"))],
        ),
    ));
    b.records.push((
        "user",
        "sales2".into(),
        record(
            "user",
            &[("name", json!("李强")), ("team", json!("徐家汇店"))],
        ),
    ));
    b.records.push((
        "user",
        "sales3".into(),
        record("user", &[("name", json!("张伟")), ("team", json!(" "))]),
    ));
    b.customer("west", &[]);
    b.visit("west", day(2026, 3, 3), 100.0);
    b.customer("xu", &[("owner", json!("sales2"))]);
    b.visit("xu", day(2026, 3, 3), 300.0);
    b.customer("nobody", &[("owner", json!("sales3"))]);
    b.visit("nobody", day(2026, 3, 3), 500.0);
    let book = b.book();
    assert_eq!(book.team_names(), ["南京西路店", "徐家汇店"]);
    let ids = |team: Option<&str>| {
        let query = Query {
            team: team.map(str::to_owned),
            ..march()
        };
        let mut ids: Vec<String> = repeat::report(&book, &query, day(2026, 6, 1))
            .customers
            .into_iter()
            .map(|c| c.customer_id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(Some("徐家汇店")), ["xu"]);
    assert_eq!(ids(Some("南京西路店")), ["west"]);
    assert_eq!(ids(None), ["nobody", "west", "xu"]);
    let query = Query {
        team: Some("徐家汇店".into()),
        ..march()
    };
    assert_eq!(pareto::report(&book, &query).current.revenue, 300.0);
}

#[test]
fn a_merged_duplicates_visits_count_for_the_kept_customer_and_the_trash_not_at_all() {
    let mut b = Books::default();
    b.customer("kept", &[]);
    b.visit("kept", day(2026, 3, 10), 100.0);
    b.customer(
        "dup",
        &[("merged_into", json!("kept")), ("deleted", json!(true))],
    );
    b.visit("dup", day(2026, 3, 2), 100.0);
    b.customer("binned", &[("deleted", json!(true))]);
    b.visit("binned", day(2026, 3, 2), 100.0);
    b.child(
        "visit",
        "kept",
        &[
            ("at", json!(noon(day(2026, 3, 1)))),
            ("amount", json!(999)),
            ("deleted", json!(true)),
        ],
    );
    let book = b.book();
    let report = repeat::report(&book, &march(), day(2026, 6, 1));
    assert_eq!(report.customers.len(), 1);
    assert_eq!(report.customers[0].customer_id, "kept");
    // The duplicate's March 2nd visit is the first; March 10th is the return.
    assert_eq!(report.customers[0].first_visit, day(2026, 3, 2));
    assert_eq!(report.customers[0].returned_on, Some(day(2026, 3, 10)));
}

#[test]
fn the_cohort_triangle_counts_visits_in_each_later_month() {
    let mut b = Books::default();
    // January cohort of three: a back in Feb and Mar, b in Mar (twice), c never.
    for id in ["a", "b", "c"] {
        b.customer(id, &[]);
        b.visit(id, day(2026, 1, 15), 100.0);
    }
    b.visit("a", day(2026, 2, 3), 100.0);
    b.visit("a", day(2026, 3, 3), 100.0);
    b.visit("b", day(2026, 3, 3), 100.0);
    b.visit("b", day(2026, 3, 20), 100.0);
    // February cohort of one, back in April (after today: not counted).
    b.customer("d", &[]);
    b.visit("d", day(2026, 2, 1), 100.0);
    b.visit("d", day(2026, 4, 20), 100.0);
    let book = b.book();
    let query = period(day(2026, 1, 1), day(2026, 4, 30));
    let report = cohorts::report(&book, &query, day(2026, 4, 10));
    assert_eq!(report.cohorts.len(), 2);
    assert_eq!(report.cohorts[0].month, "2026-01");
    assert_eq!(report.cohorts[0].size, 3);
    assert_eq!(report.cohorts[0].returning, vec![1, 2, 0]);
    assert_eq!(report.cohorts[1].month, "2026-02");
    assert_eq!(report.cohorts[1].returning, vec![0, 0]);
    let cells = cohorts::members(&book, &query, day(2026, 4, 10));
    assert_eq!(cells[&("2026-01".to_owned(), 2)], ["a", "b"]);
    assert_eq!(cells[&("2026-01".to_owned(), 0)], ["a", "b", "c"]);
    assert!(!cells.contains_key(&("2026-01".to_owned(), 3)));
    assert_eq!(
        cohorts::month_after("2026-11", 3).as_deref(),
        Some("2027-02")
    );
}

#[test]
fn seed_002_lifetime_values_come_out_exactly() {
    let mut b = Books::default();
    b.customer("A", &[]);
    b.customer("B", &[]);
    let a = [
        10000, 12000, 15000, 17000, 20000, 22000, 25000, 27000, 30000, 32000, 35000, 40000,
    ];
    for (month, amount) in a.iter().enumerate() {
        b.visit("A", day(2025, month as u32 + 1, 10), f64::from(*amount));
    }
    for (month, amount) in [15000, 18000, 20000].iter().enumerate() {
        b.visit("B", day(2025, month as u32 + 10, 10), f64::from(*amount));
    }
    let book = b.book();
    let query = period(day(2025, 1, 1), day(2025, 12, 31));
    let report = lifetime::report(&book, &query, day(2025, 12, 31));
    let spend: Vec<(&str, f64)> = report
        .rows
        .iter()
        .map(|r| (r.customer_id.as_str(), r.lifetime_spend))
        .collect();
    assert_eq!(spend, [("A", 285000.0), ("B", 53000.0)]);
    assert_eq!(report.total_spend, 338000.0);
    // B comes monthly (gaps of 31 and 30 days, median 30.5): 365/30.5 visits a year at 53000/3
    // a visit, for 3 years.
    let b_row = &report.rows[1];
    let expected = 53000.0 + 53000.0 / 3.0 * (365.0 / 30.5) * 3.0;
    assert!(
        (b_row.projected - expected).abs() < 1e-6,
        "{}",
        b_row.projected
    );
    // A was last here in December, within its rhythm; a year later it is dormant: no projection.
    let later = lifetime::report(
        &book,
        &period(day(2025, 1, 1), day(2026, 12, 31)),
        day(2026, 12, 31),
    );
    assert_eq!(later.rows[0].visits_per_year, None);
    assert_eq!(later.rows[0].projected, 285000.0);
}

#[test]
fn pareto_share_of_the_top_fifth() {
    let mut b = Books::default();
    for (id, spend) in [
        ("a", 500.0),
        ("b", 200.0),
        ("c", 100.0),
        ("d", 100.0),
        ("e", 50.0),
        ("f", 50.0),
    ] {
        b.customer(id, &[]);
        b.visit(id, day(2026, 3, 5), spend);
    }
    b.customer("feb", &[]);
    b.visit("feb", day(2026, 2, 5), 70.0);
    let book = b.book();
    let report = pareto::report(&book, &march());
    // Six customers: the top fifth is two (a, b) with 700 of 1000.
    assert_eq!(report.current.customers, 6);
    assert_eq!(report.current.top_customers, 2);
    assert_eq!(report.top, ["a", "b"]);
    assert_eq!(report.current.top_share, Some(0.7));
    assert_eq!(report.curve.first(), Some(&(0.0, 0.0)));
    assert_eq!(report.curve.last(), Some(&(1.0, 1.0)));
    assert_eq!(report.previous.customers, 1);
    assert_eq!(report.previous.top_share, Some(1.0));
}

#[test]
fn rfm_scores_and_segments_on_a_hand_made_book() {
    let mut b = Books::default();
    // Five customers, each better than the last on every measure.
    for i in 0..5u32 {
        let id = format!("c{i}");
        b.customer(&id, &[]);
        for n in 0..=i {
            b.visit(&id, day(2026, 3, 1 + i * 5 + n), 100.0 * f64::from(i + 1));
        }
    }
    b.child(
        "contact",
        "c0",
        &[
            ("at", json!(noon(day(2026, 3, 2)))),
            ("channel", json!("call")),
        ],
    );
    let book = b.book();
    let report = rfm::report(&book, &march(), day(2026, 3, 31));
    let by_id = |id: &str| report.rows.iter().find(|r| r.customer_id == id).unwrap();
    assert_eq!((by_id("c4").r, by_id("c4").f, by_id("c4").m), (5, 5, 5));
    assert_eq!(by_id("c4").segment, Segment::Champions);
    assert_eq!((by_id("c0").r, by_id("c0").f, by_id("c0").m), (1, 1, 1));
    assert_eq!(by_id("c0").segment, Segment::Lost);
    assert_eq!(by_id("c0").interactions, 2);
    assert_eq!(by_id("c4").contribution, Level::High);
    assert_eq!(by_id("c0").contribution, Level::Low);
    assert_eq!(report.segments.values().sum::<usize>(), 5);
    assert_eq!(report.matrix.iter().flatten().sum::<usize>(), 5);
}

#[test]
fn the_rfm_grid_names_every_cell() {
    assert_eq!(Segment::of(5, 5), Segment::Champions);
    assert_eq!(Segment::of(3, 4), Segment::Loyal);
    assert_eq!(Segment::of(2, 5), Segment::AtRisk);
    assert_eq!(Segment::of(1, 4), Segment::CantLoseThem);
    assert_eq!(Segment::of(4, 2), Segment::PotentialLoyalists);
    assert_eq!(Segment::of(3, 3), Segment::NeedAttention);
    assert_eq!(Segment::of(1, 2), Segment::Hibernating);
    assert_eq!(Segment::of(5, 1), Segment::New);
    assert_eq!(Segment::of(4, 1), Segment::Promising);
    assert_eq!(Segment::of(3, 1), Segment::AboutToSleep);
    assert_eq!(Segment::of(2, 1), Segment::Lost);
}

#[test]
fn churn_lists_dormant_and_lost_customers_by_lifetime_spend() {
    let mut b = Books::default();
    // Comes every 10 days, last on Jan 30: dormant after 20 days (Feb 20 on).
    b.customer("regular", &[]);
    for d in [1, 10, 20, 30] {
        b.visit("regular", day(2026, 1, d), 1000.0);
    }
    // Still coming.
    b.customer("fine", &[]);
    b.visit("fine", day(2026, 3, 20), 100.0);
    // Marked lost by a salesperson, with a reason.
    b.customer(
        "lost",
        &[
            ("stage", json!("lost")),
            ("lost_reason", json!("moved away")),
        ],
    );
    b.visit("lost", day(2026, 3, 10), 300.0);
    b.child(
        "task",
        "regular",
        &[
            ("kind", json!("win_back")),
            ("due", json!("2026-03-05")),
            ("status", json!("done")),
        ],
    );
    b.child(
        "task",
        "regular",
        &[("kind", json!("win_back")), ("due", json!("2026-03-12"))],
    );
    let book = b.book();
    let report = churn::report(
        &book,
        &RuleSet::restaurant_default(),
        &march(),
        day(2026, 3, 31),
    );
    let rows: Vec<(&str, churn::ChurnState, f64)> = report
        .rows
        .iter()
        .map(|r| (r.customer_id.as_str(), r.state, r.lifetime_spend))
        .collect();
    assert_eq!(
        rows,
        [
            ("regular", churn::ChurnState::Dormant, 4000.0),
            ("lost", churn::ChurnState::Lost, 300.0)
        ]
    );
    assert_eq!(report.rows[0].dormant_from, Some(day(2026, 2, 20)));
    assert_eq!(report.rows[1].lost_reason, "moved away");
    // Dormant since February: the period before March, not March.
    assert_eq!((report.newly_dormant, report.newly_dormant_before), (0, 1));
    assert_eq!(
        (
            report.win_back.planned,
            report.win_back.done,
            report.win_back.missed
        ),
        (2, 1, 1)
    );
    let churned: usize = report.by_tier.iter().map(|t| t.share.part).sum();
    let everyone: usize = report.by_tier.iter().map(|t| t.share.whole).sum();
    assert_eq!((churned, everyone), (2, 3));
}

#[test]
fn tier_moves_name_the_rule_that_moved_them() {
    let mut b = Books::default();
    b.customer("riser", &[("created_at", json!(noon(day(2025, 1, 1))))]);
    // Big spend in March lifts them to A (restaurant default: 90-day window).
    b.visit("riser", day(2025, 6, 1), 100.0);
    b.visit("riser", day(2026, 3, 2), 40000.0);
    let book = b.book();
    let report = tiers::report(
        &book,
        &RuleSet::restaurant_default(),
        &march(),
        day(2026, 3, 31),
    );
    assert_eq!(report.points.len(), 1);
    assert_eq!(report.points[0].day, day(2026, 3, 31));
    assert_eq!(report.points[0].counts[&Tier::A], 1);
    assert_eq!(report.moves.len(), 1);
    let moved = &report.moves[0];
    assert!(moved.up);
    assert_eq!(moved.to, Tier::A);
    assert!(
        moved.reason.contains("avg monthly spend"),
        "{}",
        moved.reason
    );
    assert_eq!(report.members[&Tier::A], ["riser"]);
    // A year-long period is counted at each month end.
    let year = period(day(2025, 4, 1), day(2026, 3, 31));
    assert_eq!(tiers::points(&year, day(2026, 3, 31)).len(), 12);
}

#[test]
fn staff_follow_ups_on_time_late_missed_and_skipped() {
    let mut b = Books::default();
    b.customer("c", &[("phone", json!("13800138000"))]);
    b.visit("c", day(2026, 3, 3), 100.0);
    b.visit("c", day(2026, 3, 9), 100.0);
    let on_time = b.child(
        "task",
        "c",
        &[("due", json!("2026-03-05")), ("status", json!("done"))],
    );
    b.child(
        "contact",
        "c",
        &[
            ("at", json!(noon(day(2026, 3, 5)))),
            ("task_id", json!(on_time)),
            ("staff", json!("sales1")),
        ],
    );
    let late = b.child(
        "task",
        "c",
        &[("due", json!("2026-03-06")), ("status", json!("done"))],
    );
    b.child(
        "contact",
        "c",
        &[
            ("at", json!(noon(day(2026, 3, 8)))),
            ("task_id", json!(late)),
        ],
    );
    b.child("task", "c", &[("due", json!("2026-03-07"))]);
    b.child(
        "task",
        "c",
        &[("due", json!("2026-03-08")), ("status", json!("skipped"))],
    );
    // Due today and open: not missed yet.
    b.child("task", "c", &[("due", json!("2026-03-20"))]);
    // Handed to a manager: theirs, not sales1's.
    b.child(
        "task",
        "c",
        &[("due", json!("2026-03-07")), ("assignee", json!("boss"))],
    );
    b.child(
        "complaint",
        "c",
        &[
            ("at", json!(noon(day(2026, 3, 4)))),
            ("status", json!("resolved")),
        ],
    );
    b.child(
        "complaint",
        "c",
        &[
            ("at", json!(noon(day(2026, 3, 4)))),
            ("status", json!("promised")),
            ("promised_by", json!("2026-03-10")),
        ],
    );
    b.customer("friend", &[]);
    b.visit("friend", day(2026, 3, 12), 100.0);
    b.child(
        "referral",
        "c",
        &[
            ("at", json!(noon(day(2026, 3, 9)))),
            ("referred_customer_id", json!("friend")),
        ],
    );
    let book = b.book();
    let report = staff::report(&book, &march(), day(2026, 3, 20));
    assert_eq!(report.rows.len(), 1);
    let r = &report.rows[0];
    assert_eq!(r.staff, "sales1");
    assert_eq!(r.customers, 2);
    assert_eq!(r.contacts, 2);
    assert_eq!(
        (
            r.tasks_on_time,
            r.tasks_late,
            r.tasks_missed,
            r.tasks_skipped
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(
        (r.complaints, r.complaints_resolved, r.promises_overdue),
        (2, 1, 1)
    );
    assert_eq!(r.referrals_converted, 1);
    assert_eq!(r.new_customers, 2);
    assert!(r.completeness > 0.0 && r.completeness < 100.0);
}

// ---- properties over random books ----

/// A random customer: owner (0–2), visits as (day offset 0..400, amount 0..1000).
fn customers() -> impl Strategy<Value = Vec<(u8, Vec<(u16, u16)>)>> {
    prop::collection::vec(
        (0u8..3, prop::collection::vec((0u16..400, 0u16..1000), 0..6)),
        0..25,
    )
}

fn random_book(customers: &[(u8, Vec<(u16, u16)>)]) -> Books {
    let mut b = Books::default();
    let start = day(2025, 6, 1);
    for (i, (owner, visits)) in customers.iter().enumerate() {
        let id = format!("c{i:03}");
        b.customer(&id, &[("owner", json!(format!("sales{owner}")))]);
        for (offset, amount) in visits {
            b.visit(
                &id,
                start + chrono::Days::new(u64::from(*offset)),
                f64::from(*amount),
            );
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn reports_keep_their_invariants(customers in customers(), window in 1u32..120, span in 0u64..300, seed in any::<u64>()) {
        let b = random_book(&customers);
        let today = day(2026, 7, 1);
        let from = day(2025, 6, 1) + chrono::Days::new(seed % 200);
        let query = Query { from, to: from + chrono::Days::new(span), owner: None, team: None, window_days: window };
        let book = b.book();

        let r = repeat::report(&book, &query, today);
        if let Some(rate) = r.current.share.rate {
            prop_assert!((0.0..=1.0).contains(&rate));
        }
        prop_assert!(r.current.returned + r.current.waiting <= r.current.first_timers);
        let by_owner: usize = r.by_owner.iter().map(|g| g.repeat.first_timers).sum();
        prop_assert_eq!(by_owner, r.current.first_timers);

        for cohort in cohorts::report(&book, &query, today).cohorts {
            prop_assert!(cohort.returning.iter().all(|n| *n <= cohort.size));
        }

        let p = pareto::report(&book, &query);
        if let Some(share) = p.current.top_share {
            prop_assert!((0.2 - 1e-9..=1.0 + 1e-9).contains(&share));
        }
        prop_assert!(p.curve.windows(2).all(|w| w[0].1 <= w[1].1 + 1e-9));

        let f = rfm::report(&book, &query, today);
        let mut ids: Vec<&str> = f.rows.iter().map(|r| r.customer_id.as_str()).collect();
        let before = ids.len();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), before, "every customer once");
        prop_assert_eq!(f.segments.values().sum::<usize>(), before);
        prop_assert_eq!(f.matrix.iter().flatten().sum::<usize>(), before);
        let with_visits = customers.iter().filter(|(_, visits)| {
            visits.iter().any(|(o, _)| day(2025, 6, 1) + chrono::Days::new(u64::from(*o)) <= query.to.min(today))
        }).count();
        prop_assert_eq!(before, with_visits);

        // Order does not matter: the same records reversed give the same reports.
        let mut backwards = b.records.clone();
        backwards.reverse();
        let reversed = Book::new(backwards.iter().map(|(k, id, r)| (*k, id.as_str(), r)), 480);
        prop_assert_eq!(repeat::report(&reversed, &query, today), r);
        prop_assert_eq!(pareto::report(&reversed, &query), p);
        prop_assert_eq!(rfm::report(&reversed, &query, today), f);
        prop_assert_eq!(
            lifetime::report(&reversed, &query, today),
            lifetime::report(&book, &query, today)
        );
    }
}
