//! Native merge throughput: `State::fold` of 1,000,000 shuffled changes, an idempotent re-apply, and `TrackedRecord::apply` as devices use it. Run: `cargo bench -p huitou-tests --bench merge`
//!
//! Prints figures only (STYLE rule 7); the bar for the fold is 1,000,000 changes/s.

use huitou_shared::merge::{Outcome, TrackedRecord, record_key};

/// The allocator of the server binary (`server/src/main.rs`), where a native fold runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use huitou_shared::{Change, Hlc, State};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::time::{Duration, Instant};

const CHANGES: usize = 1_000_000;
const CUSTOMERS: usize = 20_000;
const VISITS: usize = 30_000;
const RUNS: usize = 5;
/// Changes per pull page a device merges at once.
const PAGE: usize = 1000;
const DEVICES: [&str; 4] = [
    "tablet-front-01",
    "tablet-bar-02",
    "phone-mgr-03",
    "desktop-04",
];
const CUSTOMER_FIELDS: [&str; 9] = [
    "name",
    "phone",
    "gender",
    "stage",
    "owner",
    "shared",
    "tag:VIP",
    "tag:老客户",
    "deleted",
];
const VISIT_FIELDS: [&str; 8] = [
    "customer_id",
    "at",
    "amount",
    "party_size",
    "occasion",
    "satisfaction",
    "note",
    "deleted",
];

/// SplitMix64: a small deterministic generator, so every run folds the same input.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn record_id(n: usize) -> String {
    format!("0193a3c1-0000-7000-8000-{n:012x}")
}

fn value(rng: &mut Rng, field: &str, customers: &[String]) -> Value {
    match field {
        "name" => json!(format!("客户{}", rng.below(100_000))),
        "phone" => json!(format!("138{:08}", rng.below(100_000_000))),
        "gender" => json!(["female", "male", "other"][rng.below(3)]),
        "stage" => json!(["new", "regular", "vip", "lost"][rng.below(4)]),
        "owner" => json!(format!("0193a3c0-0000-7000-8000-{:012x}", rng.below(8))),
        "customer_id" => json!(customers[rng.below(customers.len())]),
        "at" => json!(format!(
            "2025-11-{:02}T19:{:02}:00Z",
            1 + rng.below(28),
            rng.below(60)
        )),
        "amount" => json!(rng.below(500_000) as f64 / 100.0),
        "party_size" => json!(1 + rng.below(12)),
        "occasion" => json!(["business", "friends", "family", "other"][rng.below(4)]),
        "satisfaction" => json!(1 + rng.below(5)),
        "note" => json!(format!("靠窗的位置，少辣 #{}", rng.below(1000))),
        _ => json!(rng.below(2) == 0),
    }
}

/// Changes in clock order: ~20 writes per record over 50,000 records, stamps unique and from a few devices.
fn generate(rng: &mut Rng) -> Vec<Change> {
    let customers: Vec<String> = (0..CUSTOMERS).map(record_id).collect();
    let visits: Vec<String> = (CUSTOMERS..CUSTOMERS + VISITS).map(record_id).collect();
    let base = 1_764_072_000_000u64;
    (0..CHANGES)
        .map(|i| {
            let (kind, id, field) = if rng.below(CUSTOMERS + VISITS) < CUSTOMERS {
                let field = CUSTOMER_FIELDS[rng.below(CUSTOMER_FIELDS.len())];
                ("customer", &customers[rng.below(CUSTOMERS)], field)
            } else {
                let field = VISIT_FIELDS[rng.below(VISIT_FIELDS.len())];
                ("visit", &visits[rng.below(VISITS)], field)
            };
            let device = DEVICES[rng.below(DEVICES.len())];
            let hlc = format!(
                "{:015}:{:05}:{device}",
                base + (i / 4) as u64,
                (i % 4) as u32
            );
            let value = value(rng, field, &customers);
            Change::new(kind, id, field, value, &hlc)
        })
        .collect()
}

