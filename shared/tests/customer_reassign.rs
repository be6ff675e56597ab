//! Reassignment and hand-over (PRODUCT §10): which edits move a customer, and how a leaving
//! user's book is shared — every customer to exactly one colleague, fairly, the same way on a
//! second run.

use huitou_shared::customer::reassign::{
    Customer, HANDOVER, Split, hand_over, handover_id, is_open, moves, split,
};
use huitou_shared::retention::Tier;
use huitou_shared::{Change, Record, State};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

fn record(fields: &[(&str, Value)]) -> Record {
    let mut record = Record::default();
    for (i, (field, value)) in fields.iter().enumerate() {
        let hlc = format!("{:015}:00000:deviceAA", 1_764_072_000_000u64 + i as u64);
        record.apply(&Change::new("task", "t", field, value.clone(), &hlc));
    }
    record
}

#[test]
fn open_tasks_of_the_old_owner_move_and_the_rest_stay() {
    let mine = record(&[("owner", json!("li"))]);
    let nobodys = record(&[("due", json!("2026-12-03"))]);
    let done = record(&[("owner", json!("li")), ("status", json!("done"))]);
    let skipped = record(&[("owner", json!("li")), ("status", json!("skipped"))]);
    let binned = record(&[("owner", json!("li")), ("deleted", json!(true))]);
    let given_to_zhao = record(&[("owner", json!("zhao"))]);
    let customer = Customer {
        id: "c",
        owner: Some("li"),
        tasks: vec![
            ("mine", &mine),
            ("nobodys", &nobodys),
            ("done", &done),
            ("skipped", &skipped),
            ("binned", &binned),
            ("zhao", &given_to_zhao),
        ],
    };
    let edits = moves(std::slice::from_ref(&customer), "wang");
    let ids: Vec<&str> = edits.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["c", "mine", "nobodys"]);
    assert!(
        edits
            .iter()
            .all(|e| e.fields == [("owner".to_owned(), json!("wang"))])
    );
    assert!(
        moves(
            &[Customer {
                owner: Some("wang"),
                ..customer
            }],
            "wang"
        )
        .is_empty(),
        "already theirs"
    );
    assert!(!is_open(&done) && is_open(&mine));
}

const TIERS: [Tier; 6] = Tier::ALL;

fn book() -> impl Strategy<Value = (Vec<(String, usize)>, usize)> {
    (
        prop::collection::vec(("[a-f0-9]{6}", 0..TIERS.len()), 0..80),
        1usize..6,
    )
}

proptest! {
    #[test]
    fn every_customer_goes_to_exactly_one_colleague_fairly((customers, people) in book(), by_tier in any::<bool>()) {
        let colleagues: Vec<String> = (0..people).map(|i| format!("colleague-{i}")).collect();
        let colleagues: Vec<&str> = colleagues.iter().map(String::as_str).collect();
        // Distinct ids (a book holds each customer once), in a random order.
        let ids: Vec<String> = customers.iter().enumerate().map(|(i, (id, _))| format!("{id}-{i}")).collect();
        let pairs: Vec<(&str, Tier)> = ids.iter().zip(&customers).map(|(id, (_, t))| (id.as_str(), TIERS[*t])).collect();
        let how = if by_tier { Split::ByTier } else { Split::Evenly };
        let shares = split(&pairs, &colleagues, how);
        let distinct: BTreeSet<&str> = pairs.iter().map(|(id, _)| *id).collect();
        prop_assert_eq!(shares.keys().copied().collect::<BTreeSet<_>>(), distinct.clone());
        prop_assert!(shares.values().all(|c| colleagues.contains(c)));
        // Fair: overall counts at most one apart; by tier, each tier's counts too.
        let count = |filter: &dyn Fn(&str) -> bool| {
            let mut counts: BTreeMap<&str, usize> = colleagues.iter().map(|c| (*c, 0)).collect();
            for (id, who) in &shares {
                if filter(id) {
                    *counts.entry(who).or_default() += 1;
                }
            }
            let most = counts.values().max().copied().unwrap_or(0);
            let least = counts.values().min().copied().unwrap_or(0);
            most - least
        };
        prop_assert!(count(&|_| true) <= 1);
        if by_tier {
            let tier_of: BTreeMap<&str, Tier> = pairs.iter().map(|(id, t)| (*id, *t)).collect();
            for tier in TIERS {
                prop_assert!(count(&|id| tier_of[id] == tier) <= 1, "tier {tier:?} shared unevenly");
            }
        }
        // Deterministic whatever the order the book was read in.
        let mut reversed = pairs.clone();
        reversed.reverse();
        prop_assert_eq!(split(&reversed, &colleagues, how), shares);
    }
}

#[test]
fn nobody_to_give_to_means_nothing_moves() {
    assert!(split(&[("a", Tier::A)], &[], Split::Evenly).is_empty());
}

/// One customer of [`owned_book`]: fang owns it, its tier, its tasks as (open, fang's).
type Shape = (bool, usize, Vec<(bool, bool)>);

/// A book of customers owned by "fang" (leaving) or "li", each with tasks, as synced state.
fn owned_book() -> impl Strategy<Value = Vec<Shape>> {
    prop::collection::vec(
        (
            any::<bool>(),
            0..TIERS.len(),
            prop::collection::vec((any::<bool>(), any::<bool>()), 0..4),
        ),
        0..40,
    )
}

