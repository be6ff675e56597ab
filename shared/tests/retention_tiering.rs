//! Tiering (PRODUCT §5): one golden customer per row and criterion of the default table,
//! New, Potential, Regular, overrides, and rule sets as data.

mod support;

use huitou_shared::Record;
use huitou_shared::retention::{
    Combinator, History, RuleSet, Tier, TierRule, summarize, tier, tiering::metrics,
};
use proptest::prelude::*;
use serde_json::json;
use support::*;

fn today() -> chrono::NaiveDate {
    day(2026, 6, 30)
}

/// A customer of long standing with these child records.
fn tier_of(visits: &[Record], referrals: &[Record], suggestions: &[Record]) -> (Tier, String) {
    let customer = customer_since(day(2025, 1, 1));
    tier_with(&customer, visits, referrals, suggestions)
}

fn tier_with(
    customer: &Record,
    visits: &[Record],
    referrals: &[Record],
    suggestions: &[Record],
) -> (Tier, String) {
    let history = History {
        visits: refs(visits),
        referrals: refs(referrals),
        suggestions: refs(suggestions),
        family: Vec::new(),
    };
    let result = tier(customer, &history, today(), &RuleSet::restaurant_default());
    (result.tier, result.reason)
}

/// `count` visits spread over the window adding up to `total`.
fn spend(count: usize, total: f64) -> Vec<Record> {
    daily(count, today(), |date| visit(date, total / count as f64))
}

fn events(kind: &str, count: usize) -> Vec<Record> {
    daily(count, today(), |date| event(kind, date))
}

#[test]
fn row_a_each_criterion() {
    assert_eq!(
        tier_of(&spend(3, 25_350.0), &[], &[]),
        (Tier::A, "avg monthly spend ¥8,450 ≥ ¥8,000".into())
    );
    assert_eq!(tier_of(&spend(2, 24_000.0), &[], &[]).0, Tier::A);
    assert_eq!(
        tier_of(&[], &events("referral", 150), &[]),
        (Tier::A, "referrals per month 50 ≥ 50".into())
    );
    assert_eq!(
        tier_of(&[], &[], &events("suggestion", 30)),
        (Tier::A, "suggestions per month 10 ≥ 10".into())
    );
}

#[test]
fn row_b_each_criterion() {
    assert_eq!(
        tier_of(&spend(3, 15_000.0), &[], &[]),
        (Tier::B, "avg monthly spend ¥5,000 ≥ ¥5,000".into())
    );
    // 24 small visits: 8 a month, ¥800 a month.
    assert_eq!(
        tier_of(&spend(24, 2_400.0), &[], &[]),
        (Tier::B, "visits per month 8 ≥ 8".into())
    );
    assert_eq!(tier_of(&[], &events("referral", 60), &[]).0, Tier::B);
    assert_eq!(tier_of(&[], &[], &events("suggestion", 15)).0, Tier::B);
    // Just under A on every count.
    assert_eq!(
        tier_of(
            &spend(3, 23_999.0),
            &events("referral", 149),
            &events("suggestion", 29)
        )
        .0,
        Tier::B
    );
}

#[test]
fn row_c_each_criterion() {
    assert_eq!(
        tier_of(&spend(3, 9_000.0), &[], &[]),
        (Tier::C, "avg monthly spend ¥3,000 ≥ ¥3,000".into())
    );
    assert_eq!(tier_of(&spend(18, 1_800.0), &[], &[]).0, Tier::C);
    assert_eq!(tier_of(&[], &events("referral", 24), &[]).0, Tier::C);
    // "Suggests at visits": at least one suggestion a month.
    assert_eq!(
        tier_of(&[], &[], &events("suggestion", 3)),
        (Tier::C, "suggestions per month 1 ≥ 1".into())
    );
}

#[test]
fn several_criteria_of_the_winning_tier_are_all_named() {
    // ¥4,000 a month meets C's spend, but 8 visits a month reach B: only B's criteria are named.
    assert_eq!(
        tier_of(&spend(24, 12_000.0), &[], &[]),
        (Tier::B, "visits per month 8 ≥ 8".into())
    );
    // ¥5,000 and 8 visits a month: both B criteria hold.
    assert_eq!(
        tier_of(&spend(24, 15_000.0), &[], &[]).1,
        "avg monthly spend ¥5,000 ≥ ¥5,000; visits per month 8 ≥ 8"
    );
}