/// Shuffles, then copies each change so its strings lie in memory in the new order, as when
/// changes are deserialised in the order they arrive.
fn shuffle(mut changes: Vec<Change>, rng: &mut Rng) -> Vec<Change> {
    for i in (1..changes.len()).rev() {
        changes.swap(i, rng.below(i + 1));
    }
    changes.iter().map(Change::clone).collect()
}

/// Times `run` `RUNS` times (`prepare` untimed before each); returns the sorted durations.
fn measure<T, R>(mut prepare: impl FnMut() -> T, mut run: impl FnMut(T) -> R) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let input = prepare();
            let start = Instant::now();
            let result = black_box(run(input));
            let elapsed = start.elapsed();
            drop(result);
            elapsed
        })
        .collect();
    times.sort();
    times
}

fn report(name: &str, n: usize, times: &[Duration]) {
    let rate = |d: &Duration| n as f64 / d.as_secs_f64();
    let median = &times[times.len() / 2];
    let best = &times[0];
    println!(
        "{name}: {n} changes in {:.1} ms = {:.0} changes/s (median of {RUNS}; best {:.1} ms = {:.0} changes/s)",
        median.as_secs_f64() * 1e3,
        rate(median),
        best.as_secs_f64() * 1e3,
        rate(best),
    );
}

fn main() {
    let mut rng = Rng(0x4875_6974_6f75);
    let start = Instant::now();
    let changes = generate(&mut rng);
    let changes = shuffle(changes, &mut rng);
    assert!(
        changes.iter().all(|c| Hlc::parse(&c.hlc).is_ok()),
        "every stamp is a valid HLC"
    );
    println!(
        "generated {} changes over {} records ({CUSTOMERS} customers, {VISITS} visits) from {} devices in {:.1} s, shuffled",
        changes.len(),
        CUSTOMERS + VISITS,
        DEVICES.len(),
        start.elapsed().as_secs_f64()
    );

    let state = State::fold(&changes);
    let fields: usize = state
        .records("customer")
        .chain(state.records("visit"))
        .map(|(_, record)| record.fields.len())
        .sum();
    println!(
        "folded state: {} records, {fields} fields (the rest of the changes lost to newer writes)",
        state.len()
    );

    let fold = measure(|| (), |()| State::fold(&changes));
    report("merge fold", changes.len(), &fold);

    let reapply = measure(
        || state.clone(),
        |mut again| {
            let won = changes
                .iter()
                .filter(|change| again.apply(change) == Outcome::Won)
                .count();
            assert_eq!(won, 0, "re-applying a change must change nothing");
            again
        },
    );
    report("merge re-apply (all duplicates)", changes.len(), &reapply);

    // As a device merges pulled pages (app/src/storage.rs): per page of 1000 changes, each
    // touched record is taken from the store by its `kind/id` key, merged, and put back.
    let tracked = measure(
        || (),
        |()| {
            let mut store: HashMap<String, TrackedRecord> = HashMap::new();
            for page in changes.chunks(PAGE) {
                let mut touched: BTreeMap<String, TrackedRecord> = BTreeMap::new();
                for change in page {
                    let key = record_key(&change.kind, &change.id);
                    touched
                        .entry(key)
                        .or_insert_with_key(|key| {
                            store
                                .remove(key)
                                .unwrap_or_else(|| TrackedRecord::new(&change.kind, &change.id))
                        })
                        .apply(change);
                }
                store.extend(touched);
            }
            store
        },
    );
    report(
        "tracked record apply (device, pages of 1000)",
        changes.len(),
        &tracked,
    );

    println!(
        "bar: merge fold >= 1000000 changes/s: {}",
        if changes.len() as f64 / fold[RUNS / 2].as_secs_f64() >= 1e6 {
            "met"
        } else {
            "NOT met"
        }
    );
}
