//! The only module that touches IndexedDB (rexie): records with their field clocks, the outbox, and meta.
//!
//! Invariants:
//! - A local edit and its outbox entries are written in one transaction ([`Storage::write_local`]).
//! - A pulled page and the new cursor are written in one transaction ([`Storage::apply_page`]),
//!   so a crash never half-applies a page and the cursor never runs ahead of the data.
//! - Records are merged inside the transaction, so a pulled change never overwrites a newer
//!   local edit still waiting in the outbox.
//!
//! Values are stored as JSON text under out-of-line keys: records under `kind/id` (a key range
//! selects one kind), outbox entries under their op, meta under its name.

use huitou_shared::Hlc;
use huitou_shared::api::{RecordRef, Rejection};
use huitou_shared::merge::{Change, TrackedRecord, record_key};
use rexie::{KeyRange, ObjectStore, Rexie, Transaction, TransactionMode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

const RECORDS: &str = "records";
const OUTBOX: &str = "outbox";
const META: &str = "meta";
const CURSOR: &str = "cursor";

#[derive(Debug, Clone, PartialEq)]
pub struct StorageError(pub String);

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<rexie::Error> for StorageError {
    fn from(e: rexie::Error) -> Self {
        Self(format!("IndexedDB: {e:?}"))
    }
}

impl From<serde_json::Error> for StorageError {
    fn from(e: serde_json::Error) -> Self {
        Self(format!("stored data unreadable: {e}"))
    }
}

pub type Result<T> = std::result::Result<T, StorageError>;

/// Is this the error of a write the browser refused to keep ([`commit_failed`]): in practice a
/// device whose storage is full. The write was rolled back whole; the user is told so in words
/// and keeps what they typed, instead of a raw error.
pub fn is_full(message: &str) -> bool {
    message.starts_with(FULL)
}

/// How [`commit_failed`] errors start.
const FULL: &str = "not stored";

/// The error of a commit IndexedDB refused. The browser refuses a commit when the device's disk
/// or the site's quota is full (`QuotaExceededError`), but rexie does not pass that name on, so
/// the detail says how much of the quota is used, for the one who reads it.
async fn commit_failed(error: rexie::Error) -> StorageError {
    let estimate = async {
        let promise = web_sys::window()?.navigator().storage().estimate().ok()?;
        let estimate: web_sys::StorageEstimate = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .ok()?
            .into();
        Some((estimate.get_usage()?, estimate.get_quota()?))
    };
    let used = match estimate.await {
        Some((usage, quota)) => format!("{usage} of {quota} bytes of the quota in use"),
        None => "quota unknown".to_owned(),
    };
    StorageError(format!("{FULL}: {error:?}; {used}"))
}

/// A local change waiting to be accepted by the server, or refused by it with a reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub change: Change,
    /// `None` while waiting; the server's refusal otherwise (it stays until the user discards it).
    #[serde(default)]
    pub rejection: Option<Rejection>,
}

pub struct Storage {
    db: Rexie,
}

fn text(value: &impl Serialize) -> Result<JsValue> {
    Ok(JsValue::from_str(&serde_json::to_string(value)?))
}

fn parse<T: for<'de> Deserialize<'de>>(value: &JsValue) -> Result<T> {
    let text = value
        .as_string()
        .ok_or_else(|| StorageError("stored value is not text".into()))?;
    Ok(serde_json::from_str(&text)?)
}

/// Runs `body` in `tx` and commits; any error aborts the whole transaction. (IndexedDB would
/// otherwise commit the writes made before the error once the transaction goes idle.)
async fn all_or_nothing<T>(
    tx: Transaction,
    body: impl AsyncFnOnce(&Transaction) -> Result<T>,
) -> Result<T> {
    match body(&tx).await {
        Ok(value) => match tx.commit().await {
            Ok(()) => Ok(value),
            Err(e) => Err(commit_failed(e).await),
        },
        Err(e) => {
            let _ = tx.abort().await;
            Err(e)
        }
    }
}

