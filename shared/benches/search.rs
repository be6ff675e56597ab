//! Times customer search over 10,000 generated Chinese names: mean and p99 per keystroke query.
//!
//! `CARGO_TARGET_DIR=target/h cargo bench -p huitou-shared --bench search`

use huitou_shared::customer::search::{CustomerIndex, Filter};
use huitou_shared::{Change, Record};
use std::hint::black_box;
use std::time::{Duration, Instant};

const CUSTOMERS: usize = 10_000;
const QUERIES: usize = 1_000;
/// What a salesperson types, keystroke by keystroke.
const KEYSTROKES: [&str; 12] = [
    "w", "wx", "wxm", "王", "王小", "138", "1380", "1380013", "l", "李娜", "酒店", "zq",
];

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈";
const GIVEN: &str =
    "小明娜伟芳敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英华建国文红晓梅玉兰春燕志宏海峰";
const COMPANIES: [&str; 5] = ["西湖酒店", "回头餐饮", "华夏银行", "新世纪地产", ""];

/// A small deterministic generator, so every run indexes the same book.
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

fn generate(random: &mut Lcg) -> Vec<(String, Record, String)> {
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    (0..CUSTOMERS)
        .map(|number| {
            let mut name = String::new();
            name.push(surnames[random.next(surnames.len())]);
            for _ in 0..1 + random.next(2) {
                name.push(given[random.next(given.len())]);
            }
            let phone = format!("13{}{:08}", random.next(10), random.next(100_000_000));
            let id = format!("0193a3c1-0000-7000-8000-{number:012}");
            let mut record = Record::default();
            let mut write = |field: &str, value: serde_json::Value| {
                let hlc = format!(
                    "{:015}:00000:deviceAA",
                    1_764_072_000_000u64 + number as u64
                );
                record.apply(&Change::new("customer", &id, field, value, &hlc));
            };
            write("name", name.into());
            write("phone", phone.into());
            write("company", COMPANIES[random.next(COMPANIES.len())].into());
            write(
                "stage",
                ["customer", "repeat", "loyal"][random.next(3)].into(),
            );
            if random.next(4) == 0 {
                write("tag:重点客户", true.into());
            }
            let recency = format!("2026-{:02}-{:02}", 1 + random.next(12), 1 + random.next(28));
            (id, record, recency)
        })
        .collect()
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

fn main() {
    let mut random = Lcg(2026);
    let book = generate(&mut random);
    let started = Instant::now();
    let index = CustomerIndex::build(
        book.iter()
            .map(|(id, record, recency)| (id.as_str(), record, recency.as_str())),
    );
    let build_time = started.elapsed();
    println!(
        "index of {} customers built in {:.1} ms",
        index.len(),
        build_time.as_secs_f64() * 1e3
    );

    let filter = Filter::default();
    let report = |label: &str, limit: usize| {
        let mut timings: Vec<Duration> = (0..QUERIES)
            .map(|query_number| {
                let query = KEYSTROKES[query_number % KEYSTROKES.len()];
                let started = Instant::now();
                black_box(index.search(black_box(query), &filter, limit));
                started.elapsed()
            })
            .collect();
        timings.sort();
        let mean = timings.iter().map(|t| micros(*t)).sum::<f64>() / timings.len() as f64;
        let p99 = micros(timings[timings.len() * 99 / 100]);
        let max = micros(timings[timings.len() - 1]);
        println!("{label}: {QUERIES} queries, mean {mean:.1} µs, p99 {p99:.1} µs, max {max:.1} µs");
    };
    report("limit 50 (search box)", 50);
    report("no limit (every match)", usize::MAX);

    for query in KEYSTROKES {
        let started = Instant::now();
        let found = index.search(query, &filter, usize::MAX).len();
        println!(
            "  {query:>8}: {found:>5} matches, {:.1} µs",
            micros(started.elapsed())
        );
    }
}
