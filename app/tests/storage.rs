//! `storage.rs` on real IndexedDB in headless Chromium (wasm-bindgen-test).
//! Run: `cargo test -p huitou-app --target wasm32-unknown-unknown`.

#![cfg(target_arch = "wasm32")]

use huitou_app::storage::Storage;
use huitou_shared::api::{RecordRef, RejectCode, Rejection};
use huitou_shared::merge::Change;
use huitou_shared::model::new_id;
use huitou_shared::{Clock, DeviceId, Hlc, State};
use rexie::{ObjectStore, Rexie, TransactionMode};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn hlc(millis: u64, device: &str) -> String {
    format!("{millis:015}:00000:{device}")
}

async fn fresh(name: &str) -> Storage {
    Storage::delete(name).await.expect("delete old database");
    Storage::open(name).await.expect("open database")
}

#[wasm_bindgen_test]
async fn a_local_edit_and_its_outbox_survive_a_reload() {
    let name = "test-outbox-reload";
    let storage = fresh(name).await;
    let id = new_id();
    let changes = vec![
        Change::new(
            "customer",
            &id,
            "name",
            json!("王小明"),
            &hlc(1_000, "deviceAA"),
        ),
        Change::new(
            "customer",
            &id,
            "phone",
            json!("13800138000"),
            &hlc(1_001, "deviceAA"),
        ),
    ];
    storage.write_local(&changes).await.unwrap();
    storage.close();

    let reopened = Storage::open(name).await.unwrap();
    let outbox = reopened.outbox().await.unwrap();
    assert_eq!(outbox.len(), 2);
    assert_eq!(outbox[0].change.field, "name", "outbox keeps edit order");
    let record = reopened.record("customer", &id).await.unwrap().unwrap();
    assert_eq!(record.record.text("phone"), Some("13800138000"));
}

#[wasm_bindgen_test]
async fn a_pulled_page_and_its_cursor_land_together() {
    let storage = fresh("test-page").await;
    let id = new_id();
    let page = vec![
        Change::new(
            "customer",
            &id,
            "name",
            json!("李华"),
            &hlc(2_000, "deviceBB"),
        ),
        Change::new(
            "visit",
            &new_id(),
            "customer_id",
            json!(id),
            &hlc(2_001, "deviceBB"),
        ),
    ];
    storage.apply_page(&page, &[], "s2").await.unwrap();
    assert_eq!(storage.cursor().await.unwrap().as_deref(), Some("s2"));
    assert_eq!(storage.load_kind("customer").await.unwrap().len(), 1);
    assert_eq!(storage.load_kind("visit").await.unwrap().len(), 1);
    assert_eq!(storage.load_records().await.unwrap().len(), 2);
}

/// A page that fails half-way leaves neither its records nor its cursor behind.
#[wasm_bindgen_test]
async fn a_failing_page_applies_nothing() {
    let name = "test-page-atomic";
    let storage = fresh(name).await;
    storage.apply_page(&[], &[], "s1").await.unwrap();
    storage.close();
    // Corrupt one stored record behind the module's back, so merging into it fails mid-page.
    let broken = new_id();
    let raw = Rexie::builder(name)
        .version(1)
        .add_object_store(ObjectStore::new("records"))
        .add_object_store(ObjectStore::new("outbox"))
        .add_object_store(ObjectStore::new("meta"))
        .build()
        .await
        .unwrap();
    let tx = raw
        .transaction(&["records"], TransactionMode::ReadWrite)
        .unwrap();
    tx.store("records")
        .unwrap()
        .put(
            &"not json".into(),
            Some(&format!("customer/{broken}").into()),
        )
        .await
        .unwrap();
    tx.done().await.unwrap();
    raw.close();

    let storage = Storage::open(name).await.unwrap();
    let fine = new_id();
    let page = vec![
        Change::new(
            "customer",
            &fine,
            "name",
            json!("先写入"),
            &hlc(3_000, "deviceBB"),
        ),
        Change::new(
            "customer",
            &broken,
            "name",
            json!("坏记录"),
            &hlc(3_001, "deviceBB"),
        ),
    ];
    assert!(storage.apply_page(&page, &[], "s9").await.is_err());
    assert_eq!(
        storage.cursor().await.unwrap().as_deref(),
        Some("s1"),
        "cursor must not move"
    );
    assert!(
        storage.record("customer", &fine).await.unwrap().is_none(),
        "no half page"
    );
}