impl Storage {
    /// Opens (or creates) the database of one signed-in user on this device.
    pub async fn open(name: &str) -> Result<Self> {
        let db = Rexie::builder(name)
            .version(1)
            .add_object_store(ObjectStore::new(RECORDS))
            .add_object_store(ObjectStore::new(OUTBOX))
            .add_object_store(ObjectStore::new(META))
            .build()
            .await?;
        Ok(Self { db })
    }

    /// Deletes a database (tests, and sign-out of a shared device).
    pub async fn delete(name: &str) -> Result<()> {
        Rexie::delete(name).await?;
        Ok(())
    }

    pub fn close(self) {
        self.db.close();
    }

    /// Empties every store (records, outbox, cursor) in one transaction: what sign-out leaves
    /// when the database itself cannot be deleted at once (another tab still has it open).
    pub async fn wipe(&self) -> Result<()> {
        let tx = self
            .db
            .transaction(&[RECORDS, OUTBOX, META], TransactionMode::ReadWrite)?;
        for store in [RECORDS, OUTBOX, META] {
            tx.store(store)?.clear().await?;
        }
        tx.done().await?;
        Ok(())
    }

    /// Every record, for the in-memory replica the UI reads.
    pub async fn load_records(&self) -> Result<Vec<TrackedRecord>> {
        let tx = self.db.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
        let values = tx.store(RECORDS)?.get_all(None, None).await?;
        values.iter().map(parse).collect()
    }

    /// Every record except visits: what the customer list, Today and settings need at start.
    /// Visits (the bulk of a book) follow with [`Storage::load_visits_after`].
    pub async fn load_all_but_visits(&self) -> Result<Vec<TrackedRecord>> {
        let before = KeyRange::upper_bound(&JsValue::from_str("visit/"), Some(true))
            .map_err(|e| StorageError(format!("key range: {e:?}")))?;
        let after = KeyRange::lower_bound(&JsValue::from_str("visit0"), Some(false))
            .map_err(|e| StorageError(format!("key range: {e:?}")))?;
        let tx = self.db.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
        let store = tx.store(RECORDS)?;
        let mut records = Vec::new();
        for range in [before, after] {
            for value in store.get_all(Some(range), None).await? {
                records.push(parse(&value)?);
            }
        }
        Ok(records)
    }

    /// Up to `count` visits after the one with id `after` (from the first when `None`), in
    /// key order. The app start reads visits in slices like this so no single task decodes
    /// the whole history (100,000 visits are about 200 ms of JSON in wasm).
    pub async fn load_visits_after(
        &self,
        after: Option<&str>,
        count: u32,
    ) -> Result<Vec<TrackedRecord>> {
        self.load_kind_after(huitou_shared::Kind::VISIT, after, Some(count))
            .await
    }

    /// Records of one kind.
    pub async fn load_kind(&self, kind: &str) -> Result<Vec<TrackedRecord>> {
        self.load_kind_after(kind, None, None).await
    }

    async fn load_kind_after(
        &self,
        kind: &str,
        after: Option<&str>,
        count: Option<u32>,
    ) -> Result<Vec<TrackedRecord>> {
        let lower = match after {
            Some(id) => record_key(kind, id),
            None => format!("{kind}/"),
        };
        let range = KeyRange::bound(
            &lower.into(),
            &format!("{kind}0").into(),
            Some(after.is_some()),
            Some(true),
        )
        .map_err(|e| StorageError(format!("key range: {e:?}")))?;
        let tx = self.db.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
        let values = tx.store(RECORDS)?.get_all(Some(range), count).await?;
        values.iter().map(parse).collect()
    }

    pub async fn record(&self, kind: &str, id: &str) -> Result<Option<TrackedRecord>> {
        let tx = self.db.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
        let value = tx.store(RECORDS)?.get(record_key(kind, id).into()).await?;
        value.as_ref().map(parse).transpose()
    }

