//! The merge rule (SYNC §1–§2): every field is a last-writer-wins register ordered by HLC.
//!
//! Invariants, checked by the property tests in `tests/merge_props.rs`:
//! - **Commutative and associative**: folding a set of changes in any order or batching gives the same [`State`].
//! - **Idempotent**: applying a change twice is the same as applying it once.
//! - **Monotonic**: a field's stamp only grows, so an older change never overwrites a newer one
//!   (this is what keeps a pulled change from clobbering a newer local edit).
//!
//! ```
//! use huitou_shared::{Change, State};
//! let older = Change::new("customer", "0193a3c1-0000-7000-8000-000000000001", "phone", "138".into(),
//!     "001764072000000:00000:deviceAA");
//! let newer = Change::new("customer", "0193a3c1-0000-7000-8000-000000000001", "phone", "139".into(),
//!     "001764072000001:00000:deviceBB");
//! let mut a = State::default();
//! a.apply(&newer);
//! a.apply(&older);
//! let mut b = State::default();
//! b.apply(&older);
//! b.apply(&newer);
//! assert_eq!(a, b);
//! assert_eq!(a.value("customer", "0193a3c1-0000-7000-8000-000000000001", "phone"), Some(&"139".into()));
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// A hash map keyed by ids with `foldhash` (randomly seeded per process) instead of SipHash:
/// a fold hashes every change's kind and id, and SipHash was a third of its time.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// One field write: the unit of sync (SYNC §2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// UUID v7, unique per change: the idempotency key.
    pub op: String,
    pub kind: String,
    pub id: String,
    pub field: String,
    pub value: Value,
    /// Text form of an [`crate::Hlc`]; its byte order is clock order, so it is compared as text.
    pub hlc: String,
    /// User id; the server overwrites it with the authenticated user.
    #[serde(default)]
    pub author: String,
}

impl Change {
    /// A change with a fresh op id and no author yet.
    pub fn new(kind: &str, id: &str, field: &str, value: Value, hlc: &str) -> Self {
        Self {
            op: crate::model::new_id(),
            kind: kind.to_owned(),
            id: id.to_owned(),
            field: field.to_owned(),
            value,
            hlc: hlc.to_owned(),
            author: String::new(),
        }
    }
}

/// The winning write of one field, with who made it (field history starts here).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldState {
    pub value: Value,
    pub hlc: String,
    pub op: String,
    #[serde(default)]
    pub author: String,
}

impl FieldState {
    pub fn from_change(change: &Change) -> Self {
        Self {
            value: change.value.clone(),
            hlc: change.hlc.clone(),
            op: change.op.clone(),
            author: change.author.clone(),
        }
    }

    /// Becomes `FieldState::from_change(change)`, reusing the buffers it already holds
    /// (an overwrite then costs no free and no allocation).
    fn assign(&mut self, change: &Change) {
        match (&mut self.value, &change.value) {
            (Value::String(current), Value::String(new)) => current.clone_from(new),
            (current, new) => current.clone_from(new),
        }
        self.hlc.clone_from(&change.hlc);
        self.op.clone_from(&change.op);
        self.author.clone_from(&change.author);
    }
}

/// One record `(kind, id)`: its fields with their winning writes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub fields: BTreeMap<String, FieldState>,
}

/// The merge rule for one field: does `change` replace the field's `current` write?
///
/// The greater `hlc` wins. Equal stamps normally mean the same change (same `op`); when a
/// misbehaving device stamps two changes alike, the greater `op` wins (SYNC §1), so the
/// outcome is a total order that never depends on arrival order. The server's SQL applies
/// the same comparison (`(hlc, op)` row order, `server/src/store`).
///
/// ```
/// use huitou_shared::merge::{beats, Change, FieldState};
/// let id = "0193a3c1-0000-7000-8000-000000000001";
/// let stamp = "001764072000001:00000:deviceAA";
/// let mut a = Change::new("customer", id, "name", "A".into(), stamp);
/// let mut b = Change::new("customer", id, "name", "B".into(), stamp);
/// a.op = "0193a3c2-0000-7000-8000-00000000000a".into();
/// b.op = "0193a3c2-0000-7000-8000-00000000000b".into();
/// assert!(beats(&b, &FieldState::from_change(&a)));
/// assert!(!beats(&a, &FieldState::from_change(&b)));
/// assert!(!beats(&a, &FieldState::from_change(&a)), "the same change never replaces itself");
/// ```
pub fn beats(change: &Change, current: &FieldState) -> bool {
    (change.hlc.as_str(), change.op.as_str()) > (current.hlc.as_str(), current.op.as_str())
}

