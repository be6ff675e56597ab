//! Customer search: what matches, the order, filters, the trash, and a completeness property.

use huitou_shared::customer::search::{CustomerIndex, Filter, Update};
use huitou_shared::{Change, Record};
use proptest::prelude::*;
use serde_json::{Value, json};

fn customer(fields: &[(&str, Value)]) -> Record {
    let mut record = Record::default();
    for (position, (field, value)) in fields.iter().enumerate() {
        let hlc = format!(
            "{:015}:00000:deviceAA",
            1_764_072_000_000u64 + position as u64
        );
        record.apply(&Change::new("customer", "c", field, value.clone(), &hlc));
    }
    record
}

#[derive(Debug)]
struct Book {
    records: Vec<(String, Record, String)>,
}

impl Book {
    fn index(&self) -> CustomerIndex {
        CustomerIndex::build(
            self.records
                .iter()
                .map(|(id, record, recency)| (id.as_str(), record, recency.as_str())),
        )
    }
}

fn sample_book() -> Book {
    let rows = [
        (
            "wang",
            "2026-03-01",
            vec![
                ("name", json!("王小明")),
                ("phone", json!("+86 138-0013-8000")),
                ("company", json!("Huitou 餐饮")),
                ("tag:重点客户", json!(true)),
                ("stage", json!("loyal")),
                ("owner", json!("u1")),
                ("tier", json!("A")),
            ],
        ),
        (
            "li",
            "2026-03-05",
            vec![
                ("name", json!("李娜")),
                ("phone", json!("13900139000")),
                ("tag:好友", json!(true)),
                ("stage", json!("prospect")),
                ("owner", json!("u2")),
            ],
        ),
        (
            "wu",
            "2026-03-01",
            vec![
                ("name", json!("吴晓梅")),
                ("company", json!("西湖酒店")),
                ("tag:重点客户", json!(true)),
                ("owner", json!("u1")),
            ],
        ),
        (
            "gone",
            "2026-03-09",
            vec![("name", json!("王小明")), ("deleted", json!(true))],
        ),
    ];
    Book {
        records: rows
            .into_iter()
            .map(|(id, recency, fields)| (id.to_owned(), customer(&fields), recency.to_owned()))
            .collect(),
    }
}

fn ids(found: &[String]) -> Vec<&str> {
    found.iter().map(String::as_str).collect()
}

#[test]
fn empty_query_lists_everyone_most_recent_first_ties_by_name() {
    let index = sample_book().index();
    assert_eq!(index.len(), 3);
    // 吴 sorts before 王 by code point, and both were last seen on 2026-03-01.
    assert_eq!(
        ids(&index.search("", &Filter::default(), 10)),
        ["li", "wu", "wang"]
    );
    assert_eq!(ids(&index.search("  ", &Filter::default(), 1)), ["li"]);
}

#[test]
fn matches_name_initials_phone_company_and_tags() {
    let index = sample_book().index();
    let search = |query: &str| index.search(query, &Filter::default(), 10);
    assert_eq!(ids(&search("小明")), ["wang"]);
    // 吴晓梅 is wxm too.
    assert_eq!(ids(&search("wxm")), ["wu", "wang"]);
    assert_eq!(ids(&search("ln")), ["li"]);
    assert_eq!(ids(&search("XM")), ["wu", "wang"]);
    assert_eq!(ids(&search("w")), ["wu", "wang"]);
    assert_eq!(ids(&search("138")), ["wang"]);
    assert_eq!(ids(&search("0013-8000")), ["wang"]);
    assert_eq!(ids(&search("139")), ["li"]);
    assert_eq!(ids(&search("huitou")), ["wang"]);
    assert_eq!(ids(&search("酒店")), ["wu"]);
    assert_eq!(ids(&search("重点")), ["wu", "wang"]);
    assert_eq!(ids(&search("好友")), ["li"]);
    // Every term must match.
    assert_eq!(ids(&search("重点 huitou")), ["wang"]);
    assert!(search("张").is_empty());
}

#[test]
fn fewer_than_three_digits_do_not_search_phones() {
    let index = sample_book().index();
    assert!(index.search("13", &Filter::default(), 10).is_empty());
}

#[test]
fn filters_narrow_by_tag_stage_owner_and_tier() {
    let index = sample_book().index();
    let filter =
        |tag: Option<&str>, stage: Option<&str>, owner: Option<&str>, tier: Option<&str>| Filter {
            tag: tag.map(str::to_owned),
            stage: stage.map(str::to_owned),
            owner: owner.map(str::to_owned),
            tier: tier.map(str::to_owned),
        };
    assert_eq!(
        ids(&index.search("", &filter(Some("重点客户"), None, None, None), 10)),
        ["wu", "wang"]
    );
    assert_eq!(
        ids(&index.search("", &filter(None, Some("prospect"), None, None), 10)),
        ["li"]
    );
    assert_eq!(
        ids(&index.search("w", &filter(None, None, Some("u1"), Some("A")), 10)),
        ["wang"]
    );
    assert!(
        index
            .search("", &filter(Some("vip"), None, None, None), 10)
            .is_empty()
    );
}

