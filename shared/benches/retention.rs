//! Times tiering and task planning (rule tasks and the tier's playbook tasks) for 10,000 customers with 100,000 visits (bar: under 200 ms).
//!
//! `CARGO_TARGET_DIR=target/h cargo bench -p huitou-shared --bench retention`

use chrono::NaiveDate;
use huitou_shared::retention::playbooks::{Playbook, playbook_tasks};
use huitou_shared::retention::{History, RuleSet, TaskRules, generate_tasks, tier};
use huitou_shared::{Change, Record};
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::{Duration, Instant};

const CUSTOMERS: usize = 10_000;
const VISITS: usize = 100_000;
const RUNS: usize = 5;

/// A small deterministic generator, so every run plans for the same book.
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

struct Book {
    ids: Vec<String>,
    customers: Vec<Record>,
    /// Per customer: visits, referrals, suggestions, family.
    children: Vec<[Vec<Record>; 4]>,
}

fn generate(today: NaiveDate, random: &mut Lcg) -> Book {
    let mut children: Vec<[Vec<Record>; 4]> = (0..CUSTOMERS).map(|_| Default::default()).collect();
    let date = |random: &mut Lcg| today - chrono::Days::new(random.next(400) as u64);
    for _ in 0..VISITS {
        let owner = random.next(CUSTOMERS);
        let at = format!("{}T19:00:00+08:00", date(random));
        let amount = random.next(6000);
        children[owner][0].push(record(
            "visit",
            vec![("at", at.into()), ("amount", amount.into())],
        ));
    }
    for slot in &mut children {
        for _ in 0..random.next(3) {
            let at = format!("{}T12:00:00+08:00", date(random));
            let referred = format!("0193a3c1-0000-7000-8000-{:012}", random.next(CUSTOMERS));
            slot[1].push(record(
                "referral",
                vec![("at", at.into()), ("referred_customer_id", referred.into())],
            ));
        }
        for _ in 0..random.next(3) {
            let at = format!("{}T12:00:00+08:00", date(random));
            slot[2].push(record("suggestion", vec![("at", at.into())]));
        }
        if random.next(2) == 0 {
            let birthday = json!({"calendar": if random.next(2) == 0 { "solar" } else { "lunar" },
                "year": null, "month": 1 + random.next(12), "day": 1 + random.next(28), "leap": false});
            slot[3].push(record(
                "family",
                vec![("name", "家人".into()), ("birthday", birthday)],
            ));
        }
    }
    let customers = (0..CUSTOMERS)
        .map(|_| {
            let birthday = json!({"calendar": if random.next(3) == 0 { "lunar" } else { "solar" },
                "year": 1960 + random.next(40), "month": 1 + random.next(12), "day": 1 + random.next(28), "leap": false});
            let created = format!("{}T10:00:00+08:00", date(random));
            record(
                "customer",
                vec![("created_at", created.into()), ("birthday", birthday)],
            )
        })
        .collect();
    let ids = (0..CUSTOMERS)
        .map(|n| format!("0193a3c1-0000-7000-8000-{n:012}"))
        .collect();
    Book {
        ids,
        customers,
        children,
    }
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 3, 10).expect("valid date");
    let book = generate(today, &mut Lcg(7));
    let rules = RuleSet::restaurant_default();
    let task_rules = TaskRules::default();
    let mut totals = Vec::new();
    let (mut tiering, mut planning) = (Duration::ZERO, Duration::ZERO);
    let mut planned = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        planned = 0;
        for ((id, customer), [visits, referrals, suggestions, family]) in
            book.ids.iter().zip(&book.customers).zip(&book.children)
        {
            let history = History {
                visits: visits.iter().collect(),
                referrals: referrals.iter().collect(),
                suggestions: suggestions.iter().collect(),
                family: family.iter().collect(),
            };
            let tiered = Instant::now();
            let tier = black_box(tier(customer, &history, today, &rules)).tier;
            let planning_start = Instant::now();
            tiering += planning_start - tiered;
            let tasks = generate_tasks(
                id,
                customer,
                &history.visits,
                &history.family,
                today,
                &task_rules,
            );
            let holiday = playbook_tasks(
                id,
                customer,
                tier,
                &Playbook::default_for(tier),
                today,
                &task_rules,
            );
            planning += planning_start.elapsed();
            planned += black_box(tasks).len() + black_box(holiday).len();
        }
        totals.push(start.elapsed());
    }
    totals.sort();
    let mean = totals.iter().sum::<Duration>() / RUNS as u32;
    let per_run = |d: Duration| d.as_secs_f64() * 1e3 / RUNS as f64;
    println!(
        "tiers + tasks for {CUSTOMERS} customers, {VISITS} visits: best {:.1} ms, mean {:.1} ms over {RUNS} runs \
         (of which tiering {:.1} ms, task planning {:.1} ms; {planned} tasks planned)",
        totals[0].as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
        per_run(tiering),
        per_run(planning),
    );
}
