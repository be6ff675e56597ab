//! Moving customers to another salesperson (PRODUCT §10): from a customer's page, in bulk
//! from the customer list, and the hand-over of a leaving user's whole book (离职继承).
//!
//! Everything here is pure: it says which ordinary synced edits to write — the customer's
//! `owner` and the `owner` of each of its open tasks — so offline devices converge on the
//! move like on any edit, and the server's visibility (which reads the winning `owner`) sends
//! the history to the new owner's devices and revokes it from the old owner's.
//!
//! ```
//! use huitou_shared::{Change, Record};
//! use huitou_shared::customer::reassign::{moves, Customer};
//! let stamp = "001764072000001:00000:deviceAA";
//! let mut task = Record::default();
//! task.apply(&Change::new("task", "t1", "owner", "li".into(), stamp));
//! let mut done = Record::default();
//! done.apply(&Change::new("task", "t2", "owner", "li".into(), stamp));
//! done.apply(&Change::new("task", "t2", "status", "done".into(), stamp));
//! let customer = Customer { id: "c1", owner: Some("li"), tasks: vec![("t1", &task), ("t2", &done)] };
//! let edits = moves(&[customer], "wang");
//! assert_eq!(edits.len(), 2, "the customer and its open task; the done task keeps who did it");
//! assert_eq!(edits[0].id, "c1");
//! assert_eq!(edits[1].id, "t1");
//! ```

use super::merging::Edit;
use crate::Record;
use crate::retention::Tier;
use serde_json::Value;
use std::collections::BTreeMap;

/// A customer to move: its id, its current owner, and its task records.
#[derive(Clone, Debug)]
pub struct Customer<'a> {
    pub id: &'a str,
    pub owner: Option<&'a str>,
    pub tasks: Vec<(&'a str, &'a Record)>,
}

/// True for a task still to do (not done, skipped or in the trash).
pub fn is_open(task: &Record) -> bool {
    !task.is_deleted() && !matches!(task.text("status"), Some("done" | "skipped"))
}

/// The edits that give each customer `new_owner`: its `owner`, and the `owner` of each of its
/// open tasks that was its old owner's or nobody's (a task a manager gave someone else stays
/// theirs). Customers `new_owner` already owns are left alone.
pub fn moves(customers: &[Customer<'_>], new_owner: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    for customer in customers {
        if customer.owner == Some(new_owner) {
            continue;
        }
        edits.push(owner_edit("customer", customer.id, new_owner));
        // Out of the shared pool: its entry closes (and stops showing its tier and spend).
        if customer.owner == Some(crate::customer::pool::POOL) {
            edits.push(Edit {
                kind: crate::Kind::POOL.to_owned(),
                id: customer.id.to_owned(),
                fields: ["released_at", "tier", "last_visit", "spend_band"]
                    .into_iter()
                    .map(|field| (field.to_owned(), Value::Null))
                    .collect(),
            });
        }
        for (id, task) in &customer.tasks {
            let holder = task.text("owner");
            let follows = holder.is_none() || holder == customer.owner;
            if is_open(task) && follows && holder != Some(new_owner) {
                edits.push(owner_edit("task", id, new_owner));
            }
        }
    }
    edits
}

fn owner_edit(kind: &str, id: &str, owner: &str) -> Edit {
    Edit {
        kind: kind.to_owned(),
        id: id.to_owned(),
        fields: vec![("owner".to_owned(), Value::from(owner))],
    }
}

/// How a hand-over shares a leaving user's customers among colleagues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// The same number each (at most one apart).
    Evenly,
    /// Each tier shared out on its own, so everyone gets a fair mix of A, B and C.
    ByTier,
}