#[test]
fn below_every_threshold_is_regular() {
    assert_eq!(
        tier_of(
            &spend(17, 8_999.0),
            &events("referral", 23),
            &events("suggestion", 2)
        ),
        (Tier::Regular, "no tier criterion met".into())
    );
}

#[test]
fn only_the_trailing_90_days_count() {
    let first_day_in = today() - chrono::Days::new(89);
    let first_day_out = today() - chrono::Days::new(90);
    assert_eq!(
        tier_of(&[visit(first_day_in, 24_000.0)], &[], &[]).0,
        Tier::A
    );
    assert_eq!(
        tier_of(&[visit(first_day_out, 24_000.0)], &[], &[]).0,
        Tier::Regular
    );
    // Visits after the day asked about do not count either.
    let tomorrow = today() + chrono::Days::new(1);
    assert_eq!(
        tier_of(&[visit(tomorrow, 24_000.0)], &[], &[]).0,
        Tier::Regular
    );
}

#[test]
fn visits_in_the_trash_do_not_count() {
    let mut deleted = visit(today(), 24_000.0);
    deleted.apply(&huitou_shared::Change::new(
        "visit",
        "x",
        "deleted",
        true.into(),
        "001764072000099:00000:deviceAA",
    ));
    assert_eq!(tier_of(&[deleted], &[], &[]).0, Tier::Regular);
}

#[test]
fn twenty_days_of_history_stays_new_whatever_the_spend() {
    let customer = customer_since(today() - chrono::Days::new(20));
    let (tier, reason) = tier_with(&customer, &spend(1, 100_000.0), &[], &[]);
    assert_eq!(tier, Tier::New);
    assert_eq!(reason, "20 days of history < 30-day observation period");
    // History starts at the first visit when that is earlier than created_at (imported books).
    let old_visit = visit(today() - chrono::Days::new(40), 30_000.0);
    assert_eq!(tier_with(&customer, &[old_visit], &[], &[]).0, Tier::A);
    // Thirty days is enough.
    let customer = customer_since(today() - chrono::Days::new(30));
    assert_eq!(tier_with(&customer, &[], &[], &[]).0, Tier::Regular);
    // Nothing at all: New.
    assert_eq!(
        tier_with(&Record::default(), &[], &[], &[]),
        (Tier::New, "no history yet".into())
    );
}

#[test]
fn potential_by_tag_unless_a_metric_tier_is_reached() {
    for tag in [
        "学生",
        "有影响力员工",
        "附近居民",
        "政府",
        "村委",
        "student",
    ] {
        let customer = record(
            "customer",
            &[
                ("created_at", noon(day(2025, 1, 1)).into()),
                (&format!("tag:{tag}"), true.into()),
            ],
        );
        assert_eq!(
            tier_with(&customer, &[], &[], &[]),
            (Tier::Potential, format!("tag {tag}"))
        );
        assert_eq!(
            tier_with(&customer, &spend(3, 9_000.0), &[], &[]).0,
            Tier::C
        );
    }
    let untagged = record(
        "customer",
        &[
            ("created_at", noon(day(2025, 1, 1)).into()),
            ("tag:学生", false.into()),
            ("tag:好友", true.into()),
        ],
    );
    assert_eq!(tier_with(&untagged, &[], &[], &[]).0, Tier::Regular);
}

#[test]
fn a_manual_override_wins_with_its_reason() {
    let customer = record(
        "customer",
        &[
            ("created_at", noon(today()).into()),
            (
                "tier_override",
                json!({"tier": "A", "reason": "老板的朋友"}),
            ),
        ],
    );
    assert_eq!(
        tier_with(&customer, &[], &[], &[]),
        (Tier::A, "老板的朋友".into())
    );
    let demoted = record("customer", &[("tier_override", json!({"tier": "regular"}))]);
    assert_eq!(
        tier_with(&demoted, &spend(3, 90_000.0), &[], &[]),
        (Tier::Regular, "set by hand".into())
    );
    // A cleared or unreadable override is no override.
    for junk in [json!(null), json!({"tier": "S"}), json!("A")] {
        let customer = record("customer", &[("tier_override", junk)]);
        assert_eq!(tier_with(&customer, &[], &[], &[]).0, Tier::New);
    }
}

