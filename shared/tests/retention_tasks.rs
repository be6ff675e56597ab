//! Rule-driven tasks (PRODUCT §6): each rule, deterministic ids, and the same plan on every device.

mod support;

use huitou_shared::model::is_uuid_text;
use huitou_shared::retention::{PlannedTask, TaskKind, TaskRules, generate_tasks};
use huitou_shared::{Change, Record};
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeSet;
use support::*;

const CUSTOMER: &str = "0193a3c1-0000-7000-8000-000000000001";

fn today() -> chrono::NaiveDate {
    day(2026, 3, 10)
}

fn plan(customer: &Record, visits: &[Record], family: &[Record]) -> Vec<PlannedTask> {
    generate_tasks(
        CUSTOMER,
        customer,
        &refs(visits),
        &refs(family),
        today(),
        &TaskRules::default(),
    )
}

fn kinds(tasks: &[PlannedTask]) -> Vec<(TaskKind, chrono::NaiveDate)> {
    tasks.iter().map(|t| (t.kind, t.due)).collect()
}

fn solar_birthday(month: u8, day: u8) -> serde_json::Value {
    json!({"calendar": "solar", "year": 1988, "month": month, "day": day, "leap": false})
}

#[test]
fn a_big_visit_plans_a_follow_up_within_seven_days() {
    let visits = [
        visit(day(2026, 3, 8), 2000.0),
        visit(day(2026, 3, 9), 1999.0),
    ];
    let tasks = plan(&Record::default(), &visits, &[]);
    assert_eq!(kinds(&tasks), [(TaskKind::FollowUp, day(2026, 3, 15))]);
    assert_eq!(tasks[0].customer_id, CUSTOMER);
    assert_eq!(
        tasks[0].reason,
        "follow-up call after a visit of ¥2,000 on 2026-03-08"
    );
    assert!(is_uuid_text(&tasks[0].id));
    // The threshold is configurable.
    let rules = TaskRules {
        follow_up_min_amount: 1000.0,
        ..TaskRules::default()
    };
    let tasks = generate_tasks(
        CUSTOMER,
        &Record::default(),
        &refs(&visits),
        &[],
        today(),
        &rules,
    );
    assert_eq!(tasks.len(), 2);
}

#[test]
fn old_and_future_visits_plan_nothing() {
    // Due March 2nd, more than 7 days ago; and a visit after today.
    let visits = [
        visit(day(2026, 2, 23), 5000.0),
        visit(day(2026, 3, 11), 5000.0),
    ];
    assert!(plan(&Record::default(), &visits, &[]).is_empty());
    // Due March 3rd: a week overdue, still planned.
    let visits = [visit(day(2026, 2, 24), 5000.0)];
    assert_eq!(
        kinds(&plan(&Record::default(), &visits, &[])),
        [(TaskKind::FollowUp, day(2026, 3, 3))]
    );
}

#[test]
fn birthdays_of_the_customer_and_family_three_days_before() {
    let customer = record(
        "customer",
        &[
            ("name", "王小明".into()),
            ("birthday", solar_birthday(3, 20)),
        ],
    );
    let family = [
        record(
            "family",
            &[
                ("name", "王乐乐".into()),
                ("birthday", solar_birthday(3, 20)),
            ],
        ),
        record(
            "family",
            &[("name", "李娜".into()), ("birthday", solar_birthday(4, 1))],
        ),
        record(
            "family",
            &[("name", "远亲".into()), ("birthday", solar_birthday(8, 1))],
        ),
    ];
    let tasks = plan(&customer, &[], &family);
    assert_eq!(
        kinds(&tasks),
        [
            (TaskKind::Birthday, day(2026, 3, 17)),
            (TaskKind::Birthday, day(2026, 3, 29))
        ]
    );
    assert_eq!(tasks[0].reason, "birthday of 王乐乐, 王小明 on 2026-03-20");
    assert_eq!(tasks[1].reason, "birthday of 李娜 on 2026-04-01");
    // A birthday in two days: the task is already due (overdue by a day).
    let soon = record("customer", &[("birthday", solar_birthday(3, 12))]);
    assert_eq!(
        kinds(&plan(&soon, &[], &[])),
        [(TaskKind::Birthday, day(2026, 3, 9))]
    );
}

