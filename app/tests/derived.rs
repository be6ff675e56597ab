//! The views derived from the replica — tiers, planned tasks, birthdays, holiday greetings
//! (`derived::Derived`), Today's task list (`DueTasks`) and the customer search (`SearchCache`)
//! — kept up to date one changed customer at a time, always equal to the same views made from
//! scratch, through a random run of edits: visits logged, customers renamed, deleted and
//! restored, tasks ticked, a family member's birthday, anniversaries set and cleared (and first
//! visits a year ago), a visit moved to another customer.

#![cfg(target_arch = "wasm32")]

use chrono::{Days, NaiveDate};
use huitou_app::derived::{Derived, Occasion};
use huitou_app::org::Org;
use huitou_app::pages::today::DueTasks;
use huitou_app::replica::{Records, SearchCache};
use huitou_shared::customer::Filter;
use huitou_shared::merge::{Change, TrackedRecord};
use huitou_shared::model::new_id;
use huitou_shared::retention::holidays::holidays_between;
use serde_json::{Value, json};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::Dice;

struct Book {
    records: Records,
    n: u64,
}

impl Book {
    /// Writes `fields` on record `(kind, id)` with stamps after every earlier one.
    fn write(&mut self, kind: &str, id: &str, fields: &[(&str, Value)]) {
        let mut record = self
            .records
            .get(kind, id)
            .cloned()
            .unwrap_or_else(|| TrackedRecord::new(kind, id));
        for (field, value) in fields {
            self.n += 1;
            let hlc = format!("{:015}:00000:testdevice", 1_770_000_000_000 + self.n);
            record.apply(&Change::new(kind, id, field, value.clone(), &hlc));
        }
        self.records.put(record);
    }
}

/// What each view shows, in a form that compares.
fn views(
    derived: &Derived,
    due: &[std::sync::Arc<huitou_app::pages::today::DueTask>],
    search: &SearchCache,
    org: &Org,
    today: NaiveDate,
) -> Value {
    let holidays = holidays_between(today, today + Days::new(30));
    let mut planned: Vec<String> = derived
        .planned()
        .map(|(task, owner)| format!("{} {} {:?}", task.id, task.due, owner))
        .collect();
    planned.sort();
    let mut tiers: Vec<String> = derived
        .customers()
        .map(|(id, facts)| {
            format!(
                "{id} {} {:?} dormant={}",
                facts.name, facts.tier, facts.dormant
            )
        })
        .collect();
    tiers.sort();
    json!({
        "tiers": tiers,
        "planned": planned,
        "birthdays": format!("{:?}", derived.celebrations()),
        "greet": format!("{:?}", derived.to_greet(org, &holidays)),
        "due": due.iter().map(|d| format!("{} {} {} {:?}", d.task.id, d.due, d.name, d.phone)).collect::<Vec<_>>(),
        "all": search.index().search("", &Filter::default(), 1000),
        "wang": search.index().search("王", &Filter::default(), 1000),
        "vip": search.index().search("", &Filter { tag: Some("VIP".into()), ..Filter::default() }, 1000),
    })
}