#[wasm_bindgen_test]
async fn a_pulled_older_change_never_overwrites_a_newer_local_edit() {
    let storage = fresh("test-local-wins").await;
    let id = new_id();
    let mine = Change::new(
        "customer",
        &id,
        "phone",
        json!("139"),
        &hlc(5_000, "deviceAA"),
    );
    storage
        .write_local(std::slice::from_ref(&mine))
        .await
        .unwrap();
    let theirs = Change::new(
        "customer",
        &id,
        "phone",
        json!("138"),
        &hlc(4_000, "deviceBB"),
    );
    storage.apply_page(&[theirs], &[], "s3").await.unwrap();
    let record = storage.record("customer", &id).await.unwrap().unwrap();
    assert_eq!(record.record.text("phone"), Some("139"));
    assert_eq!(
        record.overwritten.len(),
        1,
        "the losing value stays visible"
    );
    assert_eq!(record.overwritten[0].state.value, json!("138"));
}

#[wasm_bindgen_test]
async fn settle_removes_accepted_and_keeps_refused_with_reason() {
    let storage = fresh("test-settle").await;
    let id = new_id();
    let ok = Change::new(
        "customer",
        &id,
        "name",
        json!("张三"),
        &hlc(6_000, "deviceAA"),
    );
    let bad = Change::new(
        "visit",
        &new_id(),
        "amount",
        json!(-1),
        &hlc(6_001, "deviceAA"),
    );
    storage
        .write_local(&[ok.clone(), bad.clone()])
        .await
        .unwrap();
    let refusal = Rejection {
        op: bad.op.clone(),
        code: RejectCode::Invalid,
        message: "visit.amount: must be a number ≥ 0".into(),
    };
    storage
        .settle(std::slice::from_ref(&ok.op), std::slice::from_ref(&refusal))
        .await
        .unwrap();
    let outbox = storage.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].rejection.as_ref(), Some(&refusal));
}

#[wasm_bindgen_test]
async fn revoked_records_are_deleted_with_the_page() {
    let storage = fresh("test-revoke").await;
    let id = new_id();
    storage
        .apply_page(
            &[Change::new(
                "customer",
                &id,
                "name",
                json!("赵六"),
                &hlc(7_000, "deviceBB"),
            )],
            &[],
            "s1",
        )
        .await
        .unwrap();
    let gone = RecordRef {
        kind: "customer".into(),
        id: id.clone(),
    };
    storage.apply_page(&[], &[gone], "s2").await.unwrap();
    assert!(storage.record("customer", &id).await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn restamp_replaces_refused_stamps_in_outbox_and_record() {
    let storage = fresh("test-restamp").await;
    let id = new_id();
    let ahead = Change::new(
        "customer",
        &id,
        "name",
        json!("钱七"),
        &hlc(99_000_000, "deviceAA"),
    );
    storage
        .write_local(std::slice::from_ref(&ahead))
        .await
        .unwrap();
    let fixed = Hlc::parse(&hlc(8_000, "deviceAA")).unwrap();
    storage
        .restamp(std::slice::from_ref(&ahead), |floor| {
            assert!(
                floor.is_none(),
                "nothing else was ever written to the field"
            );
            fixed.clone()
        })
        .await
        .unwrap();
    let outbox = storage.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].change.hlc, fixed.to_string());
    assert_ne!(outbox[0].change.op, ahead.op, "a new op");
    let record = storage.record("customer", &id).await.unwrap().unwrap();
    assert_eq!(record.record.fields["name"].hlc, fixed.to_string());
    assert!(
        record.overwritten.is_empty(),
        "the refused write is forgotten"
    );
}