/// What applying a change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The change is now the field's value.
    Won,
    /// The field already holds a newer (or the same) write.
    Lost,
}

impl Record {
    /// Applies the merge rule to one field: the greater `(hlc, op)` wins (see [`beats`]).
    pub fn apply(&mut self, change: &Change) -> Outcome {
        match self.fields.get_mut(change.field.as_str()) {
            Some(current) if !beats(change, current) => Outcome::Lost,
            Some(current) => {
                current.assign(change);
                Outcome::Won
            }
            None => {
                self.fields
                    .insert(change.field.clone(), FieldState::from_change(change));
                Outcome::Won
            }
        }
    }

    pub fn value(&self, field: &str) -> Option<&Value> {
        self.fields.get(field).map(|state| &state.value)
    }

    /// The field as text, when it is a JSON string.
    pub fn text(&self, field: &str) -> Option<&str> {
        self.value(field).and_then(Value::as_str)
    }

    /// Members of a set field (`tag:<name>` = true), e.g. `members("tag")` → the customer's tags.
    ///
    /// ```
    /// use huitou_shared::{Change, Record};
    /// let mut record = Record::default();
    /// record.apply(&Change::new("customer", "x", "tag:好友", true.into(), "001764072000001:00000:deviceAA"));
    /// record.apply(&Change::new("customer", "x", "tag:vip", false.into(), "001764072000002:00000:deviceAA"));
    /// assert_eq!(record.members("tag"), vec!["好友"]);
    /// ```
    pub fn members(&self, set: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(_, state)| state.value == Value::Bool(true))
            .filter_map(|(field, _)| field.strip_prefix(set)?.strip_prefix(':'))
            .collect()
    }

    /// True when `deleted` is `true` (the record is in the trash).
    pub fn is_deleted(&self) -> bool {
        self.value("deleted")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// The greatest stamp among the record's fields (its last change).
    pub fn last_hlc(&self) -> Option<&str> {
        self.fields.values().map(|f| f.hlc.as_str()).max()
    }
}

/// The fold of a set of changes: kind → id → record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    kinds: FastMap<String, FastMap<String, Record>>,
}

impl State {
    /// Folds one change in with the merge rule.
    pub fn apply(&mut self, change: &Change) -> Outcome {
        let records = match self.kinds.get_mut(change.kind.as_str()) {
            Some(records) => records,
            None => self.kinds.entry(change.kind.clone()).or_default(),
        };
        let record = match records.get_mut(change.id.as_str()) {
            Some(record) => record,
            None => records.entry(change.id.clone()).or_default(),
        };
        record.apply(change)
    }

    /// Folds many changes; the result does not depend on their order.
    ///
    /// Exactly the same as applying the changes one by one, but faster on large inputs, whose
    /// records do not fit in the CPU cache: the changes are applied one group of records at a
    /// time, each record's changes still in the order given (so each record goes through the
    /// same sequence of [`Record::apply`] calls), and each short run of changes is read from
    /// memory in one pass of independent loads before it is merged.
    pub fn fold<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Self {
        let changes: Vec<&Change> = changes.into_iter().collect();
        let mut state = Self::default();
        let groups = changes.len() / FOLD_GROUP;
        if groups < 2 {
            for change in changes {
                state.apply(change);
            }
            return state;
        }
        for run in order_by_record_group(&changes, groups).chunks(FOLD_READ_AHEAD) {
            std::hint::black_box(run.iter().map(|&i| first_bytes(changes[i])).sum::<usize>());
            for &i in run {
                state.apply(changes[i]);
            }
        }
        state
    }

    pub fn record(&self, kind: &str, id: &str) -> Option<&Record> {
        self.kinds.get(kind)?.get(id)
    }