#[wasm_bindgen_test]
fn incremental_views_equal_views_from_scratch_after_every_edit() {
    let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let week = today + Days::new(7);
    let mut book = Book {
        records: Records::default(),
        n: 0,
    };
    let mut dice = Dice(5);
    let names = ["王芳", "李雷", "张伟", "王小明", "陈静", "刘洋"];
    let mut customers = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let id = new_id();
        book.write(
            "customer",
            &id,
            &[
                ("name", json!(name)),
                ("phone", json!(format!("1380000000{i}"))),
                ("created_at", json!("2025-06-01T10:00:00+08:00")),
                (
                    "birthday",
                    json!({"calendar": "solar", "year": 1980, "month": 3, "day": 11 + i, "leap": false}),
                ),
                ("tag:VIP", json!(i % 2 == 0)),
            ],
        );
        customers.push(id);
    }
    let mut visits: Vec<String> = Vec::new();
    let (mut derived, mut due, mut search) = (
        Derived::default(),
        DueTasks::default(),
        SearchCache::default(),
    );
    for step in 0..120 {
        let customer = customers[dice.next(customers.len())].clone();
        match dice.next(9) {
            // A visit logged (some long ago, some this week).
            0 | 1 => {
                let id = new_id();
                let at = today - Days::new(dice.next(200) as u64);
                book.write(
                    "visit",
                    &id,
                    &[
                        ("customer_id", json!(customer)),
                        ("at", json!(format!("{at}T19:00:00+08:00"))),
                        ("amount", json!(100 + dice.next(5000))),
                    ],
                );
                visits.push(id);
            }
            // A customer renamed (the search and Today's task list show the new name).
            2 => {
                let name = format!("{}{step}", names[dice.next(names.len())]);
                book.write("customer", &customer, &[("name", json!(name))]);
            }
            // A customer to the trash, or back.
            3 => {
                let deleted = book
                    .records
                    .get("customer", &customer)
                    .is_some_and(|c| c.record.is_deleted());
                book.write("customer", &customer, &[("deleted", json!(!deleted))]);
            }
            // A task planned by the rules written (as the planner does), or one ticked done.
            4 => {
                let org = Org::from_records(&book.records);
                let writes = huitou_app::planner::to_write(
                    &book.records,
                    &huitou_app::planner::planned_in(&book.records, &org, today),
                );
                let open_task = book.records.of_kind("task").next().map(|t| t.id.clone());
                if let Some((id, fields)) = writes.into_iter().next() {
                    let fields: Vec<(&str, Value)> = fields
                        .iter()
                        .map(|(f, v)| (f.as_str(), v.clone()))
                        .collect();
                    book.write("task", &id, &fields);
                } else if let Some(id) = open_task {
                    book.write("task", &id, &[("status", json!("done"))]);
                }
            }
            // A family member with a birthday this week.
            5 => {
                book.write(
                    "family",
                    &new_id(),
                    &[
                        ("customer_id", json!(customer)),
                        ("name", json!("女儿")),
                        (
                            "birthday",
                            json!({"calendar": "solar", "year": 2015, "month": 3, "day": 12, "leap": false}),
                        ),
                    ],
                );
            }
            // A visit gone from the device (its customer revoked, or it was moved away).
            6 => {
                if !visits.is_empty() {
                    let visit = visits.swap_remove(dice.next(visits.len()));
                    book.records.remove("visit", &visit);
                }
            }
            // A wedding or founding anniversary this week (solar or lunar), or one cleared; or a
            // visit a year ago (its first-visit anniversary falls this week).
            8 => {
                let day = 10 + dice.next(8);
                match dice.next(4) {
                    0 => book.write(
                        "customer",
                        &customer,
                        &[(
                            "anniversary:wedding",
                            json!({"calendar": "solar", "year": 2000 + dice.next(20), "month": 3, "day": day, "leap": false}),
                        )],
                    ),
                    // 2026-03-10 is the lunar 正月廿二.
                    1 => book.write(
                        "customer",
                        &customer,
                        &[(
                            "anniversary:founding",
                            json!({"calendar": "lunar", "year": null, "month": 1, "day": 12 + day, "leap": false}),
                        )],
                    ),
                    2 => book.write("customer", &customer, &[("anniversary:wedding", Value::Null)]),
                    _ => {
                        let id = new_id();
                        let at = today - Days::new(366 - dice.next(8) as u64);
                        book.write(
                            "visit",
                            &id,
                            &[
                                ("customer_id", json!(customer)),
                                ("at", json!(format!("{at}T19:00:00+08:00"))),
                                ("amount", json!(100)),
                            ],
                        );
                        visits.push(id);
                    }
                }
            }
            // A visit moved to another customer (both change).
            _ => {
                if !visits.is_empty() {
                    let visit = visits[dice.next(visits.len())].clone();
                    book.write("visit", &visit, &[("customer_id", json!(customer))]);
                }
            }
        }
        let org = Org::from_records(&book.records);
        derived.refresh(&book.records, &org, today);
        let listed = due.refresh(&book.records, today, week);
        search.refresh(&book.records);
        let kept = views(&derived, &listed, &search, &org, today);

        let mut fresh = Derived::default();
        fresh.refresh(&book.records, &org, today);
        let fresh_due = DueTasks::default().refresh(&book.records, today, week);
        let mut fresh_search = SearchCache::default();
        fresh_search.refresh(&book.records);
        let scratch = views(&fresh, &fresh_due, &fresh_search, &org, today);
        assert_eq!(kept, scratch, "after step {step}");
        // The recency kept as visits come and go equals the one read from every visit.
        for customer in book.records.of_kind("customer") {
            let read = book
                .records
                .children_of("visit", &customer.id)
                .filter_map(|visit| visit.record.last_hlc())
                .chain(customer.record.last_hlc())
                .max()
                .unwrap_or("");
            assert_eq!(
                book.records.recency(&customer.id, customer),
                read,
                "after step {step}"
            );
        }
    }
    // The run went through anniversaries of each kind.
    let kinds: std::collections::BTreeSet<_> = derived
        .celebrations()
        .into_iter()
        .filter_map(|upcoming| match upcoming.celebration.occasion {
            Occasion::Anniversary(kind, _) => Some(kind),
            Occasion::Birthday => None,
        })
        .collect();
    assert_eq!(kinds.len(), 3, "anniversaries this week: {kinds:?}");
    // One more visit re-derives that customer only.
    let org = Org::from_records(&book.records);
    let customer = customers
        .iter()
        .find(|id| {
            book.records
                .get("customer", id)
                .is_some_and(|c| !c.record.is_deleted())
        })
        .expect("a customer not in the trash")
        .clone();
    book.write(
        "visit",
        &new_id(),
        &[
            ("customer_id", json!(customer)),
            ("at", json!(format!("{today}T12:00:00+08:00"))),
        ],
    );
    assert_eq!(derived.refresh(&book.records, &org, today), 1);
    assert_eq!(derived.refresh(&book.records, &org, today), 0);
    // A book replaced whole (another user signed in) is derived from scratch.
    let mut other = Book {
        records: Records::default(),
        n: book.n,
    };
    other.write("customer", &new_id(), &[("name", json!("赵六"))]);
    derived.refresh(&other.records, &org, today);
    assert_eq!(derived.customers().count(), 1);
}