/// Issue 8, hole 1: an accepted edit, then a second edit of the same field refused as
/// `clock_ahead`. The re-stamped second edit must be stamped above the accepted first one,
/// or the server and every other device keep the first value while this one shows the second.
#[wasm_bindgen_test]
async fn a_restamped_edit_stays_above_the_accepted_one_of_the_same_field() {
    let storage = fresh("test-restamp-floor").await;
    let id = new_id();
    let mut clock = Clock::new(DeviceId::parse("deviceAA").unwrap());
    // Wall clock 4 minutes ahead of the server (within the 5 allowed): the first edit is accepted.
    let server_now = 1_764_072_000_000u64;
    let first = Change::new(
        "customer",
        &id,
        "phone",
        json!("13800000001"),
        &clock.tick(server_now + 240_000).to_string(),
    );
    storage
        .write_local(std::slice::from_ref(&first))
        .await
        .unwrap();
    storage
        .settle(std::slice::from_ref(&first.op), &[])
        .await
        .unwrap();
    // The wall clock jumps further ahead; the second edit is refused as clock_ahead.
    let second = Change::new(
        "customer",
        &id,
        "phone",
        json!("13800000002"),
        &clock.tick(server_now + 600_000).to_string(),
    );
    storage
        .write_local(std::slice::from_ref(&second))
        .await
        .unwrap();
    // The device learns the server time and re-stamps as the sync loop does.
    let wall = server_now + 600_100;
    clock.set_server_time(server_now + 100, wall);
    clock.rewind_to_wall(wall);
    storage
        .restamp(std::slice::from_ref(&second), |floor| {
            clock.restamp(wall, floor)
        })
        .await
        .unwrap();
    let outbox = storage.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);
    let restamped = outbox[0].change.clone();
    assert!(
        restamped.hlc > first.hlc,
        "{} must follow the accepted {}",
        restamped.hlc,
        first.hlc
    );
    // The server and a second device fold what was accepted; all three agree on the second value.
    let server = State::fold([&first, &restamped]);
    let other_device = State::fold([&restamped, &first]);
    let record = storage.record("customer", &id).await.unwrap().unwrap();
    for (who, value) in [
        ("server", server.value("customer", &id, "phone")),
        (
            "second device",
            other_device.value("customer", &id, "phone"),
        ),
        ("this device", record.record.value("phone")),
    ] {
        assert_eq!(value, Some(&json!("13800000002")), "{who}");
    }
}

/// Pages read what is stored either by one range (dense keys, as a first sync brings them) or
/// key by key (sparse edits over an old book); both must merge into every stored record.
#[wasm_bindgen_test]
async fn pages_merge_into_stored_records_whether_their_keys_are_dense_or_sparse() {
    let storage = fresh("test-dense-sparse").await;
    let mut ids: Vec<String> = (0..200).map(|_| new_id()).collect();
    ids.sort();
    let customer = new_id();
    let mut n = 0u64;
    let mut stamp = || {
        n += 1;
        hlc(10_000 + n, "deviceAA")
    };
    // Page 1: 200 new visits, one field each (dense: the range read finds nothing yet).
    let first: Vec<Change> = ids
        .iter()
        .map(|id| Change::new("visit", id, "amount", json!(100), &stamp()))
        .collect();
    storage.apply_page(&first, &[], "s1").await.unwrap();
    // Page 2: a second field on all of them, plus a customer (dense range read).
    let mut second: Vec<Change> = ids
        .iter()
        .map(|id| Change::new("visit", id, "customer_id", json!(customer), &stamp()))
        .collect();
    second.push(Change::new(
        "customer",
        &customer,
        "name",
        json!("王芳"),
        &stamp(),
    ));
    storage.apply_page(&second, &[], "s2").await.unwrap();
    // Page 3: every third visit gets a note: 67 keys over a range holding 200 (read key by key).
    let third: Vec<Change> = ids
        .iter()
        .step_by(3)
        .map(|id| Change::new("visit", id, "note", json!("靠窗"), &stamp()))
        .collect();
    let touched = storage.apply_page(&third, &[], "s3").await.unwrap();
    assert_eq!(touched.len(), 67);
    assert!(
        touched
            .iter()
            .all(|r| r.record.text("customer_id") == Some(customer.as_str()))
    );

    for (i, id) in ids.iter().enumerate() {
        let record = storage.record("visit", id).await.unwrap().unwrap();
        assert_eq!(record.record.value("amount"), Some(&json!(100)), "{i}");
        assert_eq!(
            record.record.text("customer_id"),
            Some(customer.as_str()),
            "{i}"
        );
        assert_eq!(record.record.text("note").is_some(), i % 3 == 0, "{i}");
    }
    // At start the app reads all but visits first, then the visits.
    let first_read = storage.load_all_but_visits().await.unwrap();
    assert_eq!(first_read.len(), 1);
    assert_eq!(first_read[0].kind, "customer");
    assert_eq!(storage.load_kind("visit").await.unwrap().len(), 200);
}

