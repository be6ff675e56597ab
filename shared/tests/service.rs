//! Service recovery and word of mouth (PRODUCT §7, issue 11): complaint states, promises due in
//! the organisation's time zone, referral conversion, and the tasks complaints, suggestions and
//! referrals plan — once, whatever the order records arrive in.

mod support;

use chrono::{TimeZone, Utc};
use huitou_shared::Record;
use huitou_shared::retention::{PlannedTask, TaskKind, TaskRules};
use huitou_shared::service::complaint::{
    Facts, Promise, Refusal, Status, may_move, open_first, org_day, promise,
};
use huitou_shared::service::tasks::{complaint_tasks, referral_tasks, suggestion_tasks};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::*;

const CUSTOMER: &str = "0193a3c1-0000-7000-8000-000000000001";
const REFERRED: &str = "0193a3c1-0000-7000-8000-000000000002";
const MANAGER: &str = "0193a3c1-0000-7000-8000-0000000000ff";

fn complaint(fields: &[(&str, Value)]) -> Record {
    let mut all = vec![
        ("customer_id", json!(CUSTOMER)),
        ("at", json!(noon(day(2026, 3, 1)))),
        ("category", json!("product_quality")),
    ];
    all.extend(fields.iter().cloned());
    record("complaint", &all)
}

#[test]
fn a_complaint_is_never_followed_up_without_a_resolution() {
    let none = Facts {
        promise_date: false,
        resolution: false,
    };
    let all = Facts {
        promise_date: true,
        resolution: true,
    };
    for from in [Status::Open, Status::Promised, Status::Escalated] {
        assert_eq!(
            may_move(from, Status::FollowedUp, all),
            Err(Refusal::NotResolved)
        );
        assert_eq!(
            may_move(from, Status::Resolved, none),
            Err(Refusal::NoResolution)
        );
    }
    assert_eq!(
        may_move(Status::Open, Status::Promised, none),
        Err(Refusal::NoPromiseDate)
    );
    assert_eq!(
        may_move(Status::Resolved, Status::Promised, all),
        Err(Refusal::AlreadyResolved)
    );
    assert_eq!(
        may_move(Status::Promised, Status::Open, all),
        Err(Refusal::Backwards)
    );
    assert_eq!(may_move(Status::Resolved, Status::FollowedUp, none), Ok(()));
    assert_eq!(may_move(Status::Open, Status::Escalated, none), Ok(()));
    assert_eq!(
        may_move(Status::FollowedUp, Status::Escalated, all),
        Err(Refusal::Closed)
    );
}

proptest! {
    /// Whatever moves are tried, in whatever order: a complaint reaches `followed_up` only
    /// straight from `resolved`, `resolved` only with a resolution, and never leaves
    /// `followed_up`.
    #[test]
    fn any_walk_of_moves_keeps_the_order(
        moves in prop::collection::vec((0usize..5, any::<bool>(), any::<bool>()), 0..40),
    ) {
        let mut at = Status::Open;
        let mut resolved_with_resolution = false;
        for (to, promise_date, resolution) in moves {
            let to = Status::ALL[to];
            let facts = Facts { promise_date, resolution };
            if may_move(at, to, facts).is_ok() {
                if to == Status::FollowedUp && at != Status::FollowedUp {
                    prop_assert_eq!(at, Status::Resolved);
                    prop_assert!(resolved_with_resolution);
                }
                if at == Status::FollowedUp {
                    prop_assert_eq!(to, Status::FollowedUp);
                }
                if to == Status::Resolved && at != Status::Resolved {
                    prop_assert!(resolution);
                    resolved_with_resolution = true;
                }
                if to == Status::Promised && at != Status::Promised {
                    prop_assert!(promise_date);
                }
                at = to;
            }
        }
    }
}

#[test]
fn a_promise_is_due_from_the_first_moment_of_its_day_in_the_organisations_time_zone() {
    let promised = complaint(&[
        ("status", json!("promised")),
        ("promised_by", json!("2026-03-05")),
    ]);
    // 23:59:59 on March 4th in China is 15:59:59 UTC.
    let before = Utc.with_ymd_and_hms(2026, 3, 4, 15, 59, 59).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 3, 4, 16, 0, 0).unwrap();
    let by = day(2026, 3, 5);
    assert_eq!(
        promise(&promised, org_day(before, 480)),
        Some(Promise::Pending { by })
    );
    assert_eq!(
        promise(&promised, org_day(at, 480)),
        Some(Promise::Overdue { by, days: 0 })
    );
    // The same instant in London is still the 4th.
    assert_eq!(
        promise(&promised, org_day(at, 0)),
        Some(Promise::Pending { by })
    );
    assert_eq!(
        promise(&promised, day(2026, 3, 8)),
        Some(Promise::Overdue { by, days: 3 })
    );
    // Resolved: no promise left to keep.
    let resolved = complaint(&[
        ("status", json!("resolved")),
        ("promised_by", json!("2026-03-05")),
    ]);
    assert_eq!(promise(&resolved, day(2026, 3, 8)), None);
}