    pub fn value(&self, kind: &str, id: &str, field: &str) -> Option<&Value> {
        self.record(kind, id)?.value(field)
    }

    /// Every record of one kind.
    pub fn records(&self, kind: &str) -> impl Iterator<Item = (&String, &Record)> {
        self.kinds
            .get(kind)
            .into_iter()
            .flat_map(|records| records.iter())
    }

    /// Number of records across all kinds.
    pub fn len(&self) -> usize {
        self.kinds.values().map(FastMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Changes per record group in [`State::fold`]: the records they touch fit in a core's cache.
const FOLD_GROUP: usize = 4096;
/// Changes [`State::fold`] reads ahead before merging them.
const FOLD_READ_AHEAD: usize = 128;

/// The indices of `changes` ordered by group (a hash of `(kind, id)` modulo `groups`) and,
/// within a group, in input order: a stable counting sort, so every record keeps the order
/// of its changes.
fn order_by_record_group(changes: &[&Change], groups: usize) -> Vec<usize> {
    let group_of: Vec<usize> = changes
        .iter()
        .map(|change| (record_hash(&change.kind, &change.id) % groups as u64) as usize)
        .collect();
    // next[g] = where the next change of group g goes.
    let mut next = vec![0; groups];
    for &group in &group_of {
        next[group] += 1;
    }
    let mut start = 0;
    for slot in &mut next {
        let size = *slot;
        *slot = start;
        start += size;
    }
    let mut order = vec![0; changes.len()];
    for (i, &group) in group_of.iter().enumerate() {
        order[next[group]] = i;
        next[group] += 1;
    }
    order
}

/// A fast fixed hash of `(kind, id)` to group records by: a poor spread could only make
/// [`State::fold`] slower, never change its result.
fn record_hash(kind: &str, id: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = 0u64;
    for text in [kind.as_bytes(), id.as_bytes()] {
        let words = text.chunks_exact(8);
        let tail = words.remainder();
        for word in words {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(word);
            hash = (hash.rotate_left(23) ^ u64::from_le_bytes(bytes)).wrapping_mul(K);
        }
        let mut bytes = [0u8; 8];
        bytes[..tail.len()].copy_from_slice(tail);
        hash =
            (hash.rotate_left(23) ^ u64::from_le_bytes(bytes) ^ tail.len() as u64).wrapping_mul(K);
    }
    hash ^ (hash >> 32)
}

/// Touches the text a merge reads from a change, so it is loaded into the cache.
fn first_bytes(change: &Change) -> usize {
    let value = match &change.value {
        Value::String(text) => text.as_str(),
        _ => "",
    };
    let texts: [&str; 6] = [
        &change.kind,
        &change.id,
        &change.field,
        &change.hlc,
        &change.op,
        value,
    ];
    texts
        .iter()
        .map(|text| text.as_bytes().first().map_or(0, |&byte| usize::from(byte)))
        .sum()
}

/// Most overwritten values a [`TrackedRecord`] keeps; the oldest go first.
pub const MAX_OVERWRITTEN: usize = 50;

/// A record as a device keeps it: the winning fields plus the values they replaced or beat.
///
/// The overwritten values are what makes "nothing the user typed vanishes" visible: a local
/// edit that lost to a concurrent one on another device is still here, with its author and
/// clock (which names the device), and can be restored by writing it again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrackedRecord {
    pub kind: String,
    pub id: String,
    pub record: Record,
    #[serde(default)]
    pub overwritten: Vec<Overwritten>,
}

/// A value that is no longer a field's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overwritten {
    pub field: String,
    pub state: FieldState,
}

impl TrackedRecord {
    pub fn new(kind: &str, id: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            id: id.to_owned(),
            ..Self::default()
        }
    }