#[test]
fn metrics_are_window_totals_per_thirty_days() {
    let visits = [
        visit(today(), 300.0),
        visit(today(), 600.0),
        visit(day(2026, 5, 1), 0.0),
    ];
    let referrals = events("referral", 2);
    let suggestions = events("suggestion", 1);
    let history = History {
        visits: visits.iter().collect(),
        referrals: refs(&referrals),
        suggestions: refs(&suggestions),
        family: Vec::new(),
    };
    let m = metrics(&history, today(), 90);
    assert_eq!(m.avg_monthly_spend, 300.0);
    assert_eq!(m.visits_per_month, 1.0);
    assert!((m.referrals_per_month - 2.0 / 3.0).abs() < 1e-12);
    assert!((m.suggestions_per_month - 1.0 / 3.0).abs() < 1e-12);
    let m = metrics(&history, today(), 30);
    assert_eq!((m.avg_monthly_spend, m.visits_per_month), (900.0, 2.0));
}

#[test]
fn rule_sets_are_data_with_any_or_all() {
    let retail = RuleSet {
        name: "retail".into(),
        window_days: 30,
        observation_days: 0,
        combinator: Combinator::All,
        tiers: vec![TierRule {
            tier: Tier::A,
            min_monthly_spend: Some(1000.0),
            min_visits_per_month: Some(2.0),
            min_referrals_per_month: None,
            min_suggestions_per_month: None,
            any_tag: vec![],
        }],
    };
    // Stored as a synced record's JSON and read back.
    let stored = serde_json::to_value(&retail).unwrap();
    let retail: RuleSet = serde_json::from_value(stored).unwrap();
    let customer = customer_since(day(2025, 1, 1));
    let one_big = [visit(today(), 5000.0)];
    let two = [visit(today(), 600.0), visit(today(), 600.0)];
    let run = |visits: &[Record]| {
        let history = History {
            visits: refs(visits),
            ..History::default()
        };
        tier(&customer, &history, today(), &retail)
    };
    assert_eq!(run(&one_big).tier, Tier::Regular);
    let both = run(&two);
    assert_eq!(
        (both.tier, both.reason.as_str()),
        (
            Tier::A,
            "avg monthly spend ¥1,200 ≥ ¥1,000; visits per month 2 ≥ 2"
        )
    );
    // Partial JSON: omitted thresholds are no criterion; the combinator defaults to any.
    let partial: RuleSet = serde_json::from_value(json!({
        "name": "b2b", "window_days": 90, "observation_days": 30,
        "tiers": [{"tier": "B", "min_monthly_spend": 10}]
    }))
    .unwrap();
    assert_eq!(partial.combinator, Combinator::Any);
    assert_eq!(partial.tiers[0].min_visits_per_month, None);
}

#[test]
fn the_summary_counts_only_records_up_to_its_day() {
    let customer = customer_since(day(2025, 1, 1));
    let visits = [
        visit(day(2026, 6, 1), 30_000.0),
        visit(day(2026, 7, 15), 5_000.0),
    ];
    let history = History {
        visits: refs(&visits),
        ..History::default()
    };
    let summary = summarize(&customer, &history, today(), &RuleSet::restaurant_default());
    assert_eq!(summary.tier, Tier::A);
    assert_eq!(summary.lifetime_spend, 30_000.0);
    assert_eq!(summary.visit_count, 1);
    assert_eq!(
        summary.last_visit_at.as_deref(),
        Some("2026-06-01T12:00:00+08:00")
    );
    let later = summarize(
        &customer,
        &history,
        day(2026, 7, 31),
        &RuleSet::restaurant_default(),
    );
    assert_eq!(later.lifetime_spend, 35_000.0);
    assert_eq!(later.predicted_next_visit, Some(day(2026, 8, 28)));
}

proptest! {
    #[test]
    fn the_tier_does_not_depend_on_record_order(
        amounts in prop::collection::vec((0u64..120, 0u32..20_000), 0..40),
        referrals in 0usize..80,
        seed in any::<u64>(),
    ) {
        let visits: Vec<Record> = amounts
            .iter()
            .map(|(back, amount)| visit(today() - chrono::Days::new(*back), f64::from(*amount)))
            .collect();
        let referrals = events("referral", referrals);
        let mut shuffled = visits.clone();
        // A cheap deterministic shuffle.
        let n = shuffled.len().max(1) as u64;
        for i in 0..shuffled.len() {
            let j = ((seed.wrapping_mul(i as u64 + 1) >> 7) % n) as usize;
            shuffled.swap(i, j);
        }
        prop_assert_eq!(
            tier_of(&visits, &referrals, &[]),
            tier_of(&shuffled, &referrals, &[])
        );
    }
}