#[test]
fn open_complaints_come_first_the_most_severe_first() {
    let cold_soup = complaint(&[("severity", json!("high")), ("status", json!("promised"))]);
    let slow = complaint(&[("severity", json!("low"))]);
    let done = complaint(&[("severity", json!("high")), ("status", json!("resolved"))]);
    let open = open_first([&slow, &done, &cold_soup]);
    assert_eq!(open.len(), 2);
    assert!(std::ptr::eq(open[0], &cold_soup));
    assert!(std::ptr::eq(open[1], &slow));
}

#[test]
fn a_resolved_complaint_plans_a_follow_up_call_and_low_satisfaction_a_managers_task() {
    let rules = TaskRules::default();
    let today = day(2026, 3, 3);
    let open = complaint(&[("status", json!("promised"))]);
    assert!(complaint_tasks(CUSTOMER, "c1", &open, today, &rules).is_empty());

    let resolved = complaint(&[
        ("status", json!("resolved")),
        ("resolution", json!("soup remade, dessert on the house")),
        ("resolved_at", json!(noon(day(2026, 3, 2)))),
        ("satisfaction", json!(4)),
    ]);
    let tasks = complaint_tasks(CUSTOMER, "c1", &resolved, today, &rules);
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].kind, TaskKind::ComplaintFollowUp);
    assert_eq!(tasks[0].due, day(2026, 3, 5));
    assert_eq!(tasks[0].customer_id, CUSTOMER);
    assert!(tasks[0].fields().contains(&("complaint_id", json!("c1"))));
    // Another complaint of the same customer resolved the same day: its own task.
    let other = complaint_tasks(CUSTOMER, "c2", &resolved, today, &rules);
    assert_ne!(other[0].id, tasks[0].id);
    // A date picked by hand wins; the id stays (planned once per complaint).
    let picked = complaint(&[
        ("status", json!("resolved")),
        ("resolved_at", json!(noon(day(2026, 3, 2)))),
        ("follow_up_on", json!("2026-03-10")),
    ]);
    let again = complaint_tasks(CUSTOMER, "c1", &picked, today, &rules);
    assert_eq!(again[0].due, day(2026, 3, 10));
    assert_eq!(again[0].id, tasks[0].id);

    let unhappy = complaint(&[
        ("status", json!("resolved")),
        ("resolved_at", json!(noon(day(2026, 3, 2)))),
        ("satisfaction", json!(2)),
        ("escalated_to", json!(MANAGER)),
    ]);
    let tasks = complaint_tasks(CUSTOMER, "c1", &unhappy, today, &rules);
    let review: Vec<&PlannedTask> = tasks
        .iter()
        .filter(|t| t.kind == TaskKind::ComplaintReview)
        .collect();
    assert_eq!(review.len(), 1);
    assert!(review[0].for_manager);
    assert_eq!(review[0].assignee.as_deref(), Some(MANAGER));
    // Followed up: the call is done, nothing more planned for the owner.
    let followed = complaint(&[
        ("status", json!("followed_up")),
        ("resolved_at", json!(noon(day(2026, 3, 2)))),
        ("satisfaction", json!(5)),
    ]);
    assert!(complaint_tasks(CUSTOMER, "c1", &followed, today, &rules).is_empty());
    // Handed to a manager: a task for them.
    let handed = complaint(&[
        ("status", json!("escalated")),
        ("escalated_to", json!(MANAGER)),
        ("escalated_at", json!(noon(day(2026, 3, 2)))),
    ]);
    let tasks = complaint_tasks(CUSTOMER, "c1", &handed, today, &rules);
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].kind, TaskKind::ComplaintEscalated);
    assert_eq!(tasks[0].assignee.as_deref(), Some(MANAGER));
}

#[test]
fn an_adopted_suggestion_plans_thanks_once() {
    let rules = TaskRules::default();
    let today = day(2026, 3, 10);
    let idea = record(
        "suggestion",
        &[
            ("customer_id", json!(CUSTOMER)),
            ("at", json!(noon(day(2026, 3, 8)))),
            ("text", json!("a children's menu")),
        ],
    );
    assert!(suggestion_tasks(CUSTOMER, "s1", &idea, today, &rules).is_empty());
    let adopted = record(
        "suggestion",
        &[
            ("customer_id", json!(CUSTOMER)),
            ("at", json!(noon(day(2026, 3, 8)))),
            ("adopted", json!(true)),
        ],
    );
    let tasks = suggestion_tasks(CUSTOMER, "s1", &adopted, today, &rules);
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].kind, TaskKind::ThankSuggestion);
    assert_eq!(tasks[0].due, day(2026, 3, 8));
}

fn referral(at: chrono::NaiveDate) -> Record {
    record(
        "referral",
        &[
            ("customer_id", json!(CUSTOMER)),
            ("referred_customer_id", json!(REFERRED)),
            ("at", json!(noon(at))),
        ],
    )
}