#[test]
fn lunar_birthdays_are_planned_on_their_solar_day() {
    // 二月初二 2026 is March 20th.
    let customer = record(
        "customer",
        &[(
            "birthday",
            json!({"calendar": "lunar", "year": null, "month": 2, "day": 2, "leap": false}),
        )],
    );
    assert_eq!(
        kinds(&plan(&customer, &[], &[])),
        [(TaskKind::Birthday, day(2026, 3, 17))]
    );
}

#[test]
fn a_dormant_customer_gets_one_win_back_task() {
    // Every 10 days, then silence since January 21st: dormant from February 11th.
    let visits = [
        visit(day(2026, 1, 1), 100.0),
        visit(day(2026, 1, 11), 100.0),
        visit(day(2026, 1, 21), 100.0),
    ];
    let tasks = plan(&Record::default(), &visits, &[]);
    assert_eq!(kinds(&tasks), [(TaskKind::WinBack, day(2026, 2, 11))]);
    assert_eq!(
        tasks[0].reason,
        "no visit for 48 days (usually every 10 days): win back"
    );
    // A day later the same task (same id), not a second one.
    let tomorrow = generate_tasks(
        CUSTOMER,
        &Record::default(),
        &refs(&visits),
        &[],
        today() + chrono::Days::new(1),
        &TaskRules::default(),
    );
    assert_eq!(tomorrow[0].id, tasks[0].id);
}

#[test]
fn a_customer_in_the_trash_gets_nothing() {
    let mut customer = record("customer", &[("birthday", solar_birthday(3, 12))]);
    customer.apply(&Change::new(
        "customer",
        "x",
        "deleted",
        true.into(),
        "001764072000099:00000:deviceAA",
    ));
    assert!(plan(&customer, &[visit(today(), 9000.0)], &[]).is_empty());
}

#[test]
fn task_fields_leave_status_out() {
    let tasks = plan(&Record::default(), &[visit(today(), 9000.0)], &[]);
    let fields: Vec<&str> = tasks[0].fields().iter().map(|(f, _)| *f).collect();
    assert_eq!(fields, ["customer_id", "due", "kind", "reason"]);
    assert_eq!(tasks[0].fields()[2].1, json!("follow_up"));
}

/// A customer with a bit of everything around `today()`.
fn inputs(amounts: &[(u64, u32)]) -> (Record, Vec<Record>, Vec<Record>) {
    let customer = record(
        "customer",
        &[
            ("name", "王小明".into()),
            ("birthday", solar_birthday(3, 20)),
        ],
    );
    let visits = amounts
        .iter()
        .map(|(back, amount)| visit(today() - chrono::Days::new(*back), f64::from(*amount)))
        .collect();
    let family = vec![record(
        "family",
        &[
            ("name", "王乐乐".into()),
            ("birthday", solar_birthday(3, 20)),
        ],
    )];
    (customer, visits, family)
}

fn reordered(records: &[Record], seed: u64) -> Vec<&Record> {
    let mut out: Vec<&Record> = records.iter().collect();
    let n = out.len().max(1) as u64;
    for i in 0..out.len() {
        let j = ((seed.wrapping_mul(2 * i as u64 + 1) >> 5) % n) as usize;
        out.swap(i, j);
    }
    out.reverse();
    out
}

proptest! {
    /// Two devices holding the same records, received in different orders, plan the same tasks.
    #[test]
    fn the_same_records_in_any_order_plan_the_same_tasks(
        amounts in prop::collection::vec((0u64..200, 0u32..6000), 0..30),
        seed in any::<u64>(),
    ) {
        let (customer, visits, family) = inputs(&amounts);
        let rules = TaskRules::default();
        let one = generate_tasks(CUSTOMER, &customer, &refs(&visits), &refs(&family), today(), &rules);
        let other = generate_tasks(
            CUSTOMER, &customer, &reordered(&visits, seed),
            &reordered(&family, seed), today(), &rules,
        );
        prop_assert_eq!(&one, &other);
        // Every id is SYNC's UUID text and unique.
        let ids: BTreeSet<&str> = one.iter().map(|t| t.id.as_str()).collect();
        prop_assert_eq!(ids.len(), one.len());
        prop_assert!(one.iter().all(|t| is_uuid_text(&t.id)));
        // Planning again (a second sync round) adds nothing new.
        let again = generate_tasks(CUSTOMER, &customer, &refs(&visits), &refs(&family), today(), &rules);
        prop_assert_eq!(one, again);
    }
}