/// The app start reads visits in slices: every visit exactly once, none of another kind,
/// whatever the slice size, with ids that sort next to the `visit/` key prefix.
#[wasm_bindgen_test]
async fn visits_come_in_slices_each_once_and_nothing_else() {
    let storage = fresh("test-visit-slices").await;
    let mut page = Vec::new();
    let mut ids: Vec<String> = (0..23).map(|_| new_id()).collect();
    for (n, id) in ids.iter().enumerate() {
        page.push(Change::new(
            "visit",
            id,
            "amount",
            json!(n),
            &hlc(3_000 + n as u64, "deviceCC"),
        ));
    }
    // Neighbours on both sides of the key range: a task ("task/…") and a "visitor" kind.
    page.push(Change::new(
        "task",
        &new_id(),
        "title",
        json!("x"),
        &hlc(3_100, "deviceCC"),
    ));
    page.push(Change::new(
        "visitor",
        &new_id(),
        "x",
        json!(1),
        &hlc(3_101, "deviceCC"),
    ));
    storage.apply_page(&page, &[], "s3").await.unwrap();
    ids.sort();
    for slice in [1, 5, 23, 100] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let visits = storage
                .load_visits_after(after.as_deref(), slice)
                .await
                .unwrap();
            assert!(visits.len() <= slice as usize);
            let Some(last) = visits.last() else { break };
            after = Some(last.id.clone());
            assert!(visits.iter().all(|v| v.kind == "visit"));
            seen.extend(visits.into_iter().map(|v| v.id));
        }
        assert_eq!(seen, ids, "slices of {slice}");
    }
}

/// A pool claim is a request: it waits in the outbox but never enters the device's records, so
/// when the server refuses it (someone else was first) the device holds only the server's
/// winner, whatever the stamps.
#[wasm_bindgen_test]
async fn a_request_waits_in_the_outbox_and_leaves_the_records_to_the_server() {
    let storage = fresh("test-request").await;
    let id = new_id();
    let mine = Change::new(
        "pool",
        &id,
        "claimed_by",
        json!("me"),
        &hlc(2_000, "deviceAA"),
    );
    storage
        .request(std::slice::from_ref(&mine))
        .await
        .expect("request");
    let outbox = storage.outbox().await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].change, mine);
    assert!(storage.record("pool", &id).await.expect("read").is_none());
    // The server refuses it; the winner's claim (stamped earlier) arrives on the next pull.
    storage
        .settle(
            &[],
            &[Rejection {
                op: mine.op.clone(),
                code: RejectCode::Forbidden,
                message: "claimed by them first".into(),
            }],
        )
        .await
        .expect("settle");
    let theirs = Change::new(
        "pool",
        &id,
        "claimed_by",
        json!("them"),
        &hlc(1_000, "deviceBB"),
    );
    storage
        .apply_page(std::slice::from_ref(&theirs), &[], "s1")
        .await
        .expect("page");
    let record = storage
        .record("pool", &id)
        .await
        .expect("read")
        .expect("entry");
    assert_eq!(record.record.text("claimed_by"), Some("them"));
    assert!(
        storage.outbox().await.expect("outbox")[0]
            .rejection
            .is_some()
    );
}

/// Erasure on a device (SYNC §5): the erased customer's records are replaced by their
/// anonymous versions — no personal field, no overwritten value — and its unsent edits leave
/// the outbox, in one transaction; other customers' edits stay.
#[wasm_bindgen_test]
async fn an_erased_customer_leaves_only_anonymous_records_and_no_unsent_edit() {
    use huitou_shared::customer::erasure::anonymous;
    let storage = fresh("test-erase-local").await;
    let (erased, other) = (new_id(), new_id());
    let edits = vec![
        Change::new(
            "customer",
            &erased,
            "name",
            json!("王小明"),
            &hlc(1_000, "deviceAA"),
        ),
        Change::new(
            "customer",
            &erased,
            "phone",
            json!("13800138001"),
            &hlc(1_001, "deviceAA"),
        ),
        Change::new(
            "customer",
            &erased,
            "phone",
            json!("13999990000"),
            &hlc(1_002, "deviceAA"),
        ),
        Change::new(
            "customer",
            &erased,
            "created_at",
            json!("2025-01-01T00:00:00Z"),
            &hlc(1_003, "deviceAA"),
        ),
        Change::new(
            "customer",
            &other,
            "name",
            json!("李娜"),
            &hlc(1_004, "deviceAA"),
        ),
    ];
    let written = storage.write_local(&edits).await.expect("write");
    let record = written
        .iter()
        .find(|r| r.id == erased)
        .expect("the erased customer")
        .clone();
    assert!(
        !record.overwritten.is_empty(),
        "the old phone is kept as history"
    );
    let dropped = storage
        .erase_local(&[anonymous(&record)])
        .await
        .expect("erase");
    assert_eq!(dropped, 4);
    let kept = storage
        .record("customer", &erased)
        .await
        .expect("read")
        .expect("row");
    let text = serde_json::to_string(&kept).unwrap();
    assert!(
        !text.contains("王小明") && !text.contains("1380013") && !text.contains("1399999"),
        "{text}"
    );
    assert_eq!(kept.record.text("created_at"), Some("2025-01-01T00:00:00Z"));
    let outbox = storage.outbox().await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].change.id, other);
}