#[test]
fn a_referral_plans_thanks_and_a_call_once_the_new_customer_first_comes() {
    let rules = TaskRules::default();
    let today = day(2026, 3, 10);
    let brought = referral(day(2026, 3, 5));
    // Not converted yet: nothing to thank for.
    assert!(referral_tasks(CUSTOMER, "王小明", &brought, &[], today, &rules).is_empty());
    let first = visit(day(2026, 3, 9), 380.0);
    let later = visit(day(2026, 3, 10), 90.0);
    let tasks = referral_tasks(
        CUSTOMER,
        "王小明",
        &brought,
        &[&later, &first],
        today,
        &rules,
    );
    let planned: Vec<(TaskKind, &str, chrono::NaiveDate)> = tasks
        .iter()
        .map(|t| (t.kind, t.customer_id.as_str(), t.due))
        .collect();
    assert_eq!(
        planned,
        [
            (TaskKind::ThankReferrer, CUSTOMER, day(2026, 3, 9)),
            (TaskKind::CallReferred, REFERRED, day(2026, 3, 16)),
        ]
    );
    assert_eq!(
        tasks[1].reason,
        "call the customer referred by 王小明, first here on 2026-03-09"
    );
}

/// Everything a device might hold about one referrer, one referred customer, their complaints
/// and suggestions.
struct Book {
    complaints: Vec<(String, Record)>,
    suggestions: Vec<(String, Record)>,
    referrals: Vec<Record>,
    referred_visits: Vec<Record>,
}

/// The tasks a device plans from a book, given in one order (as the app unions what each
/// customer's derivation plans, by task id).
fn plan(book: &Book, order: u64, today: chrono::NaiveDate) -> BTreeMap<String, PlannedTask> {
    let rules = TaskRules::default();
    let mut planned = BTreeMap::new();
    let rotate = |n: usize| if n == 0 { 0 } else { (order as usize) % n };
    let mut complaints: Vec<&(String, Record)> = book.complaints.iter().collect();
    let n = rotate(complaints.len());
    complaints.rotate_left(n);
    let mut suggestions: Vec<&(String, Record)> = book.suggestions.iter().collect();
    suggestions.reverse();
    let mut visits: Vec<&Record> = book.referred_visits.iter().collect();
    let n = rotate(visits.len());
    visits.rotate_left(n);
    let mut referrals: Vec<&Record> = book.referrals.iter().collect();
    let n = rotate(referrals.len());
    referrals.rotate_left(n);
    for (id, complaint) in complaints {
        for task in complaint_tasks(CUSTOMER, id, complaint, today, &rules) {
            planned.insert(task.id.clone(), task);
        }
    }
    for (id, suggestion) in suggestions {
        for task in suggestion_tasks(CUSTOMER, id, suggestion, today, &rules) {
            planned.insert(task.id.clone(), task);
        }
    }
    for referral in referrals {
        for task in referral_tasks(CUSTOMER, "王小明", referral, &visits, today, &rules) {
            planned.insert(task.id.clone(), task);
        }
    }
    planned
}

proptest! {
    /// Two devices holding the same complaints, suggestions, referrals and visits, in any
    /// order, plan the same tasks with the same ids, each once; planning again adds nothing.
    #[test]
    fn thank_you_and_follow_up_tasks_are_planned_once_whatever_the_order(
        complaints in prop::collection::vec((0usize..5, 0u64..10, 1u64..6), 0..6),
        suggestions in prop::collection::vec((any::<bool>(), 0u64..10), 0..6),
        referral_days in prop::collection::vec(0u64..10, 0..4),
        visit_days in prop::collection::vec(0u64..10, 0..4),
        order in any::<u64>(),
    ) {
        let today = day(2026, 3, 10);
        let back = |n: u64| today - chrono::Days::new(n);
        let book = Book {
            complaints: complaints.iter().enumerate().map(|(n, (status, days, satisfaction))| {
                (format!("c{n}"), complaint(&[
                    ("status", json!(Status::ALL[*status].as_str())),
                    ("resolved_at", json!(noon(back(*days)))),
                    ("escalated_to", json!(MANAGER)),
                    ("satisfaction", json!(satisfaction)),
                ]))
            }).collect(),
            suggestions: suggestions.iter().enumerate().map(|(n, (adopted, days))| {
                (format!("s{n}"), record("suggestion", &[
                    ("customer_id", json!(CUSTOMER)),
                    ("at", json!(noon(back(*days)))),
                    ("adopted", json!(adopted)),
                ]))
            }).collect(),
            referrals: referral_days.iter().map(|d| referral(back(*d))).collect(),
            referred_visits: visit_days.iter().map(|d| visit(back(*d), 100.0)).collect(),
        };
        let one = plan(&book, 0, today);
        let other = plan(&book, order, today);
        prop_assert_eq!(&one, &other);
        prop_assert_eq!(one.clone(), plan(&book, order, today));
        // Every converted referral thanks the referrer on the first visit's day, once (when
        // that day is within the week planning looks back).
        let thanks = one.values().filter(|t| t.kind == TaskKind::ThankReferrer).count();
        let converted = !book.referrals.is_empty()
            && visit_days.iter().max().is_some_and(|first| *first <= 7);
        prop_assert_eq!(thanks, usize::from(converted));
        prop_assert!(one.keys().all(|id| huitou_shared::model::is_uuid_text(id)));
    }
}