    /// Merges changes into their records inside `tx`; returns the records as they now are.
    /// The stored records of `keys` (those that exist). Each request costs about 50 µs in
    /// Chromium whatever its size, so where a kind's keys are dense (a first sync brings new
    /// records in id order) one `getAll` over their key range replaces a `get` per key.
    async fn read_many(
        store: &rexie::Store,
        keys: &BTreeMap<String, (&str, &str)>,
    ) -> Result<BTreeMap<String, TrackedRecord>> {
        let mut found = BTreeMap::new();
        let mut singles: Vec<&String> = Vec::new();
        let mut by_kind: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
        for (key, (kind, _)) in keys {
            by_kind.entry(kind).or_default().push(key);
        }
        for group in by_kind.into_values() {
            let (Some(first), Some(last)) = (group.first(), group.last()) else {
                continue;
            };
            if group.len() >= 64 {
                let range = KeyRange::bound(
                    &JsValue::from_str(first),
                    &JsValue::from_str(last),
                    Some(false),
                    Some(false),
                )
                .map_err(|e| StorageError(format!("key range: {e:?}")))?;
                let stored = store.count(Some(range.clone())).await?;
                if (stored as usize) <= group.len() * 2 {
                    for value in store.get_all(Some(range), None).await? {
                        let record: TrackedRecord = parse(&value)?;
                        let key = record.key();
                        if keys.contains_key(&key) {
                            found.insert(key, record);
                        }
                    }
                    continue;
                }
            }
            singles.extend(group);
        }
        let reads = futures::future::join_all(
            singles
                .iter()
                .map(|key| store.get(JsValue::from_str(key)))
                .collect::<Vec<_>>(),
        )
        .await;
        for (key, stored) in singles.into_iter().zip(reads) {
            if let Some(value) = stored? {
                found.insert(key.clone(), parse(&value)?);
            }
        }
        Ok(found)
    }

    async fn merge(store: &rexie::Store, changes: &[Change]) -> Result<Vec<TrackedRecord>> {
        // Every read of the page is in flight at once, then every write: a page of 5,000
        // changes costs a few IndexedDB round trips, not two per record.
        let mut keys: BTreeMap<String, (&str, &str)> = BTreeMap::new();
        for change in changes {
            keys.entry(record_key(&change.kind, &change.id))
                .or_insert((change.kind.as_str(), change.id.as_str()));
        }
        let mut touched = Self::read_many(store, &keys).await?;
        for (key, (kind, id)) in &keys {
            touched
                .entry(key.clone())
                .or_insert_with(|| TrackedRecord::new(kind, id));
        }
        for change in changes {
            if let Some(record) = touched.get_mut(&record_key(&change.kind, &change.id)) {
                record.apply(change);
            }
        }
        let rows: Vec<(JsValue, JsValue)> = touched
            .iter()
            .map(|(key, record)| Ok((text(record)?, JsValue::from_str(key))))
            .collect::<Result<_>>()?;
        for written in futures::future::join_all(
            rows.iter()
                .map(|(value, key)| store.put(value, Some(key)))
                .collect::<Vec<_>>(),
        )
        .await
        {
            written?;
        }
        Ok(touched.into_values().collect())
    }

    /// Puts `changes` in the outbox, every write in flight at once (a hand-over writes
    /// thousands).
    async fn enqueue(outbox: &rexie::Store, changes: &[Change]) -> Result<()> {
        let rows: Vec<(JsValue, JsValue)> = changes
            .iter()
            .map(|change| {
                let entry = OutboxEntry {
                    change: change.clone(),
                    rejection: None,
                };
                Ok((text(&entry)?, JsValue::from_str(&change.op)))
            })
            .collect::<Result<_>>()?;
        for written in futures::future::join_all(
            rows.iter()
                .map(|(value, key)| outbox.put(value, Some(key)))
                .collect::<Vec<_>>(),
        )
        .await
        {
            written?;
        }
        Ok(())
    }

    /// A local edit: the records and the outbox, in one transaction.
    pub async fn write_local(&self, changes: &[Change]) -> Result<Vec<TrackedRecord>> {
        let tx = self
            .db
            .transaction(&[RECORDS, OUTBOX], TransactionMode::ReadWrite)?;
        all_or_nothing(tx, async |tx| {
            let records = Self::merge(&tx.store(RECORDS)?, changes).await?;
            Self::enqueue(&tx.store(OUTBOX)?, changes).await?;
            Ok(records)
        })
        .await
    }