/// Who gets which customer: `customers` are (id, tier) pairs; the answer maps each customer
/// id to one of `colleagues`. Deterministic (customers taken in id order, handed round in
/// turn), so a second run after a crash gives the same split and writes nothing twice.
/// Empty when there is nobody to give them to.
///
/// ```
/// use huitou_shared::customer::reassign::{split, Split};
/// use huitou_shared::retention::Tier;
/// let book = [("a", Tier::A), ("b", Tier::A), ("c", Tier::C), ("d", Tier::C)];
/// let shares = split(&book, &["li", "wang"], Split::ByTier);
/// assert_ne!(shares["a"], shares["b"], "each gets one A customer");
/// assert_ne!(shares["c"], shares["d"], "and one C customer");
/// ```
pub fn split<'a, 'c>(
    customers: &[(&'a str, Tier)],
    colleagues: &[&'c str],
    how: Split,
) -> BTreeMap<&'a str, &'c str> {
    let mut shares = BTreeMap::new();
    if colleagues.is_empty() {
        return shares;
    }
    let mut sorted: Vec<(&str, Tier)> = customers.to_vec();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
    sorted.dedup_by(|a, b| a.0 == b.0);
    match how {
        Split::Evenly => {
            for (i, (id, _)) in sorted.iter().enumerate() {
                shares.insert(*id, colleagues[i % colleagues.len()]);
            }
        }
        Split::ByTier => {
            // Each tier starts where the last one stopped, so the leftovers spread too.
            let mut turn = 0;
            for tier in Tier::ALL {
                for (id, _) in sorted.iter().filter(|(_, t)| *t == tier) {
                    shares.insert(*id, colleagues[turn % colleagues.len()]);
                    turn += 1;
                }
            }
        }
    }
    shares
}

/// The kind of the note a hand-over leaves on each customer's timeline: `customer_id`, `from`
/// and `to` (user ids), `at` (RFC 3339). A child of the customer, so it travels with it.
pub const HANDOVER: &str = crate::Kind::HANDOVER;

const HANDOVER_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x7a41_0c3e_95d2_4b8f_a613_e0f7_2c58_9d04);

/// The id of the hand-over note of `customer` leaving `from`: derived, not random, so a
/// hand-over run twice, or on two devices, writes one note per customer.
pub fn handover_id(customer: &str, from: &str) -> String {
    uuid::Uuid::new_v5(&HANDOVER_NAMESPACE, format!("{customer}/{from}").as_bytes()).to_string()
}

/// What one colleague receives in a hand-over (the preview shows it before anything moves).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Share {
    pub customers: usize,
    pub open_tasks: usize,
}

/// A leaving user's hand-over (离职继承): the edits to write in one local transaction, and
/// each receiver's share.
#[derive(Clone, Debug, Default)]
pub struct HandOver {
    pub edits: Vec<Edit>,
    /// Per receiver: the chosen colleagues, and the owners of other customers on which the
    /// leaver held open tasks (those tasks go to the customer's owner).
    pub shares: BTreeMap<String, Share>,
}

/// Shares the customers `leaver` owns in `book` among `colleagues` ([`split`], then each of
/// the manager's `picks` — customer id → colleague, "by hand" — over it) and says what to
/// write: each customer's `owner` and open tasks ([`moves`]) and a [`HANDOVER`] note on its
/// timeline, stamped `at`. Open tasks the leaver held on other people's customers go to those
/// customers' owners (or, for a customer with nobody's name on it, the first colleague).
/// Nothing of others changes otherwise, so a second run (after a crash, or on another device)
/// finds nothing left to move and writes nothing.
///
/// ```
/// use huitou_shared::customer::reassign::{hand_over, Customer, Split};
/// use huitou_shared::retention::Tier;
/// use std::collections::BTreeMap;
/// let customer = |id| (Customer { id, owner: Some("fang"), tasks: vec![] }, Tier::B);
/// let book = [customer("c1"), customer("c2"), customer("c3")];
/// let by_hand = BTreeMap::from([("c3".to_owned(), "wang".to_owned())]);
/// let done = hand_over(&book, "fang", &["li", "wang"], Split::Evenly, &by_hand, "2026-12-02T10:00:00Z");
/// assert_eq!(done.shares["li"].customers + done.shares["wang"].customers, 3);
/// assert_eq!(done.shares["wang"].customers, 2, "c2 by turn, c3 by hand");
/// assert_eq!(done.edits.len(), 6, "an owner and a note per customer");
/// ```
pub fn hand_over(
    book: &[(Customer<'_>, Tier)],
    leaver: &str,
    colleagues: &[&str],
    how: Split,
    picks: &BTreeMap<String, String>,
    at: &str,
) -> HandOver {
    let colleagues: Vec<&str> = colleagues
        .iter()
        .copied()
        .filter(|c| *c != leaver)
        .collect();
    let theirs: Vec<&(Customer<'_>, Tier)> = book
        .iter()
        .filter(|(customer, _)| customer.owner == Some(leaver))
        .collect();
    let tiers: Vec<(&str, Tier)> = theirs.iter().map(|(c, tier)| (c.id, *tier)).collect();
    let mut shares = split(&tiers, &colleagues, how);
    for (customer, colleague) in picks {
        if let (Some(slot), Some(to)) = (
            shares.get_mut(customer.as_str()),
            colleagues.iter().find(|c| **c == colleague.as_str()),
        ) {
            *slot = to;
        }
    }
    let mut done = HandOver::default();
    for colleague in &colleagues {
        done.shares
            .insert((*colleague).to_owned(), Share::default());
    }
    for (customer, _) in theirs {
        let Some(to) = shares.get(customer.id) else {
            continue;
        };
        let edits = moves(std::slice::from_ref(customer), to);
        let share = done.shares.entry((*to).to_owned()).or_default();
        share.customers += 1;
        share.open_tasks += edits.iter().filter(|e| e.kind == "task").count();
        done.edits.extend(edits);
        done.edits.push(Edit {
            kind: HANDOVER.to_owned(),
            id: handover_id(customer.id, leaver),
            fields: vec![
                ("customer_id".to_owned(), Value::from(customer.id)),
                ("from".to_owned(), Value::from(leaver)),
                ("to".to_owned(), Value::from(*to)),
                ("at".to_owned(), Value::from(at)),
            ],
        });
    }
    // The leaver's open tasks on customers that are not theirs.
    let mut sorted_colleagues = colleagues.clone();
    sorted_colleagues.sort_unstable();
    for (customer, _) in book.iter().filter(|(c, _)| c.owner != Some(leaver)) {
        let person = customer
            .owner
            .filter(|o| !o.is_empty() && *o != crate::customer::pool::POOL);
        let Some(to) = person.or_else(|| sorted_colleagues.first().copied()) else {
            continue;
        };
        for (id, task) in &customer.tasks {
            if is_open(task) && task.text("owner") == Some(leaver) {
                done.edits.push(owner_edit("task", id, to));
                done.shares.entry(to.to_owned()).or_default().open_tasks += 1;
            }
        }
    }
    done
}