    /// Applies the merge rule and keeps whichever write did not win (unless it is the same change).
    ///
    /// ```
    /// use huitou_shared::merge::{Change, TrackedRecord};
    /// let id = "0193a3c1-0000-7000-8000-000000000001";
    /// let mine = Change::new("customer", id, "phone", "138".into(), "001764072000001:00000:deviceAA");
    /// let theirs = Change::new("customer", id, "phone", "139".into(), "001764072000002:00000:deviceBB");
    /// let mut record = TrackedRecord::new("customer", id);
    /// record.apply(&mine);
    /// record.apply(&theirs);
    /// record.apply(&theirs); // a repeated pull changes nothing
    /// assert_eq!(record.record.text("phone"), Some("139"));
    /// assert_eq!(record.overwritten.len(), 1);
    /// assert_eq!(record.overwritten[0].state.value, "138");
    /// ```
    pub fn apply(&mut self, change: &Change) -> Outcome {
        // The merge rule of `Record::apply`, keeping the write that did not win.
        let (outcome, loser) = match self.record.fields.get_mut(change.field.as_str()) {
            Some(current) if !beats(change, current) => {
                let loser = (current.op != change.op).then(|| FieldState::from_change(change));
                (Outcome::Lost, loser)
            }
            Some(current) => {
                let previous = std::mem::replace(current, FieldState::from_change(change));
                (Outcome::Won, Some(previous))
            }
            None => (self.record.apply(change), None),
        };
        if let Some(state) = loser
            && !self.overwritten.iter().any(|o| o.state.op == state.op)
        {
            self.overwritten.push(Overwritten {
                field: change.field.clone(),
                state,
            });
            if self.overwritten.len() > MAX_OVERWRITTEN {
                self.overwritten.remove(0);
            }
        }
        outcome
    }

    /// The greatest stamp this record holds for `field`, winning or overwritten, leaving out
    /// the ops `skip` names (changes the server refused, which exist nowhere else).
    pub fn greatest_stamp(&self, field: &str, skip: impl Fn(&str) -> bool) -> Option<&str> {
        let winning = self
            .record
            .fields
            .get(field)
            .map(|state| (state.hlc.as_str(), state.op.as_str()));
        let overwritten = self
            .overwritten
            .iter()
            .filter(|o| o.field == field)
            .map(|o| (o.state.hlc.as_str(), o.state.op.as_str()));
        winning
            .into_iter()
            .chain(overwritten)
            .filter(|(_, op)| !skip(op))
            .map(|(hlc, _)| hlc)
            .max()
    }

    /// Replaces the refused change `old_op` by its re-stamped `change`: where the refused one
    /// is the field's value, the new one takes its place (it is stamped above every other write
    /// of the field the record holds, so the merge rule agrees); otherwise the new one goes
    /// through the merge rule like any edit. The refused write is forgotten: it was never
    /// accepted anywhere.
    pub fn restamp(&mut self, old_op: &str, change: &Change) -> Outcome {
        self.overwritten.retain(|o| o.state.op != old_op);
        match self.record.fields.get_mut(change.field.as_str()) {
            Some(current) if current.op == old_op => {
                *current = FieldState::from_change(change);
                Outcome::Won
            }
            _ => self.apply(change),
        }
    }

    /// Gives up a write the server refused (the user discarded it): when the field holds
    /// change `op`, it goes back to the best write it replaced (or is removed when there was
    /// none), so the device no longer shows what the server never took. True when the
    /// record changed.
    ///
    /// ```
    /// use huitou_shared::merge::{Change, TrackedRecord};
    /// let id = "0193a3c1-0000-7000-8000-000000000001";
    /// let theirs = Change::new("voucher", id, "redeemed_visit", "v1".into(), "001764072000001:00000:deviceAA");
    /// let mine = Change::new("voucher", id, "redeemed_visit", "v2".into(), "001764072000002:00000:deviceBB");
    /// let mut record = TrackedRecord::new("voucher", id);
    /// record.apply(&theirs);
    /// record.apply(&mine);
    /// assert!(record.give_up("redeemed_visit", &mine.op));
    /// assert_eq!(record.record.text("redeemed_visit"), Some("v1"));
    /// assert!(record.give_up("redeemed_visit", &theirs.op));
    /// assert_eq!(record.record.value("redeemed_visit"), None);
    /// ```
    pub fn give_up(&mut self, field: &str, op: &str) -> bool {
        let before = self.overwritten.len();
        self.overwritten.retain(|o| o.state.op != op);
        let holds = self.record.fields.get(field).is_some_and(|f| f.op == op);
        if holds {
            let best = self
                .overwritten
                .iter()
                .enumerate()
                .filter(|(_, o)| o.field == field)
                .max_by(|(_, a), (_, b)| {
                    (a.state.hlc.as_str(), a.state.op.as_str())
                        .cmp(&(b.state.hlc.as_str(), b.state.op.as_str()))
                })
                .map(|(i, _)| i);
            match best {
                Some(i) => {
                    let previous = self.overwritten.remove(i);
                    self.record.fields.insert(field.to_owned(), previous.state);
                }
                None => {
                    self.record.fields.remove(field);
                }
            }
        }
        holds || self.overwritten.len() != before
    }

