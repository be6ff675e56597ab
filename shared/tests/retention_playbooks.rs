//! Playbooks (PRODUCT §6), cumulative-spend thanks, rule sets as synced records, tier history
//! and the rule-set preview.

mod support;

use huitou_shared::retention::playbooks::{Action, Playbook, Step, playbook_tasks, playbooks};
use huitou_shared::retention::{
    History, RuleSet, TaskKind, TaskRules, Tier, active_rule_set, generate_tasks, preview,
    tier_history,
};
use huitou_shared::{Change, Record};
use proptest::prelude::*;
use serde_json::json;
use support::*;

const CUSTOMER: &str = "0193a3c1-0000-7000-8000-000000000001";

fn written(kind: &str, fields: Vec<(&'static str, serde_json::Value)>) -> Record {
    let mut record = Record::default();
    for (n, (field, value)) in fields.into_iter().enumerate() {
        let hlc = format!("{:015}:00000:deviceAA", 1_764_072_000_000u64 + n as u64);
        record.apply(&Change::new(kind, "x", field, value, &hlc));
    }
    record
}

/// The thank-you tasks planned on March 10th, 2026 for a customer with these visits.
fn thanks(visits: &[Record]) -> Vec<huitou_shared::retention::PlannedTask> {
    let tasks = generate_tasks(
        CUSTOMER,
        &Record::default(),
        &refs(visits),
        &[],
        day(2026, 3, 10),
        &TaskRules::default(),
    );
    tasks
        .into_iter()
        .filter(|t| t.kind == TaskKind::ThankYou)
        .collect()
}

#[test]
fn cumulative_spend_thanks_on_the_day_a_threshold_is_crossed() {
    let thanked = thanks(&[
        visit(day(2026, 1, 5), 6000.0),
        visit(day(2026, 3, 4), 3000.0),
        // Two visits on March 6th take the total from 9,000 past 10,000.
        visit(day(2026, 3, 6), 500.0),
        visit(day(2026, 3, 6), 800.0),
    ]);
    assert_eq!(thanked.len(), 1, "{thanked:?}");
    assert_eq!(thanked[0].due, day(2026, 3, 6));
    assert_eq!(
        thanked[0].reason,
        "lifetime spend passed ¥10,000: thank you"
    );
    // Crossing two thresholds at once thanks for the higher one, once.
    let thanked = thanks(&[visit(day(2026, 3, 9), 60_000.0)]);
    assert_eq!(thanked.len(), 1);
    assert_eq!(
        thanked[0].reason,
        "lifetime spend passed ¥50,000: thank you"
    );
    // Below every threshold: nothing.
    assert!(thanks(&[visit(day(2026, 3, 9), 9_999.0)]).is_empty());
}

#[test]
fn default_playbooks_follow_seed_004() {
    let a = Playbook::default_for(Tier::A);
    let actions: Vec<Action> = a.steps.iter().map(|s| s.action).collect();
    assert!(actions.contains(&Action::YearlyBanquet) && actions.contains(&Action::BirthdayGift));
    let c = Playbook::default_for(Tier::C);
    assert!(c.steps.iter().any(|s| s.action == Action::VisitTreat));
    assert!(c.steps.iter().any(|s| s.action == Action::BirthdayCall));
    let potential = Playbook::default_for(Tier::Potential);
    assert!(
        potential
            .steps
            .iter()
            .any(|s| s.action == Action::HolidayVisit)
    );
    assert!(Playbook::default_for(Tier::Regular).steps.is_empty());
}

#[test]
fn holiday_steps_plan_greetings_before_major_holidays_only() {
    // 2027: Spring Festival is February 6th, Lantern February 20th (not major).
    let today = day(2027, 1, 20);
    let b = Playbook::default_for(Tier::B);
    let tasks = playbook_tasks(
        CUSTOMER,
        &Record::default(),
        Tier::B,
        &b,
        today,
        &TaskRules::default(),
    );
    let planned: Vec<_> = tasks
        .iter()
        .map(|t| (t.due, t.action.clone(), t.holiday))
        .collect();
    assert_eq!(
        planned,
        [(
            day(2027, 2, 3),
            Some("holiday_greeting".to_owned()),
            Some(huitou_shared::retention::Holiday::SpringFestival)
        )]
    );
    assert!(tasks.iter().all(|t| t.kind == TaskKind::Holiday));
    let fields: Vec<&str> = tasks[0].fields().iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        ["customer_id", "due", "kind", "reason", "action", "holiday"]
    );
    // A's yearly banquet is planned 21 days before Spring Festival only.
    let a = Playbook::default_for(Tier::A);
    let tasks = playbook_tasks(
        CUSTOMER,
        &Record::default(),
        Tier::A,
        &a,
        day(2027, 1, 10),
        &TaskRules::default(),
    );
    assert!(
        tasks
            .iter()
            .any(|t| t.due == day(2027, 1, 16) && t.action.as_deref() == Some("yearly_banquet")),
        "{tasks:?}"
    );
    // A playbook of another tier, or a customer in the trash, plans nothing.
    assert!(
        playbook_tasks(
            CUSTOMER,
            &Record::default(),
            Tier::C,
            &b,
            today,
            &TaskRules::default()
        )
        .is_empty()
    );
    let gone = written("customer", vec![("deleted", json!(true))]);
    assert!(playbook_tasks(CUSTOMER, &gone, Tier::B, &b, today, &TaskRules::default()).is_empty());
}