#[wasm_bindgen_test]
fn a_task_ticked_on_another_device_with_an_older_stamp_leaves_todays_list() {
    // The laptop moved the task's due date at 10:05; the phone, before it pulled that, ticked
    // the task done at 10:03. When the laptop pulls the tick, the task's latest stamp is still
    // its own 10:05: the list must notice the task changed all the same.
    let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let week = today + Days::new(7);
    let mut records = Records::default();
    let (customer_id, task_id) = (new_id(), new_id());
    let stamp = |minute: u64| {
        format!(
            "{:015}:00000:testdevice",
            1_770_000_000_000 + minute * 60_000
        )
    };
    let mut customer = TrackedRecord::new("customer", &customer_id);
    customer.apply(&Change::new(
        "customer",
        &customer_id,
        "name",
        json!("王芳"),
        &stamp(0),
    ));
    records.put(customer);
    let mut task = TrackedRecord::new("task", &task_id);
    for (field, value, minute) in [
        ("customer_id", json!(customer_id), 1),
        ("due", json!("2026-03-09"), 1),
        ("kind", json!("call"), 1),
        ("due", json!("2026-03-11"), 5),
    ] {
        task.apply(&Change::new("task", &task_id, field, value, &stamp(minute)));
    }
    records.put(task.clone());
    let mut due = DueTasks::default();
    assert_eq!(
        due.refresh(&records, today, week).len(),
        1,
        "the task is due this week"
    );
    task.apply(&Change::new(
        "task",
        &task_id,
        "status",
        json!("done"),
        &stamp(3),
    ));
    assert_eq!(
        task.record.last_hlc(),
        Some(stamp(5).as_str()),
        "latest stamp unchanged"
    );
    records.put(task);
    assert!(
        due.refresh(&records, today, week).is_empty(),
        "the task ticked done on the phone is no longer listed"
    );
}