    /// A request: changes for the outbox only, not merged into the device's records (a pool
    /// claim, which the server may refuse in favour of someone else's: the device then holds
    /// the server's winner, never its own refused value).
    pub async fn request(&self, changes: &[Change]) -> Result<()> {
        let tx = self.db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
        all_or_nothing(tx, async |tx| {
            Self::enqueue(&tx.store(OUTBOX)?, changes).await
        })
        .await
    }

    /// What erasure leaves on this device (SYNC §5), in one transaction: each record of the
    /// erased customers replaced by its anonymous version (`customer::erasure::anonymous`:
    /// no personal field, no overwritten value), and the outbox entries of those records
    /// dropped. Returns how many outbox entries went.
    pub async fn erase_local(&self, records: &[TrackedRecord]) -> Result<usize> {
        let tx = self
            .db
            .transaction(&[RECORDS, OUTBOX], TransactionMode::ReadWrite)?;
        all_or_nothing(tx, async |tx| {
            let store = tx.store(RECORDS)?;
            for record in records {
                store
                    .put(&text(record)?, Some(&record.key().into()))
                    .await?;
            }
            let keys: std::collections::HashSet<String> =
                records.iter().map(TrackedRecord::key).collect();
            let outbox = tx.store(OUTBOX)?;
            let mut dropped = 0;
            for value in outbox.get_all(None, None).await? {
                let entry: OutboxEntry = parse(&value)?;
                if keys.contains(&record_key(&entry.change.kind, &entry.change.id)) {
                    outbox.delete(entry.change.op.clone().into()).await?;
                    dropped += 1;
                }
            }
            Ok(dropped)
        })
        .await
    }

    /// A pulled page: its changes, the revoked records and the new cursor, in one transaction.
    pub async fn apply_page(
        &self,
        changes: &[Change],
        revoked: &[RecordRef],
        cursor: &str,
    ) -> Result<Vec<TrackedRecord>> {
        let tx = self
            .db
            .transaction(&[RECORDS, META], TransactionMode::ReadWrite)?;
        all_or_nothing(tx, async |tx| {
            let store = tx.store(RECORDS)?;
            let records = Self::merge(&store, changes).await?;
            for gone in revoked {
                store
                    .delete(record_key(&gone.kind, &gone.id).into())
                    .await?;
            }
            tx.store(META)?
                .put(&text(&cursor)?, Some(&CURSOR.into()))
                .await?;
            Ok(records)
        })
        .await
    }