proptest! {
    /// A hand-over leaves the leaver nothing, gives every customer and its open tasks to one
    /// colleague (the one picked by hand, when one was) with one note each, gives the leaver's
    /// open tasks on others' customers to those customers' owners, matches its preview, and a
    /// second run writes nothing.
    #[test]
    fn a_hand_over_moves_everything_once_and_a_second_run_writes_nothing(
        shape in owned_book(), people in 1usize..4, by_tier in any::<bool>(),
        hand in prop::collection::vec((0usize..40, 0usize..4), 0..10),
    ) {
        let mut changes = Vec::new();
        let write = |changes: &mut Vec<Change>, kind: &str, id: &str, field: &str, value: Value| {
            let hlc = format!("{:015}:00000:deviceAA", 1_764_072_000_000u64 + changes.len() as u64);
            changes.push(Change::new(kind, id, field, value, &hlc));
        };
        for (c, (fangs, _, tasks)) in shape.iter().enumerate() {
            let id = format!("c{c}");
            write(&mut changes, "customer", &id, "owner", json!(if *fangs { "fang" } else { "li" }));
            for (t, (open, task_fangs)) in tasks.iter().enumerate() {
                let task = format!("c{c}-t{t}");
                write(&mut changes, "task", &task, "customer_id", json!(id));
                write(&mut changes, "task", &task, "owner", json!(if *task_fangs { "fang" } else { "li" }));
                write(&mut changes, "task", &task, "status", json!(if *open { "open" } else { "done" }));
            }
        }
        let colleagues: Vec<String> = (0..people).map(|i| format!("colleague-{i}")).collect();
        let colleagues: Vec<&str> = colleagues.iter().map(String::as_str).collect();
        let how = if by_tier { Split::ByTier } else { Split::Evenly };
        let picks: BTreeMap<String, String> = hand
            .iter()
            .map(|(c, who)| (format!("c{c}"), colleagues[who % people].to_owned()))
            .collect();
        let run = |state: &State| {
            let tasks_of = |customer: &str| -> Vec<(&str, &Record)> {
                state.records("task")
                    .filter(|(_, t)| t.text("customer_id") == Some(customer))
                    .map(|(id, t)| (id.as_str(), t))
                    .collect()
            };
            let book: Vec<(Customer<'_>, Tier)> = state.records("customer")
                .map(|(id, c)| {
                    let tier = TIERS[shape[id[1..].parse::<usize>().unwrap()].1];
                    (Customer { id, owner: c.text("owner"), tasks: tasks_of(id) }, tier)
                })
                .collect();
            hand_over(&book, "fang", &colleagues, how, &picks, "2026-12-02T10:00:00Z")
        };
        let first = run(&State::fold(&changes));
        for edit in &first.edits {
            for (field, value) in &edit.fields {
                write(&mut changes, &edit.kind, &edit.id, field, value.clone());
            }
        }
        let state = State::fold(&changes);
        let fangs: Vec<usize> = shape.iter().enumerate().filter(|(_, s)| s.0).map(|(i, _)| i).collect();
        prop_assert!(state.records("customer").all(|(_, c)| c.text("owner") != Some("fang")));
        let mut received: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for c in &fangs {
            let id = format!("c{c}");
            let to = state.value("customer", &id, "owner").and_then(Value::as_str).unwrap().to_owned();
            prop_assert!(colleagues.contains(&to.as_str()));
            if let Some(picked) = picks.get(&id) {
                prop_assert_eq!(&to, picked, "a pick by hand wins over the split");
            }
            let note = state.record(HANDOVER, &handover_id(&id, "fang")).expect("a note per customer");
            prop_assert_eq!(note.text("customer_id"), Some(id.as_str()));
            prop_assert_eq!(note.text("to"), Some(to.as_str()));
            let entry = received.entry(to.clone()).or_default();
            entry.0 += 1;
            for (t, (open, task_fangs)) in shape[*c].2.iter().enumerate() {
                let owner = state.value("task", &format!("c{c}-t{t}"), "owner").and_then(Value::as_str);
                if *open && *task_fangs {
                    prop_assert_eq!(owner, Some(to.as_str()), "an open task follows its customer");
                    entry.1 += 1;
                } else {
                    prop_assert_eq!(owner, Some(if *task_fangs { "fang" } else { "li" }), "done or others' tasks stay");
                }
            }
        }
        for (c, (fangs, _, tasks)) in shape.iter().enumerate() {
            if *fangs {
                continue;
            }
            for (t, (open, task_fangs)) in tasks.iter().enumerate() {
                let owner = state.value("task", &format!("c{c}-t{t}"), "owner").and_then(Value::as_str);
                if *open && *task_fangs {
                    prop_assert_eq!(owner, Some("li"), "the leaver's open task on li's customer goes to li");
                    received.entry("li".to_owned()).or_default().1 += 1;
                } else {
                    prop_assert_eq!(owner, Some(if *task_fangs { "fang" } else { "li" }), "done or others' tasks stay");
                }
            }
        }
        prop_assert!(
            state.records("task").all(|(_, t)| !(is_open(t) && t.text("owner") == Some("fang"))),
            "no open task is left with the leaver"
        );
        prop_assert_eq!(state.records(HANDOVER).count(), fangs.len());
        for (colleague, share) in &first.shares {
            let got = received.get(colleague).copied().unwrap_or_default();
            prop_assert_eq!((share.customers, share.open_tasks), got, "the preview is what happened");
        }
        for (who, got) in &received {
            prop_assert_eq!(first.shares.get(who).map(|s| (s.customers, s.open_tasks)), Some(*got), "everyone who receives is previewed");
        }
        prop_assert!(run(&state).edits.is_empty(), "a second run writes nothing");
    }
}