#[test]
fn edited_playbooks_sync_as_records_and_replace_the_default() {
    let mut edited = Playbook::default_for(Tier::C);
    edited.steps.retain(|s| s.action != Action::HolidayGreeting);
    edited.steps.push(Step {
        note: "送一份小菜".into(),
        ..Step::new(Action::VisitTreat)
    });
    let record = written("playbook", edited.fields());
    assert_eq!(Playbook::from_record(&record), Some(edited.clone()));
    let id = Playbook::record_id(Tier::C);
    let all = playbooks([(id.as_str(), &record)]);
    assert_eq!(all[&Tier::C], edited);
    // A record under another id does not replace the tier's playbook.
    let stray = playbooks([("0193a3c1-0000-7000-8000-00000000dead", &record)]);
    assert_eq!(stray[&Tier::C], Playbook::default_for(Tier::C));
    assert_eq!(all[&Tier::A], Playbook::default_for(Tier::A));
    // Without a holiday step, C customers get no holiday task any more.
    let tasks = playbook_tasks(
        CUSTOMER,
        &Record::default(),
        Tier::C,
        &all[&Tier::C],
        day(2027, 1, 20),
        &TaskRules::default(),
    );
    assert!(tasks.is_empty());
    // Record ids are the same on every device; unknown actions from a newer app are skipped.
    assert_eq!(Playbook::record_id(Tier::C), Playbook::record_id(Tier::C));
    assert_ne!(Playbook::record_id(Tier::C), Playbook::record_id(Tier::B));
    let newer = written(
        "playbook",
        vec![
            ("tier", json!("B")),
            (
                "steps",
                json!([{"action": "hologram"}, {"action": "birthday_gift"}]),
            ),
        ],
    );
    assert_eq!(
        Playbook::from_record(&newer).map(|p| p.steps.len()),
        Some(1)
    );
}

#[test]
fn rule_sets_are_records_and_the_latest_activation_is_active() {
    let mut retail = RuleSet::retail();
    retail.tiers[0].min_monthly_spend = Some(4000.0);
    let mut fields = retail.fields();
    fields.push(("activated_at", json!("2026-11-20T08:00:00Z")));
    let retail_record = written("rule_set", fields);
    let mut fields = RuleSet::b2b().fields();
    fields.push(("activated_at", json!("2026-11-21T08:00:00Z")));
    let b2b_record = written("rule_set", fields);
    let inactive = written("rule_set", RuleSet::restaurant_default().fields());
    assert_eq!(RuleSet::from_record(&retail_record), Some(retail.clone()));
    let found = active_rule_set([("a", &retail_record), ("b", &b2b_record), ("c", &inactive)]);
    assert_eq!(
        found.map(|(id, set)| (id, set.name)),
        Some(("b", "B2B".to_owned()))
    );
    // A set in the trash or an invalid one is never active.
    let mut trashed = b2b_record.clone();
    trashed.apply(&Change::new(
        "rule_set",
        "b",
        "deleted",
        json!(true),
        "001764072000100:00000:deviceAA",
    ));
    let found = active_rule_set([("a", &retail_record), ("b", &trashed)]);
    assert_eq!(found.map(|(id, _)| id), Some("a"));
    let mut broken = retail.clone();
    broken.window_days = 0;
    assert!(broken.check().is_err());
    let mut fields = broken.fields();
    fields.push(("activated_at", json!("2026-12-01T08:00:00Z")));
    let broken_record = written("rule_set", fields);
    assert_eq!(
        active_rule_set([("a", &retail_record), ("z", &broken_record)]).map(|(id, _)| id),
        Some("a")
    );
}