#[test]
fn trash_is_excluded_and_upsert_keeps_the_order() {
    let mut index = sample_book().index();
    assert_eq!(
        ids(&index.search("王小明", &Filter::default(), 10)),
        ["wang"]
    );
    let visited = customer(&[("name", json!("吴晓梅"))]);
    index.upsert("wu", &visited, "2026-04-01");
    assert_eq!(
        ids(&index.search("", &Filter::default(), 10)),
        ["wu", "li", "wang"]
    );
    let trashed = customer(&[("name", json!("李娜")), ("deleted", json!(true))]);
    index.upsert("li", &trashed, "2026-04-02");
    assert_eq!(
        ids(&index.search("", &Filter::default(), 10)),
        ["wu", "wang"]
    );
    index.remove("wu");
    assert_eq!(index.len(), 1);
}

fn any_book() -> impl Strategy<Value = Book> {
    prop::collection::vec(("[王李张小明娜华 a-c]{1,4}", "[0-9]{2}"), 0..40).prop_map(|rows| Book {
        records: rows
            .into_iter()
            .enumerate()
            .map(|(position, (name, recency))| {
                (
                    format!("c{position}"),
                    customer(&[("name", json!(name))]),
                    recency,
                )
            })
            .collect(),
    })
}

proptest! {
    #[test]
    fn everyone_whose_name_contains_the_query_is_found(
        book in any_book(),
        query in "[王李张小明娜华a-c]{1,2}",
    ) {
        let index = book.index();
        let found = index.search(&query, &Filter::default(), usize::MAX);
        for (id, record, _) in &book.records {
            let name = record.text("name").unwrap_or_default();
            if name.to_lowercase().contains(&query) {
                prop_assert!(found.contains(id), "{name} not found by {query}");
            }
        }
        // Results are in recency order.
        let recency = |id: &String| book.records.iter().find(|(own, _, _)| own == id).map(|(_, _, r)| r.clone());
        let keys: Vec<_> = found.iter().map(recency).collect();
        prop_assert!(keys.windows(2).all(|pair| pair[0] >= pair[1]));
    }
}

proptest! {
    /// Updating an index with a batch of changed customers (renamed, re-dated, to the trash,
    /// forgotten, new) gives the index built from scratch over the result.
    #[test]
    fn a_batch_update_equals_a_fresh_build(
        start in proptest::collection::vec((0usize..40, 0usize..6, 0u32..30), 0..40),
        changes in proptest::collection::vec((0usize..50, 0usize..9, 0u32..30), 0..30),
    ) {
        const NAMES: [&str; 6] = ["王芳", "王小明", "李雷", "Lily", "陈静", "王芳"];
        let make = |name: usize, day: u32| -> (Record, String) {
            let deleted = name >= NAMES.len();
            let mut fields = vec![("name", json!(NAMES[name % NAMES.len()]))];
            if deleted {
                fields.push(("deleted", json!(true)));
            }
            (customer(&fields), format!("2026-01-{:02}", day % 28 + 1))
        };
        let mut book: std::collections::BTreeMap<String, (Record, String)> = Default::default();
        for (id, name, day) in start {
            book.insert(format!("c{id}"), make(name, day));
        }
        let build = |book: &std::collections::BTreeMap<String, (Record, String)>| {
            CustomerIndex::build(book.iter().map(|(id, (r, recency))| (id.as_str(), r, recency.as_str())))
        };
        let mut index = build(&book);
        // (after, whether the record itself changed): None is forgotten.
        let mut changed: std::collections::BTreeMap<String, (Option<(Record, String)>, bool)> = Default::default();
        for (id, name, day) in changes {
            let id = format!("c{id}");
            // Name 7: the customer is forgotten (revoked, or gone from the device). Name 8 (for
            // a customer held): only a visit arrived — the record stays, the recency moves.
            let held = book.get(&id).cloned();
            let (after, record_changed) = match (name, held) {
                (7, _) => (None, true),
                (8, Some((record, _))) => {
                    (Some((record, format!("2026-02-{:02}", day % 28 + 1))), false)
                }
                _ => (Some(make(name % 7, day)), true),
            };
            match &after {
                Some(customer) => book.insert(id.clone(), customer.clone()),
                None => book.remove(&id),
            };
            let record_changed = record_changed || changed.get(&id).is_some_and(|(_, c)| *c);
            changed.insert(id, (after, record_changed));
        }
        index.update_with(changed.iter().map(|(id, (after, record_changed))| {
            let update = match after {
                None => Update::Gone,
                Some((r, d)) if *record_changed => Update::Record(r, d.as_str()),
                Some((r, d)) => Update::Recency(r, d.as_str()),
            };
            (id.as_str(), update)
        }));
        let all = Filter::default();
        for query in ["", "王", "wf", "lily", "陈"] {
            prop_assert_eq!(index.search(query, &all, 100), build(&book).search(query, &all, 100));
        }
        prop_assert_eq!(index.len(), build(&book).len());
    }
}