/// A claim refused `clock_ahead` is re-stamped in the outbox only: it must not enter the
/// device's pool entry, where it would beat the server's winner (found by review).
#[wasm_bindgen_test]
async fn a_restamped_claim_stays_a_request() {
    let storage = fresh("test-restamp-claim").await;
    let id = new_id();
    let theirs = Change::new(
        "pool",
        &id,
        "claimed_by",
        json!("them"),
        &hlc(1_000, "deviceBB"),
    );
    storage
        .apply_page(std::slice::from_ref(&theirs), &[], "s1")
        .await
        .expect("page");
    let mine = Change::new(
        "pool",
        &id,
        "claimed_by",
        json!("me"),
        &hlc(99_000_000, "deviceAA"),
    );
    storage
        .request(std::slice::from_ref(&mine))
        .await
        .expect("request");
    let fixed = Hlc::parse(&hlc(2_000, "deviceAA")).unwrap();
    storage
        .restamp(std::slice::from_ref(&mine), |_| fixed.clone())
        .await
        .expect("restamp");
    let entry = storage
        .record("pool", &id)
        .await
        .expect("read")
        .expect("entry");
    assert_eq!(entry.record.text("claimed_by"), Some("them"));
    let outbox = storage.outbox().await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].change.hlc, fixed.to_string());
}

#[wasm_bindgen_test]
async fn a_discarded_refusal_leaves_the_record_as_the_server_holds_it() {
    let storage = fresh("test-discard-reverts").await;
    let voucher = new_id();
    // The server's winner, pulled, then this device's own redemption, refused.
    let theirs = Change::new(
        "voucher",
        &voucher,
        "redeemed_visit",
        json!(new_id()),
        &hlc(8_000, "deviceAA"),
    );
    let mine = Change::new(
        "voucher",
        &voucher,
        "redeemed_visit",
        json!(new_id()),
        &hlc(8_001, "deviceBB"),
    );
    storage
        .apply_page(std::slice::from_ref(&theirs), &[], "c1")
        .await
        .unwrap();
    storage
        .write_local(std::slice::from_ref(&mine))
        .await
        .unwrap();
    let refusal = Rejection {
        op: mine.op.clone(),
        code: RejectCode::AlreadyRedeemed,
        message: "voucher.redeemed_visit: this voucher was already redeemed".into(),
    };
    storage
        .settle(&[], std::slice::from_ref(&refusal))
        .await
        .unwrap();
    let held = storage.record("voucher", &voucher).await.unwrap().unwrap();
    assert_eq!(held.record.value("redeemed_visit"), Some(&mine.value));

    let shown = storage
        .discard(&mine.op)
        .await
        .unwrap()
        .expect("the record changed");
    assert_eq!(shown.record.value("redeemed_visit"), Some(&theirs.value));
    let stored = storage.record("voucher", &voucher).await.unwrap().unwrap();
    assert_eq!(stored, shown, "stored as shown");
    assert!(storage.outbox().await.unwrap().is_empty());

    // A refused new ledger entry's amount goes altogether.
    let entry = new_id();
    let taken = Change::new(
        "points",
        &entry,
        "amount",
        json!(-500),
        &hlc(8_002, "deviceBB"),
    );
    storage
        .write_local(std::slice::from_ref(&taken))
        .await
        .unwrap();
    let shown = storage.discard(&taken.op).await.unwrap().expect("changed");
    assert_eq!(shown.record.value("amount"), None);
}
