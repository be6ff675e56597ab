//! Benchmarks in headless Chromium (wasm, release-like optimisation is NOT applied: debug wasm
//! unless run with `--release`). They print figures and assert nothing about time.
//! Run: `scripts/bench-wasm` (= `cargo test -p huitou-app --target wasm32-unknown-unknown --release
//! --test bench -- --include-ignored --nocapture`).

#![cfg(target_arch = "wasm32")]

use huitou_app::replica::Records;
use huitou_app::storage::Storage;
use huitou_shared::customer::Filter;
use huitou_shared::merge::Change;
use huitou_shared::model::new_id;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "小明伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥鹏飞斌宇浩然子涵欣怡梓轩思雨一诺佳琪雨桐";

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

mod support;
use support::Dice;

fn stamp(n: u64) -> String {
    format!("{:015}:{:05}:bench-dev", 1_764_000_000_000 + n / 10, n % 10)
}

/// Customers as change sets: name, phone, tag, company.
fn customers(count: usize) -> (Vec<String>, Vec<Change>) {
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let mut dice = Dice(7);
    let mut ids = Vec::new();
    let mut changes = Vec::new();
    let mut n = 0u64;
    for i in 0..count {
        let id = new_id();
        let name: String = [
            surnames[dice.next(surnames.len())],
            given[dice.next(given.len())],
            given[dice.next(given.len())],
        ]
        .iter()
        .collect();
        for (field, value) in [
            ("name", json!(name)),
            ("phone", json!(format!("13{:09}", i * 7919 % 1_000_000_000))),
            ("company", json!(format!("公司{}", i % 500))),
            (if i % 3 == 0 { "tag:VIP" } else { "tag:朋友" }, json!(true)),
        ] {
            n += 1;
            changes.push(Change::new("customer", &id, field, value, &stamp(n)));
        }
        ids.push(id);
    }
    (ids, changes)
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run with --include-ignored"]
async fn search_latency_over_10000_customers() {
    let (_, changes) = customers(10_000);
    let mut records = Records::default();
    let mut built = huitou_shared::merge::State::default();
    for change in &changes {
        built.apply(change);
    }
    let _ = built;
    let mut tracked: std::collections::HashMap<String, huitou_shared::TrackedRecord> =
        Default::default();
    for change in &changes {
        tracked
            .entry(change.id.clone())
            .or_insert_with(|| huitou_shared::TrackedRecord::new(&change.kind, &change.id))
            .apply(change);
    }
    for record in tracked.into_values() {
        records.put(record);
    }
    let start = now();
    let index = records.customer_index();
    let build_ms = now() - start;
    // What a salesperson types, keystroke by keystroke.
    let keystrokes = [
        "w", "wx", "wxm", "王", "王小", "1", "13", "138", "1380", "13800", "l", "ln", "李", "李娜",
        "公司1", "VIP", "z", "zw",
    ];
    let mut times = Vec::new();
    for _ in 0..20 {
        for query in keystrokes {
            let start = now();
            let found = index.search(query, &Filter::default(), 100);
            times.push(now() - start);
            assert!(found.len() <= 100);
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let p99 = times[times.len() * 99 / 100];
    console_log!(
        "search over 10,000 customers (wasm, headless Chromium): index build {build_ms:.1} ms; per keystroke mean {mean:.2} ms, p99 {p99:.2} ms, max {:.2} ms ({} queries)",
        times[times.len() - 1],
        times.len()
    );
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run with --include-ignored"]
async fn indexeddb_start_with_10000_customers_and_100000_visits() {
    let name = "bench-start";
    Storage::delete(name).await.unwrap();
    let storage = Storage::open(name).await.unwrap();
    let (ids, customer_changes) = customers(10_000);
    let mut dice = Dice(11);
    let mut n = 1_000_000u64;
    let mut visit_changes = Vec::new();
    for _ in 0..100_000 {
        let id = new_id();
        let customer = &ids[dice.next(ids.len())];
        for (field, value) in [
            ("customer_id", json!(customer)),
            ("at", json!("2026-10-01T19:00:00+08:00")),
            ("amount", json!(100 + dice.next(3000))),
            ("party_size", json!(1 + dice.next(10))),
            ("items", json!(["清蒸鲈鱼", "东坡肉"])),
        ] {
            n += 1;
            visit_changes.push(Change::new("visit", &id, field, value, &stamp(n)));
        }
    }
    let start = now();
    let all: Vec<Change> = customer_changes.into_iter().chain(visit_changes).collect();
    for (page, chunk) in all.chunks(5_000).enumerate() {
        storage
            .apply_page(chunk, &[], &format!("s{page}"))
            .await
            .unwrap();
    }
    let write_ms = now() - start;
    storage.close();

    // What the app does at start (`Replica::open`, then `load_history`): everything but visits
    // and the search index (the list is usable), then the visits.
    let start = now();
    let storage = Storage::open(name).await.unwrap();
    let mut records = Records::default();
    for record in storage.load_all_but_visits().await.unwrap() {
        records.put(record);
    }
    let index = records.customer_index();
    let list_ms = now() - start;
    // Visits in slices, as `Replica::load_history` reads them; the longest slice is the
    // longest the app's main thread is held by history.
    let mut count = records.count("customer");
    let mut after: Option<String> = None;
    let mut longest_ms = 0f64;
    loop {
        let slice_start = now();
        let visits = storage
            .load_visits_after(after.as_deref(), 5_000)
            .await
            .unwrap();
        let Some(last) = visits.last() else { break };
        after = Some(last.id.clone());
        count += visits.len();
        for visit in visits {
            records.put_missing(visit);
        }
        longest_ms = longest_ms.max(now() - slice_start);
    }
    let total_ms = now() - start;
    assert_eq!(count, 110_000);
    assert_eq!(index.len(), 10_000);
    console_log!(
        "IndexedDB start (wasm, headless Chromium): list searchable after {list_ms:.0} ms; all {count} records in memory after {total_ms:.0} ms, the visits in slices of 5,000 (longest slice {longest_ms:.0} ms, reading included) (writing them as 110 pulled pages took {write_ms:.0} ms)"
    );
    Storage::delete(name).await.unwrap();
}

/// What Today does on a salesperson's tablet with a big book: every customer's tier under the
/// active rules, the rule tasks and the playbook tasks (issue 4's bar: under 1 s in wasm).
/// The retention benches' book: 10,000 customers (created 30–730 days ago, a birthday each,
/// a third lunar) and 100,000 visits over the last 400 days, as records; and its "today".
fn retention_book() -> (Vec<String>, Records, chrono::NaiveDate) {
    use huitou_shared::merge::TrackedRecord;
    let (ids, mut changes) = customers(10_000);
    let mut dice = Dice(13);
    let mut n = 2_000_000u64;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    for (i, id) in ids.iter().enumerate() {
        let created = today - chrono::Days::new(30 + dice.next(700) as u64);
        n += 1;
        changes.push(Change::new(
            "customer",
            id,
            "created_at",
            json!(format!("{created}T10:00:00+08:00")),
            &stamp(n),
        ));
        n += 1;
        let birthday = json!({"calendar": if i % 3 == 0 { "lunar" } else { "solar" }, "year": 1980,
            "month": 1 + dice.next(12), "day": 1 + dice.next(28), "leap": false});
        changes.push(Change::new("customer", id, "birthday", birthday, &stamp(n)));
    }
    for _ in 0..100_000 {
        let id = new_id();
        let at = today - chrono::Days::new(dice.next(400) as u64);
        for (field, value) in [
            ("customer_id", json!(ids[dice.next(ids.len())])),
            ("at", json!(format!("{at}T19:00:00+08:00"))),
            ("amount", json!(dice.next(6000))),
        ] {
            n += 1;
            changes.push(Change::new("visit", &id, field, value, &stamp(n)));
        }
    }
    let mut by_key: std::collections::HashMap<(String, String), TrackedRecord> = Default::default();
    for change in &changes {
        by_key
            .entry((change.kind.clone(), change.id.clone()))
            .or_insert_with(|| TrackedRecord::new(&change.kind, &change.id))
            .apply(change);
    }
    let mut records = Records::default();
    for record in by_key.into_values() {
        records.put(record);
    }
    (ids, records, today)
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run with --include-ignored"]
async fn retention_tiers_and_tasks_for_10000_customers_and_100000_visits() {
    use huitou_app::org::Org;
    let (_, records, today) = retention_book();
    let mut runs = Vec::new();
    let mut planned = 0;
    for _ in 0..5 {
        let start = now();
        let org = Org::from_records(&records);
        planned = huitou_app::planner::planned_in(&records, &org, today).len();
        runs.push(now() - start);
    }
    runs.sort_by(f64::total_cmp);
    let mean = runs.iter().sum::<f64>() / runs.len() as f64;
    assert!(planned > 0);
    console_log!(
        "retention (wasm, headless Chromium): tiers + rule and playbook tasks for 10000 customers, 100000 visits: best {:.0} ms, mean {mean:.0} ms over 5 runs ({planned} tasks planned)",
        runs[0]
    );
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run with --include-ignored"]
async fn one_edit_on_a_10000_customer_book_re_derives_only_that_customer() {
    use huitou_app::derived::Derived;
    use huitou_app::org::Org;
    use huitou_app::pages::today::DueTasks;
    use huitou_app::replica::SearchCache;
    use huitou_shared::merge::TrackedRecord;
    use huitou_shared::retention::holidays::holidays_between;
    let (ids, mut records, today) = retention_book();
    let week = today + chrono::Days::new(7);
    let holidays = holidays_between(today, today + chrono::Days::new(30));
    let org = Org::from_records(&records);
    let mut derived = Derived::default();
    let mut search = SearchCache::default();
    let mut due = DueTasks::default();
    let start = now();
    derived.refresh(&records, &org, today);
    search.refresh(&records);
    let whole = now() - start;
    // The planner writes what it planned as task records, as on a tablet.
    let mut n = 9_000_000u64;
    let planned = huitou_app::planner::to_write(&records, derived.planned());
    put_tasks(&mut records, &planned, &mut n);
    due.refresh(&records, today, week);
    assert_eq!(
        derived.refresh(&records, &org, today),
        0,
        "tasks re-derive nobody"
    );
    search.refresh(&records);
    // One visit logged at a time, then everything Today and the search show, brought up to date.
    let mut dice = Dice(99);
    let mut runs = Vec::new();
    let mut parts = [0.0f64; 5];
    let mut planner_wrote = 0;
    for (done_id, _) in planned.iter().take(50) {
        let customer = &ids[dice.next(ids.len())];
        // And one of Today's tasks ticked done, so the task list changes every time.
        let mut done = records.get("task", done_id).expect("planned task").clone();
        let mut visit = TrackedRecord::new("visit", &new_id());
        stamp_fields(
            &mut n,
            &mut visit,
            vec![
                ("customer_id", json!(customer)),
                ("at", json!(format!("{today}T12:00:00+08:00"))),
                ("amount", json!(388)),
            ],
        );
        stamp_fields(&mut n, &mut done, [("status", json!("done"))]);
        let start = now();
        records.put(visit);
        records.put(done);
        let redone = derived.refresh(&records, &org, today);
        let t1 = now();
        // What the planner then writes (a follow-up for the visit, say), as on a tablet.
        let writes = huitou_app::planner::to_write(&records, derived.planned());
        planner_wrote += writes.len();
        let mut shown = writes.len();
        put_tasks(&mut records, &writes, &mut n);
        let t2 = now();
        shown += derived.celebrations().len() + derived.to_greet(&org, &holidays).len();
        let t3 = now();
        shown += due.refresh(&records, today, week).len();
        let t4 = now();
        search.refresh(&records);
        let found = search.index().search("", &Filter::default(), 100).len();
        let t5 = now();
        for (slot, d) in parts
            .iter_mut()
            .zip([t1 - start, t2 - t1, t3 - t2, t4 - t3, t5 - t4])
        {
            *slot += d / 50.0;
        }
        runs.push(now() - start);
        assert_eq!(redone, 1, "only the visited customer is derived again");
        assert!(shown > 0 && found == 100);
    }
    runs.sort_by(f64::total_cmp);
    let mean = runs.iter().sum::<f64>() / runs.len() as f64;
    console_log!(
        "parts (mean ms): refresh {:.1}, planner writes {:.1}, birthdays+greet {:.1}, due tasks {:.1}, search {:.1}",
        parts[0],
        parts[1],
        parts[2],
        parts[3],
        parts[4]
    );
    console_log!(
        "one edit (wasm, headless Chromium), 10000 customers, 100000 visits, {} planned tasks held: \
         a visit logged and a task ticked done ({planner_wrote} tasks planned by them), then tiers, planned tasks, birthdays, holiday greetings, Today's task list and the search index brought up to date: \
         median {:.1} ms, mean {mean:.1} ms, max {:.1} ms over {} edits (from scratch: {whole:.0} ms)",
        planned.len(),
        runs[runs.len() / 2],
        runs[runs.len() - 1],
        runs.len()
    );
}

/// Writes `fields` on `record`, each stamped after the last stamp handed out (`n`).
fn stamp_fields<'a>(
    n: &mut u64,
    record: &mut huitou_shared::merge::TrackedRecord,
    fields: impl IntoIterator<Item = (&'a str, serde_json::Value)>,
) {
    let (kind, id) = (record.kind.clone(), record.id.clone());
    for (field, value) in fields {
        *n += 1;
        record.apply(&Change::new(&kind, &id, field, value, &stamp(*n)));
    }
}

/// Puts what the planner would write as task records, as on a tablet.
fn put_tasks(
    records: &mut Records,
    writes: &[(String, Vec<(String, serde_json::Value)>)],
    n: &mut u64,
) {
    for (id, fields) in writes {
        let mut record = huitou_shared::merge::TrackedRecord::new("task", id);
        stamp_fields(
            n,
            &mut record,
            fields.iter().map(|(f, v)| (f.as_str(), v.clone())),
        );
        records.put(record);
    }
}

/// The replica grouped as the Insights screen groups it.
fn insights_book(r: &Records) -> huitou_shared::insights::Book<'_> {
    use huitou_shared::insights::{Book, KINDS};
    Book::new(
        KINDS.iter().flat_map(|kind| {
            r.of_kind(kind)
                .map(move |t| (*kind, t.id.as_str(), &t.record))
        }),
        480,
    )
}

/// Issue 12's bar: the Insights screen under 500 ms on this book (10,000 customers, 100,000
/// visits), over the last twelve months. The screen computes one section at a time, each from a
/// fresh grouping of the replica (`pages/insights.rs`); this times each section the same way.
#[wasm_bindgen_test]
#[ignore = "benchmark: run with --include-ignored"]
async fn insights_sections_for_10000_customers_and_100000_visits() {
    use huitou_shared::insights::{
        Query, churn, cohorts, lifetime, pareto, repeat, rfm, staff, tiers,
    };
    use huitou_shared::retention::RuleSet;
    let (_, records, today) = retention_book();
    let query = Query::months_to(today, 12);
    let rules = RuleSet::restaurant_default();
    let best = |run: &dyn Fn()| {
        (0..3)
            .map(|_| {
                let start = now();
                run();
                now() - start
            })
            .fold(f64::MAX, f64::min)
    };
    let grouping = best(&|| {
        std::hint::black_box(insights_book(&records).entries.len());
    });
    let returning = best(&|| {
        let b = insights_book(&records);
        std::hint::black_box((
            repeat::report(&b, &query, today),
            cohorts::report(&b, &query, today),
            cohorts::members(&b, &query, today),
        ));
    });
    let tiering = best(&|| {
        let b = insights_book(&records);
        std::hint::black_box((
            tiers::report(&b, &rules, &query, today),
            churn::report(&b, &rules, &query, today),
        ));
    });
    let value = best(&|| {
        let b = insights_book(&records);
        std::hint::black_box((
            lifetime::report(&b, &query, today),
            pareto::report(&b, &query),
            rfm::report(&b, &query, today),
        ));
    });
    let staffing = best(&|| {
        let b = insights_book(&records);
        std::hint::black_box(staff::report(&b, &query, today));
    });
    console_log!(
        "insights (wasm, headless Chromium), 10000 customers, 100000 visits, twelve months, best of 3: grouping the book {grouping:.0} ms; sections with their grouping: repeat rate + cohorts {returning:.0} ms, tiers + churn {tiering:.0} ms, lifetime + Pareto + RFM {value:.0} ms, staff {staffing:.0} ms"
    );
}