#[test]
fn tier_history_records_each_change_with_its_reason() {
    let customer = customer_since(day(2025, 12, 1));
    // ¥30,000 on January 10th makes an A for 90 days; nothing after that.
    let visits = [visit(day(2026, 1, 10), 30_000.0)];
    let history = History {
        visits: refs(&visits),
        ..History::default()
    };
    let changes = tier_history(
        &customer,
        &history,
        day(2025, 12, 1),
        day(2026, 6, 1),
        1,
        &RuleSet::restaurant_default(),
    );
    let tiers: Vec<(chrono::NaiveDate, Tier)> = changes.iter().map(|c| (c.from, c.tier)).collect();
    assert_eq!(
        tiers,
        [
            (day(2025, 12, 1), Tier::New),
            (day(2025, 12, 31), Tier::Regular),
            (day(2026, 1, 10), Tier::A),
            (day(2026, 4, 10), Tier::Regular),
        ]
    );
    assert_eq!(changes[2].reason, "avg monthly spend ¥10,000 ≥ ¥8,000");
}

#[test]
fn preview_counts_the_customers_a_rule_change_would_move() {
    let today = day(2026, 3, 10);
    let customers: Vec<Record> = (0..3).map(|_| customer_since(day(2025, 1, 1))).collect();
    // ¥9,000, ¥6,000 and ¥1,500 a month over 90 days.
    let visits: Vec<Vec<Record>> = [27_000.0, 18_000.0, 4_500.0]
        .iter()
        .map(|total| vec![visit(day(2026, 3, 1), *total)])
        .collect();
    let population = || {
        customers.iter().zip(&visits).map(|(c, v)| {
            (
                c,
                History {
                    visits: refs(v),
                    ..History::default()
                },
            )
        })
    };
    let current = RuleSet::restaurant_default();
    let mut proposed = current.clone();
    proposed.tiers[0].min_monthly_spend = Some(5500.0); // A from ¥5,500
    let shift = preview(population(), today, &current, &proposed);
    assert_eq!(shift.changed, 1);
    assert_eq!(shift.before.get(&Tier::A), Some(&1));
    assert_eq!(shift.after.get(&Tier::A), Some(&2));
    assert_eq!(shift.after.get(&Tier::Regular), Some(&1));
    assert_eq!(preview(population(), today, &current, &current).changed, 0);
}

proptest! {
    /// Two devices plan the same holiday tasks whatever day they plan on (within the range), and
    /// a task planned on one day keeps its id when planned again on another.
    #[test]
    fn holiday_tasks_are_deterministic_across_days(start in 0u64..800, later in 0u64..20, tier in 0usize..4) {
        let tier = Playbook::TIERS[tier];
        let playbook = Playbook::default_for(tier);
        let rules = TaskRules::default();
        let first = day(2026, 1, 1) + chrono::Days::new(start);
        let second = first + chrono::Days::new(later);
        let one = playbook_tasks(CUSTOMER, &Record::default(), tier, &playbook, first, &rules);
        let again = playbook_tasks(CUSTOMER, &Record::default(), tier, &playbook, first, &rules);
        prop_assert_eq!(&one, &again);
        let other = playbook_tasks(CUSTOMER, &Record::default(), tier, &playbook, second, &rules);
        for task in &one {
            if let Some(same_day) = other.iter().find(|t| t.due == task.due) {
                prop_assert_eq!(&same_day.id, &task.id);
            }
        }
        let lookback = first - chrono::Days::new(rules.lookback_days);
        let horizon = first + chrono::Days::new(rules.horizon_days);
        prop_assert!(one.iter().all(|t| lookback <= t.due && t.due <= horizon));
    }
}