    /// The key a device stores this record under: `kind/id`.
    pub fn key(&self) -> String {
        record_key(&self.kind, &self.id)
    }
}

/// The storage key of a record: `kind/id` (so a key range selects one kind).
pub fn record_key(kind: &str, id: &str) -> String {
    format!("{kind}/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Many changes over few records, with clashing stamps (same `hlc`, different op).
    fn clashing_changes(count: usize) -> Vec<Change> {
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        (0..count)
            .map(|_| {
                let kind = ["customer", "visit", "task"][next(3) as usize];
                let id = format!("0193a3c1-0000-7000-8000-{:012}", next(700));
                let field = ["name", "phone", "amount", "tag:vip", "deleted"][next(5) as usize];
                let value = match next(4) {
                    0 => Value::from(format!("v{}", next(1000))),
                    1 => Value::from(next(1000)),
                    2 => Value::from(next(2) == 0),
                    _ => Value::Null,
                };
                let hlc = format!(
                    "{:015}:{:05}:device{:02}",
                    1_764_072_000_000 + next(50),
                    next(3),
                    next(3)
                );
                Change::new(kind, &id, field, value, &hlc)
            })
            .collect()
    }

    #[test]
    fn a_large_fold_is_applying_the_changes_in_order() {
        let changes = clashing_changes(5 * FOLD_GROUP + 123);
        let mut in_order = State::default();
        for change in &changes {
            in_order.apply(change);
        }
        let folded = State::fold(&changes);
        assert_eq!(folded, in_order);
        // Clashing stamps (same hlc, different op) are there, and the greater op decides
        // them whatever the order: a reversed fold is the same.
        let reversed: Vec<&Change> = changes.iter().rev().collect();
        assert_eq!(State::fold(reversed), folded);
    }

    /// `TrackedRecord::apply` as first written: clone the field, apply, compare.
    fn tracked_apply_reference(record: &mut TrackedRecord, change: &Change) -> Outcome {
        let previous = record.record.fields.get(change.field.as_str()).cloned();
        let outcome = record.record.apply(change);
        let loser = match (outcome, previous) {
            (Outcome::Won, Some(previous)) => Some(previous),
            (Outcome::Lost, Some(current)) if current.op != change.op => {
                Some(FieldState::from_change(change))
            }
            _ => None,
        };
        if let Some(state) = loser
            && !record.overwritten.iter().any(|o| o.state.op == state.op)
        {
            record.overwritten.push(Overwritten {
                field: change.field.clone(),
                state,
            });
            if record.overwritten.len() > MAX_OVERWRITTEN {
                record.overwritten.remove(0);
            }
        }
        outcome
    }

    #[test]
    fn tracked_records_keep_the_same_losers_as_before() {
        let changes = clashing_changes(4000);
        let mut records: HashMap<(String, String), (TrackedRecord, TrackedRecord)> = HashMap::new();
        // Every change twice (a repeated pull), the second pass in reverse.
        for change in changes.iter().chain(changes.iter().rev()) {
            let (new, reference) = records
                .entry((change.kind.clone(), change.id.clone()))
                .or_insert_with(|| {
                    let record = TrackedRecord::new(&change.kind, &change.id);
                    (record.clone(), record)
                });
            assert_eq!(
                new.apply(change),
                tracked_apply_reference(reference, change)
            );
            assert_eq!(new, reference);
        }
    }
}