    /// Deletes local copies (records no longer visible, or child records of one).
    pub async fn delete_records(&self, refs: &[RecordRef]) -> Result<()> {
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadWrite)?;
        let store = tx.store(RECORDS)?;
        for gone in refs {
            store
                .delete(record_key(&gone.kind, &gone.id).into())
                .await?;
        }
        tx.done().await?;
        Ok(())
    }

    /// Where the next pull starts; `None` before the first one.
    pub async fn cursor(&self) -> Result<Option<String>> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadOnly)?;
        let value = tx.store(META)?.get(CURSOR.into()).await?;
        value.as_ref().map(parse).transpose()
    }

    /// The outbox in clock order (the order the edits were made).
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let tx = self.db.transaction(&[OUTBOX], TransactionMode::ReadOnly)?;
        let values = tx.store(OUTBOX)?.get_all(None, None).await?;
        let mut entries: Vec<OutboxEntry> = values.iter().map(parse).collect::<Result<_>>()?;
        crate::sort::by(&mut entries, |a, b| a.change.hlc.cmp(&b.change.hlc));
        Ok(entries)
    }

    /// Records the server's answer: accepted ops leave the outbox, refused ones stay with their reason.
    pub async fn settle(&self, accepted: &[String], rejected: &[Rejection]) -> Result<()> {
        let tx = self.db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
        all_or_nothing(tx, async |tx| {
            let outbox = tx.store(OUTBOX)?;
            let keys: Vec<JsValue> = accepted.iter().map(|op| JsValue::from_str(op)).collect();
            for deleted in futures::future::join_all(
                keys.iter()
                    .map(|key| outbox.delete(key.clone()))
                    .collect::<Vec<_>>(),
            )
            .await
            {
                deleted?;
            }
            for rejection in rejected {
                // A change of an erased customer is dropped (SYNC §5): keeping it would keep
                // what was erased. The sync loop tells the user.
                if rejection.code == huitou_shared::api::RejectCode::Erased {
                    outbox.delete(rejection.op.clone().into()).await?;
                    continue;
                }
                if let Some(value) = outbox.get(rejection.op.clone().into()).await? {
                    let mut entry: OutboxEntry = parse(&value)?;
                    entry.rejection = Some(rejection.clone());
                    outbox
                        .put(&text(&entry)?, Some(&rejection.op.clone().into()))
                        .await?;
                }
            }
            Ok(())
        })
        .await
    }

    /// Re-stamps outbox changes the server refused as `clock_ahead`, in one transaction: each
    /// gets a new op and the stamp `stamp(floor)` gives, `floor` being the greatest stamp the
    /// device holds for that field apart from the refused changes, so the new stamp is above
    /// every accepted write of the field; the record takes it through the merge rule
    /// ([`TrackedRecord::restamp`]). `refused` in outbox (edit) order.
    pub async fn restamp(
        &self,
        refused: &[Change],
        mut stamp: impl FnMut(Option<&Hlc>) -> Hlc,
    ) -> Result<Vec<TrackedRecord>> {
        let refused_ops: std::collections::HashSet<&str> =
            refused.iter().map(|change| change.op.as_str()).collect();
        let tx = self
            .db
            .transaction(&[RECORDS, OUTBOX], TransactionMode::ReadWrite)?;
        all_or_nothing(tx, async |tx| {
            let outbox = tx.store(OUTBOX)?;
            let records = tx.store(RECORDS)?;
            let mut touched: Vec<TrackedRecord> = Vec::new();
            for old in refused {
                let key = record_key(&old.kind, &old.id);
                let mut record: Option<TrackedRecord> =
                    match records.get(key.clone().into()).await? {
                        Some(value) => Some(parse(&value)?),
                        None => None,
                    };
                let floor = record
                    .as_ref()
                    .and_then(|r| r.greatest_stamp(&old.field, |op| refused_ops.contains(op)))
                    .and_then(|text| Hlc::parse(text).ok());
                let mut change = old.clone();
                change.op = huitou_shared::model::new_id();
                change.hlc = stamp(floor.as_ref()).to_string();
                outbox.delete(old.op.clone().into()).await?;
                let entry = OutboxEntry {
                    change: change.clone(),
                    rejection: None,
                };
                outbox
                    .put(&text(&entry)?, Some(&change.op.clone().into()))
                    .await?;
                // A request (a pool claim) never enters the records, re-stamped or not.
                let request =
                    huitou_shared::customer::pool::is_claim(&old.kind, &old.field, &old.value);
                if let Some(record) = record.as_mut().filter(|_| !request) {
                    record.restamp(&old.op, &change);
                    records.put(&text(&*record)?, Some(&key.into())).await?;
                    touched.retain(|t| t.key() != record.key());
                    touched.push(record.clone());
                }
            }
            Ok(touched)
        })
        .await
    }

    /// Drops one refused change from the outbox (the user gave up on it) and, when its record
    /// still shows it, takes it back there; returns the record so changed.
    pub async fn discard(&self, op: &str) -> Result<Option<TrackedRecord>> {
        let tx = self
            .db
            .transaction(&[RECORDS, OUTBOX], TransactionMode::ReadWrite)?;
        all_or_nothing(tx, async |tx| {
            let outbox = tx.store(OUTBOX)?;
            let Some(value) = outbox.get(op.into()).await? else {
                return Ok(None);
            };
            let entry: OutboxEntry = parse(&value)?;
            outbox.delete(op.into()).await?;
            // The record no longer shows the given-up write (`TrackedRecord::give_up`).
            let change = &entry.change;
            let store = tx.store(RECORDS)?;
            let key = record_key(&change.kind, &change.id);
            let Some(value) = store.get(key.clone().into()).await? else {
                return Ok(None);
            };
            let mut record: TrackedRecord = parse(&value)?;
            if !record.give_up(&change.field, &change.op) {
                return Ok(None);
            }
            store.put(&text(&record)?, Some(&key.into())).await?;
            Ok(Some(record))
        })
        .await
    }
}
