//! Times every Insights report for 10,000 customers with 100,000 visits, 20,000 contacts and
//! 10,000 tasks over a twelve-month period (issue 12: the whole screen under 500 ms in the
//! browser; this is the native figure, `tests/benches/first_sync.rs` has the browser's).
//!
//! `cargo bench -p huitou-shared --bench insights`

use chrono::NaiveDate;
use huitou_shared::insights::{
    Book, Query, churn, cohorts, lifetime, pareto, repeat, rfm, staff, tiers,
};
use huitou_shared::retention::RuleSet;
use huitou_shared::{Change, Record};
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::{Duration, Instant};

const CUSTOMERS: usize = 10_000;
const VISITS: usize = 100_000;
const RUNS: usize = 5;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

fn record(kind: &str, fields: Vec<(&str, Value)>) -> Record {
    let mut record = Record::default();
    for (n, (field, value)) in fields.into_iter().enumerate() {
        let hlc = format!("{:015}:00000:deviceAA", 1_764_072_000_000u64 + n as u64);
        record.apply(&Change::new(kind, "x", field, value, &hlc));
    }
    record
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
    let mut random = Lcg(7);
    let mut records: Vec<(&'static str, String, Record)> = Vec::new();
    let id = |n: usize| format!("0193a3c1-0000-7000-8000-{n:012}");
    for n in 0..CUSTOMERS {
        let owner = format!("sales{}", n % 8);
        records.push((
            "customer",
            id(n),
            record(
                "customer",
                vec![
                    ("name", json!(format!("客人{n}"))),
                    ("owner", json!(owner)),
                    ("created_at", json!("2025-06-01T10:00:00+08:00")),
                ],
            ),
        ));
    }
    let day = |random: &mut Lcg| today - chrono::Days::new(random.next(500) as u64);
    for n in 0..VISITS {
        let customer = random.next(CUSTOMERS);
        records.push((
            "visit",
            format!("v{n}"),
            record(
                "visit",
                vec![
                    ("customer_id", json!(id(customer))),
                    ("at", json!(format!("{}T19:00:00+08:00", day(&mut random)))),
                    ("amount", json!(random.next(3000))),
                ],
            ),
        ));
    }
    for n in 0..VISITS / 5 {
        let customer = random.next(CUSTOMERS);
        records.push((
            "contact",
            format!("c{n}"),
            record(
                "contact",
                vec![
                    ("customer_id", json!(id(customer))),
                    ("at", json!(format!("{}T10:00:00+08:00", day(&mut random)))),
                ],
            ),
        ));
    }
    for n in 0..CUSTOMERS {
        let customer = random.next(CUSTOMERS);
        let status = ["open", "done", "skipped"][random.next(3)];
        records.push((
            "task",
            format!("t{n}"),
            record(
                "task",
                vec![
                    ("customer_id", json!(id(customer))),
                    ("due", json!(day(&mut random).to_string())),
                    ("status", json!(status)),
                ],
            ),
        ));
    }
    let query = Query::months_to(today, 12);
    let rules = RuleSet::restaurant_default();
    let mut timings: Vec<(&str, Duration)> = Vec::new();
    let mut time = |name: &'static str, work: &mut dyn FnMut()| {
        let mut best = Duration::MAX;
        for _ in 0..RUNS {
            let start = Instant::now();
            work();
            best = best.min(start.elapsed());
        }
        timings.push((name, best));
    };
    time("group the book", &mut || {
        black_box(Book::new(
            records.iter().map(|(k, id, r)| (*k, id.as_str(), r)),
            480,
        ));
    });
    let book = Book::new(records.iter().map(|(k, id, r)| (*k, id.as_str(), r)), 480);
    time("repeat rate", &mut || {
        black_box(repeat::report(&book, &query, today));
    });
    time("cohorts (and every cell's customers)", &mut || {
        black_box(cohorts::report(&book, &query, today));
        black_box(cohorts::members(&book, &query, today));
    });
    time("tiers (13 month ends)", &mut || {
        black_box(tiers::report(&book, &rules, &query, today));
    });
    time("churn", &mut || {
        black_box(churn::report(&book, &rules, &query, today));
    });
    time("lifetime", &mut || {
        black_box(lifetime::report(&book, &query, today));
    });
    time("pareto", &mut || {
        black_box(pareto::report(&book, &query));
    });
    time("rfm", &mut || {
        black_box(rfm::report(&book, &query, today));
    });
    time("staff", &mut || {
        black_box(staff::report(&book, &query, today));
    });
    println!(
        "Insights over {CUSTOMERS} customers, {VISITS} visits, {} contacts, {CUSTOMERS} tasks (best of {RUNS}):",
        VISITS / 5
    );
    let mut total = Duration::ZERO;
    for (name, took) in &timings {
        total += *took;
        println!("  {name:<40} {:>8.1} ms", took.as_secs_f64() * 1000.0);
    }
    println!(
        "  {:<40} {:>8.1} ms",
        "all of them",
        total.as_secs_f64() * 1000.0
    );
}
