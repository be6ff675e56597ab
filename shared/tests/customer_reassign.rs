//! Reassignment and hand-over (PRODUCT §10): which edits move a customer, and how a leaving
//! user's book is shared — every customer to exactly one colleague, fairly, the same way on a
//! second run.

use huitou_shared::customer::reassign::{Customer, Split, is_open, moves, split};
use huitou_shared::retention::Tier;
use huitou_shared::{Change, Record};
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
