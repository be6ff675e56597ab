//! The device's replica in memory: what the UI reads, kept equal to IndexedDB by writing there first.
//!
//! Flow of a tap: [`Replica::edit`] stamps the fields with the device clock, writes records +
//! outbox in one IndexedDB transaction, then updates the in-memory copy and wakes the sync loop.

use crate::session::{self, Session};
use crate::storage::{OutboxEntry, Storage, StorageError};
use futures::channel::mpsc::UnboundedSender;
use huitou_shared::customer::merging::Edit;
use huitou_shared::customer::search::Update as IndexUpdate;
use huitou_shared::customer::{CustomerIndex, Filter};
use huitou_shared::merge::{Change, TrackedRecord};
use huitou_shared::{Clock, Kind};
use leptos::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

/// All records on this device: kind → id → record, with each customer's child records
/// indexed and a revision per customer that moves whenever the customer or one of its child
/// records changes, so derived views redo only the customers that changed ([`crate::derived`]).
#[derive(Clone, Debug, Default)]
pub struct Records {
    kinds: HashMap<String, HashMap<String, TrackedRecord>>,
    /// Customer id → `(kind, id)` of the records whose `customer_id` names it.
    children: HashMap<String, HashSet<(String, String)>>,
    /// Customer id → the revision of its last change (see [`next_revision`]), and the
    /// reverse, so the customers changed since a revision are found without a pass over all.
    revisions: HashMap<String, u64>,
    by_revision: BTreeMap<u64, String>,
    /// Kind → revision of the last change to a record of that kind.
    kind_revisions: HashMap<String, u64>,
    /// Task id → revision of its last change (Today's list looks again at the tasks that moved).
    task_revisions: HashMap<String, u64>,
    /// Customer id → the revision of the last change to the customer record itself (not its
    /// children): the search index rebuilds a customer's entry only then, and otherwise (a
    /// visit arrived) only moves it.
    own_revisions: HashMap<String, u64>,
    /// Customer id → the latest stamp on any of its visits (the search order's recency), kept
    /// as visits arrive instead of read from every visit each time.
    visit_recency: HashMap<String, String>,
    /// Which book this is (a revision taken at its first change): a cache of another book,
    /// or of this one before it was replaced whole, starts again.
    book: u64,
    /// Referred customer id → the ids of the referrals naming them (`referred_customer_id`): a
    /// referral belongs to its referrer (`customer_id`), yet its conversion turns on the
    /// referred customer's visits, so a change of either re-derives the referred customer.
    referred_by: HashMap<String, HashSet<String>>,
}

impl PartialEq for Records {
    fn eq(&self, other: &Self) -> bool {
        self.kinds == other.kinds
    }
}

/// Revisions come from one counter for the whole page, so a revision seen in one book is never
/// mistaken for another's (after signing in as someone else).
fn next_revision() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The customer a record belongs to: itself for a customer, else its `customer_id`.
fn customer_of(record: &TrackedRecord) -> Option<&str> {
    if record.kind == Kind::CUSTOMER {
        Some(&record.id)
    } else {
        record.record.text("customer_id")
    }
}

/// The customer a referral brought.
fn referred_of(record: &TrackedRecord) -> Option<&str> {
    (record.kind == Kind::REFERRAL)
        .then(|| record.record.text("referred_customer_id"))
        .flatten()
}

impl Records {
    pub fn put(&mut self, record: TrackedRecord) {
        let key = (record.kind.clone(), record.id.clone());
        if record.kind == Kind::REFERRAL {
            let before = self
                .get(Kind::REFERRAL, &record.id)
                .and_then(referred_of)
                .map(str::to_owned);
            self.relink_referred(&record.id, before, referred_of(&record).map(str::to_owned));
        }
        let after = customer_of(&record).map(str::to_owned);
        let stamp = (record.kind == Kind::VISIT)
            .then(|| record.record.last_hlc().map(str::to_owned))
            .flatten();
        let before = self
            .kinds
            .entry(record.kind.clone())
            .or_default()
            .insert(record.id.clone(), record)
            .and_then(|old| customer_of(&old).map(str::to_owned));
        let moved_from = (key.0 == Kind::VISIT && before != after)
            .then(|| before.clone())
            .flatten();
        self.relink(&key, before, after.clone());
        if let Some(from) = moved_from {
            self.recount_visit_recency(&from);
        }
        // A record's stamps only grow as it merges, so the latest visit stamp only grows too.
        if let (Some(customer), Some(stamp)) = (after, stamp) {
            let latest = self.visit_recency.entry(customer).or_default();
            if stamp > *latest {
                *latest = stamp;
            }
        }
    }

    /// The latest stamp on the visits `customer_id` still has, read again (a visit left it).
    fn recount_visit_recency(&mut self, customer_id: &str) {
        let latest = self
            .children_of(Kind::VISIT, customer_id)
            .filter_map(|visit| visit.record.last_hlc())
            .max()
            .map(str::to_owned);
        match latest {
            Some(latest) => self.visit_recency.insert(customer_id.to_owned(), latest),
            None => self.visit_recency.remove(customer_id),
        };
    }

    /// Puts `record` unless this copy already holds it: what is held is as new or newer (it
    /// came from IndexedDB after the same write).
    pub fn put_missing(&mut self, record: TrackedRecord) {
        let held = self
            .kinds
            .get(&record.kind)
            .is_some_and(|records| records.contains_key(&record.id));
        if !held {
            self.put(record);
        }
    }

    pub fn remove(&mut self, kind: &str, id: &str) {
        if kind == Kind::REFERRAL {
            let before = self.get(kind, id).and_then(referred_of).map(str::to_owned);
            self.relink_referred(id, before, None);
        }
        let before = self
            .kinds
            .get_mut(kind)
            .and_then(|records| records.remove(id))
            .and_then(|old| customer_of(&old).map(str::to_owned));
        self.relink(&(kind.to_owned(), id.to_owned()), before.clone(), None);
        if kind == Kind::VISIT
            && let Some(customer) = before
        {
            self.recount_visit_recency(&customer);
        }
    }

    /// Moves referral `id` in the referred index from `before` to `after`, and marks both
    /// referred customers changed.
    fn relink_referred(&mut self, id: &str, before: Option<String>, after: Option<String>) {
        if let Some(before) = &before
            && let Some(set) = self.referred_by.get_mut(before)
        {
            set.remove(id);
        }
        if let Some(after) = &after {
            self.referred_by
                .entry(after.clone())
                .or_default()
                .insert(id.to_owned());
        }
        for customer in before.into_iter().chain(after) {
            self.touch(customer);
        }
    }

    /// Gives a customer a new revision: what is derived of it is redone.
    fn touch(&mut self, customer: String) {
        let revision = next_revision();
        if let Some(old) = self.revisions.insert(customer.clone(), revision) {
            self.by_revision.remove(&old);
        }
        self.by_revision.insert(revision, customer);
    }

    /// The referrals that name `customer_id` as the customer they brought.
    pub fn referrals_of_referred<'a>(
        &'a self,
        customer_id: &str,
    ) -> impl Iterator<Item = &'a TrackedRecord> + 'a {
        self.referred_by
            .get(customer_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(Kind::REFERRAL, id))
    }

    /// Moves `key` in the child index from customer `before` to `after` and gives both a new
    /// revision.
    fn relink(&mut self, key: &(String, String), before: Option<String>, after: Option<String>) {
        let revision = next_revision();
        if self.book == 0 {
            self.book = revision;
        }
        match self.kind_revisions.get_mut(&key.0) {
            Some(latest) => *latest = revision,
            None => {
                self.kind_revisions.insert(key.0.clone(), revision);
            }
        }
        if key.0 == Kind::TASK {
            self.task_revisions.insert(key.1.clone(), revision);
        }
        if key.0 == Kind::CUSTOMER {
            self.own_revisions.insert(key.1.clone(), revision);
        }
        let child = key.0 != Kind::CUSTOMER;
        if child && before != after {
            if let Some(before) = &before
                && let Some(set) = self.children.get_mut(before)
            {
                set.remove(key);
            }
            if let Some(after) = &after {
                self.children
                    .entry(after.clone())
                    .or_default()
                    .insert(key.clone());
            }
        }
        // Tasks and contacts are not part of what is derived per customer (tiers, planned
        // tasks, birthdays, search): planning hundreds of tasks re-derives nothing.
        if !matches!(key.0.as_str(), Kind::TASK | Kind::CONTACT) {
            for customer in before.into_iter().chain(after) {
                self.touch(customer);
            }
        }
    }

    /// The revision of a customer's last change (its record or a child record other than a task
    /// or contact); 0 when nothing of it is held.
    pub fn revision(&self, customer_id: &str) -> u64 {
        self.revisions.get(customer_id).copied().unwrap_or(0)
    }

    /// The customers (ids) whose revision is above `revision`: changed since then, or gone
    /// (removed customers are listed too, and are no longer held).
    pub fn changed_since(&self, revision: u64) -> impl Iterator<Item = &str> {
        self.by_revision
            .range(revision + 1..)
            .map(|(_, customer)| customer.as_str())
    }

    /// The revision of the last change to any customer (0: none yet).
    pub fn latest_revision(&self) -> u64 {
        self.by_revision.keys().next_back().copied().unwrap_or(0)
    }

    /// The revision of the last change to any record of `kind` (0: none yet).
    pub fn kind_revision(&self, kind: &str) -> u64 {
        self.kind_revisions.get(kind).copied().unwrap_or(0)
    }

    /// The revision of the last change to task `id` (0: never held).
    pub fn task_revision(&self, id: &str) -> u64 {
        self.task_revisions.get(id).copied().unwrap_or(0)
    }

    /// Which book this is: changes when the records are replaced whole.
    pub fn book(&self) -> u64 {
        self.book
    }

    /// How recent a customer is, for the search order: the latest stamp on the customer or
    /// on one of its visits.
    pub fn recency<'a>(&'a self, id: &'a str, customer: &'a TrackedRecord) -> &'a str {
        self.visit_recency
            .get(id)
            .map(String::as_str)
            .into_iter()
            .chain(customer.record.last_hlc())
            .max()
            .unwrap_or("")
    }

    /// True when the customer record itself (not only its children) changed after `revision`.
    pub fn record_changed_since(&self, customer_id: &str, revision: u64) -> bool {
        self.own_revisions
            .get(customer_id)
            .is_none_or(|own| *own > revision)
    }

    /// A customer's visits, referrals, suggestions and family members, from the child index.
    pub fn history(&self, customer_id: &str) -> huitou_shared::retention::History<'_> {
        huitou_shared::retention::History::from_children(
            self.children
                .get(customer_id)
                .into_iter()
                .flatten()
                .filter_map(|(kind, id)| Some((kind.as_str(), &self.get(kind, id)?.record))),
        )
    }

    pub fn get(&self, kind: &str, id: &str) -> Option<&TrackedRecord> {
        self.kinds.get(kind)?.get(id)
    }

    /// The customer search index; recency is the latest stamp on the customer or any of its visits,
    /// so the customers just served come first.
    pub fn customer_index(&self) -> CustomerIndex {
        CustomerIndex::build(
            self.of_kind(Kind::CUSTOMER)
                .map(|c| (c.id.as_str(), &c.record, self.recency(&c.id, c))),
        )
    }

    /// How many records of `kind` this device holds (trash included).
    pub fn count(&self, kind: &str) -> usize {
        self.kinds.get(kind).map_or(0, HashMap::len)
    }

    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = &TrackedRecord> {
        self.kinds.get(kind).into_iter().flat_map(HashMap::values)
    }

    /// A user's name from the synced `user` record, and whether they were disabled (left).
    pub fn user_name(&self, id: &str) -> Option<(&str, bool)> {
        let user = self.get("user", id)?;
        let left = user.record.value("disabled") == Some(&Value::Bool(true));
        Some((user.record.text("name")?, left))
    }

    /// A user as screens name them: their name, "王芳 (left)" once disabled (`left` is that
    /// word in the reader's language), or the start of the id when this device does not know
    /// them.
    pub fn person(&self, id: &str, left: &str) -> String {
        match self.user_name(id) {
            Some((name, true)) => format!("{name} ({left})"),
            Some((name, false)) => name.to_owned(),
            None => id.chars().take(8).collect(),
        }
    }

    /// A customer's name, or "" when the customer is not on this device.
    pub fn customer_name(&self, id: &str) -> String {
        self.get(Kind::CUSTOMER, id)
            .and_then(|c| c.record.text("name"))
            .unwrap_or_default()
            .to_owned()
    }

    /// Child records (visits, contacts, ...) of one customer, from the child index.
    pub fn children_of<'a>(
        &'a self,
        kind: &'a str,
        customer_id: &'a str,
    ) -> impl Iterator<Item = &'a TrackedRecord> + 'a {
        self.children
            .get(customer_id)
            .into_iter()
            .flatten()
            .filter(move |(k, _)| k == kind)
            .filter_map(move |(k, id)| self.get(k, id))
    }
}

/// The customer search index, and the book and revision it is up to date with.
#[derive(Debug, Default)]
pub struct SearchCache {
    index: CustomerIndex,
    book: u64,
    seen: u64,
}

impl SearchCache {
    /// Re-indexes the customers changed since the last refresh and forgets those gone, in one
    /// pass over the index; a book replaced whole is indexed anew.
    pub fn refresh(&mut self, records: &Records) {
        if self.book != records.book() {
            self.index = records.customer_index();
        } else {
            let seen = self.seen;
            self.index
                .update_with(records.changed_since(seen).map(|id| {
                    let update = match records.get(Kind::CUSTOMER, id) {
                        None => IndexUpdate::Gone,
                        Some(c) if records.record_changed_since(id, seen) => {
                            IndexUpdate::Record(&c.record, records.recency(id, c))
                        }
                        Some(c) => IndexUpdate::Recency(&c.record, records.recency(id, c)),
                    };
                    (id, update)
                }));
        }
        self.book = records.book();
        self.seen = records.latest_revision();
    }

    /// The index as of the last refresh.
    pub fn index(&self) -> &CustomerIndex {
        &self.index
    }
}

/// Where sync stands, for the badge on every screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Connection {
    /// Not synced yet since the app opened.
    #[default]
    Connecting,
    Idle,
    Syncing,
    Offline,
    /// This device's storage refused a write sync needed (full: a pulled page, the outbox after
    /// a push): nothing of it was half kept, and the next try does it again.
    DeviceFull,
}

/// A pull of many pages under way (a first sync, a long time offline).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receiving {
    /// Changes received and stored so far in this run of pages.
    pub received: u64,
    /// Received plus what the server said remains; 0 when it did not say.
    pub total: u64,
}

impl Receiving {
    /// Whole percent done, when the total is known.
    pub fn percent(&self) -> Option<u64> {
        (self.total > 0).then(|| (self.received * 100 / self.total).min(100))
    }
}

/// Visits read per slice at app start ([`Replica::load_history`]).
const HISTORY_SLICE: u32 = 5_000;

#[derive(Clone, Copy)]
pub struct Replica {
    pub records: RwSignal<Records>,
    pub outbox: RwSignal<Vec<OutboxEntry>>,
    pub connection: RwSignal<Connection>,
    /// Set when the server no longer accepts the token; unsynced edits stay in the outbox.
    pub session_expired: RwSignal<bool>,
    /// Set when the user must choose their own password before syncing (a first password, a reset).
    pub must_change_password: RwSignal<bool>,
    /// Why this device was signed out without the user asking (shown on the sign-in screen).
    pub signed_out_because: RwSignal<Option<crate::i18n::Key>>,
    pub session: RwSignal<Option<Session>>,
    /// False until IndexedDB has been read at start (all but visits: the list is usable).
    pub loaded: RwSignal<bool>,
    /// False until the visits have been read from IndexedDB too.
    pub history: RwSignal<bool>,
    /// Set while a pull of many pages runs; the badge shows its progress.
    pub receiving: RwSignal<Option<Receiving>>,
    pub storage_error: RwSignal<Option<String>>,
    /// Set when sync could not store what it needs on this device (storage full); cleared by
    /// the next sync that goes through (it stays shown between retries).
    pub device_full: RwSignal<bool>,
    /// Edits dropped because their customer was erased (shown until dismissed).
    pub erased_dropped: RwSignal<usize>,
    /// Search over customers, brought up to date (customers that changed) when searched.
    search: StoredValue<SearchCache, LocalStorage>,
    search_fresh: Memo<()>,
    /// Tiers, planned tasks and birthdays per customer (see [`crate::derived`]).
    pub derived: StoredValue<crate::derived::Derived, LocalStorage>,
    storage: StoredValue<Option<Rc<Storage>>, LocalStorage>,
    clock: StoredValue<Option<Clock>>,
    kick: StoredValue<Option<UnboundedSender<()>>>,
    /// The token the sync loop runs for, while it runs (one loop per session).
    pub syncing: StoredValue<Option<String>>,
}

impl Replica {
    pub fn new(session: Option<Session>) -> Self {
        let records = RwSignal::new(Records::default());
        let search = StoredValue::new_local(SearchCache::default());
        Self {
            records,
            search,
            search_fresh: Memo::new_with_compare(
                move |_| records.with(|r| search.update_value(|cache| cache.refresh(r))),
                |_, _| true,
            ),
            derived: StoredValue::new_local(crate::derived::Derived::default()),
            outbox: RwSignal::new(Vec::new()),
            connection: RwSignal::new(Connection::Idle),
            session_expired: RwSignal::new(false),
            must_change_password: RwSignal::new(
                session.as_ref().is_some_and(|s| s.must_change_password),
            ),
            signed_out_because: RwSignal::new(None),
            session: RwSignal::new(session),
            loaded: RwSignal::new(false),
            history: RwSignal::new(false),
            receiving: RwSignal::new(None),
            storage_error: RwSignal::new(None),
            device_full: RwSignal::new(false),
            erased_dropped: RwSignal::new(0),
            storage: StoredValue::new_local(None),
            clock: StoredValue::new(None),
            kick: StoredValue::new(None),
            syncing: StoredValue::new(None),
        }
    }

    /// True when the signed-in user is a manager or admin (sees and configures the whole
    /// organisation); the server enforces it, the UI only hides what would be refused.
    /// A memo that brings [`Replica::derived`] up to date with the book and `org` on `today`
    /// (per changed customer) whenever either changes, while `needed()`; read it before
    /// reading `derived`. It always reports a change, so its readers run after each refresh.
    pub fn derived_memo(
        self,
        org: Memo<crate::org::Org>,
        today: chrono::NaiveDate,
        needed: impl Fn() -> bool + Send + Sync + 'static,
    ) -> Memo<()> {
        Memo::new_with_compare(
            move |_| {
                if needed() {
                    self.records.with(|records| {
                        org.with(|org| {
                            self.derived
                                .update_value(|derived| _ = derived.refresh(records, org, today))
                        })
                    })
                }
            },
            |_, _| true,
        )
    }

    pub fn is_manager(&self) -> bool {
        self.session
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.user.role.sees_everything()))
    }

    /// [`Replica::edit`] from an event handler: runs in the background and shows a storage
    /// failure in the app's error banner (the edit is never half-written: see `edit`).
    pub fn spawn_edit(&self, kind: &'static str, id: String, fields: Vec<(String, Value)>) {
        let replica = *self;
        leptos::task::spawn_local(async move {
            if let Err(e) = replica.edit(kind, &id, fields).await {
                replica.storage_error.set(Some(e.to_string()));
            }
        });
    }

    /// Ids of up to `limit` customers matching `query` and `filter`, most recent first
    /// ([`CustomerIndex::search`]); tracks the records.
    pub fn search(&self, query: &str, filter: &Filter, limit: usize) -> Vec<String> {
        self.search_fresh.get();
        self.search
            .with_value(|cache| cache.index.search(query, filter, limit))
    }

    pub fn storage(&self) -> Option<Rc<Storage>> {
        self.storage.get_value()
    }

    /// Opens the signed-in user's database and loads all but the visits into memory: the
    /// customer list is searchable from here. [`Replica::load_history`] adds the visits.
    pub async fn open(&self, session: &Session) -> Result<(), StorageError> {
        let storage = Storage::open(&session.database_name()).await?;
        let records = storage.load_all_but_visits().await?;
        let outbox = storage.outbox().await?;
        let mut all = Records::default();
        for record in records {
            all.put(record);
        }
        let device = session::claim_writer().await;
        self.clock.set_value(Some(session::load_clock(&device)));
        self.storage.set_value(Some(Rc::new(storage)));
        self.records.set(all);
        self.outbox.set(outbox);
        self.loaded.set(true);
        Ok(())
    }

    /// Reads the visits after [`Replica::open`], a slice at a time; an edit or pull that
    /// landed meanwhile is newer than what is read here and is kept.
    pub async fn load_history(&self) -> Result<(), StorageError> {
        let Some(storage) = self.storage() else {
            return Ok(());
        };
        let mut after: Option<String> = None;
        loop {
            let visits = storage
                .load_visits_after(after.as_deref(), HISTORY_SLICE)
                .await?;
            let Some(last) = visits.last() else { break };
            let full = visits.len() == HISTORY_SLICE as usize;
            after = Some(last.id.clone());
            self.records.update(|all| {
                for visit in visits {
                    all.put_missing(visit);
                }
            });
            if !full {
                break;
            }
            // Let the browser draw and take a tap (and the index catch up) between slices.
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        self.history.set(true);
        Ok(())
    }

    /// True once the replica holds everything this device has and no run of pages is under
    /// way: derived work that would be wrong on half a book (planning tasks) waits for it.
    pub fn settled(&self) -> bool {
        self.loaded.get() && self.history.get() && self.receiving.with(Option::is_none)
    }

    /// Closes the database and forgets the in-memory copy (sign-out).
    pub fn close(&self) {
        self.storage.set_value(None);
        self.kick.set_value(None);
        self.records.set(Records::default());
        self.outbox.set(Vec::new());
        self.loaded.set(false);
        self.history.set(false);
        self.receiving.set(None);
        self.connection.set(Connection::Idle);
        self.device_full.set(false);
    }

    /// Signs out on this device and leaves nothing of the user behind: the server revokes the
    /// token (best effort: offline, it ends by idle expiry), the sync loop stops, the user's
    /// IndexedDB database is emptied and deleted, and the session leaves localStorage. The
    /// caller has pushed what was waiting, or the user chose to drop it.
    pub async fn sign_out(&self, session: &Session) {
        let _ = gloo_net::http::Request::post("/api/v1/auth/logout")
            .header("Authorization", &format!("Bearer {}", session.token))
            .send()
            .await;
        Session::clear();
        let storage = self.storage.get_value();
        self.session.set(None);
        self.kick();
        self.close();
        if let Some(mut storage) = storage {
            if let Err(e) = storage.wipe().await {
                leptos::logging::warn!("sign-out: {e}");
            }
            // The sync loop lets go of its handle once it sees the session end.
            for _ in 0..50 {
                match Rc::try_unwrap(storage) {
                    Ok(only) => {
                        only.close();
                        break;
                    }
                    Err(shared) => {
                        storage = shared;
                        gloo_timers::future::TimeoutFuture::new(100).await;
                    }
                }
            }
        }
        // Deleting waits for other tabs to close the database; it is already empty meanwhile.
        let name = session.database_name();
        let delete = Storage::delete(&name);
        let _ = futures::future::select(
            Box::pin(delete),
            gloo_timers::future::TimeoutFuture::new(3_000),
        )
        .await;
        // The next person at this device starts on the main bundle (unless the sign-in screen
        // has something to say about why this one ended).
        if self.signed_out_because.with_untracked(Option::is_none) {
            crate::bundle::leave_manager_bundle();
        }
    }

    pub fn set_kick(&self, sender: UnboundedSender<()>) {
        self.kick.set_value(Some(sender));
    }

    /// Wakes the sync loop (after an edit, on `online`, on a live event).
    pub fn kick(&self) {
        self.kick.with_value(|kick| {
            if let Some(kick) = kick {
                let _ = kick.unbounded_send(());
            }
        });
    }

    /// Runs `f` on the device clock and saves it, so stamps stay monotonic across reloads.
    pub fn with_clock<T>(&self, f: impl FnOnce(&mut Clock) -> T) -> T {
        let mut result = None;
        self.clock.update_value(|clock| {
            let clock = clock.get_or_insert_with(|| Clock::new(session::device_id()));
            result = Some(f(clock));
            session::save_clock(clock);
        });
        result.expect("update_value runs the closure")
    }

    fn author(&self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()))
            .unwrap_or_default()
    }

    /// One user action: several fields of one record, stamped, stored with their outbox entries
    /// in one transaction, then shown and synced.
    pub async fn edit(
        &self,
        kind: &str,
        id: &str,
        fields: Vec<(String, Value)>,
    ) -> Result<(), StorageError> {
        self.edit_many(vec![Edit {
            kind: kind.to_owned(),
            id: id.to_owned(),
            fields,
        }])
        .await
    }

    /// One user action over several records (e.g. moving customers with their open tasks):
    /// every field stamped, stored with its outbox entry in one transaction (all or nothing),
    /// then shown and synced.
    pub async fn edit_many(&self, edits: Vec<Edit>) -> Result<(), StorageError> {
        let storage = self
            .storage()
            .ok_or_else(|| StorageError("not signed in".into()))?;
        let changes = self.stamp(edits);
        let records = storage.write_local(&changes).await?;
        // Space was freed: "storage full" no longer holds (other errors stay shown).
        if self
            .storage_error
            .with_untracked(|e| e.as_deref().is_some_and(crate::storage::is_full))
        {
            self.storage_error.set(None);
        }
        self.show(records);
        self.refresh_outbox().await;
        self.kick();
        Ok(())
    }

    /// Every field of `edits` as a change stamped by the device clock, by the signed-in user.
    fn stamp(&self, edits: Vec<Edit>) -> Vec<Change> {
        let author = self.author();
        let mut changes = Vec::new();
        for edit in edits {
            for (field, value) in edit.fields {
                let hlc = self.with_clock(|clock| clock.tick(session::now_ms()));
                let mut change = Change::new(&edit.kind, &edit.id, &field, value, &hlc.to_string());
                change.author = author.clone();
                changes.push(change);
            }
        }
        changes
    }

    /// Sends a request the server decides (a pool claim, `Storage::request`): into the outbox
    /// only, so this device shows what the server decided once it pulls, never its own guess.
    pub async fn request(&self, edit: Edit) -> Result<(), StorageError> {
        let storage = self
            .storage()
            .ok_or_else(|| StorageError("not signed in".into()))?;
        storage.request(&self.stamp(vec![edit])).await?;
        self.refresh_outbox().await;
        self.kick();
        Ok(())
    }

    /// The signed-in user's id ("" when signed out).
    pub fn user_id(&self) -> String {
        self.author()
    }

    /// Leaves only the anonymous aggregates of the erased customers `ids` on this device
    /// (their records and children, in IndexedDB and in memory) and drops their unsent edits.
    pub async fn forget_erased(&self, ids: &[String]) -> Result<(), StorageError> {
        use huitou_shared::customer::erasure::anonymous;
        let Some(storage) = self.storage() else {
            return Ok(());
        };
        let records: Vec<TrackedRecord> = self.records.with_untracked(|r| {
            ids.iter()
                .flat_map(|id| {
                    r.get(Kind::CUSTOMER, id)
                        .into_iter()
                        .chain(r.get(Kind::POOL, id))
                        .chain(
                            Kind::CHILDREN_OF_CUSTOMER
                                .iter()
                                .flat_map(move |kind| r.children_of(kind, id)),
                        )
                })
                .filter_map(|record| {
                    let kept = anonymous(record);
                    (kept != *record).then_some(kept)
                })
                .collect()
        });
        if records.is_empty() {
            return Ok(());
        }
        let dropped = storage.erase_local(&records).await?;
        if dropped > 0 {
            self.erased_dropped.update(|n| *n += dropped);
        }
        self.records.update(|all| {
            for record in records {
                all.put(record);
            }
        });
        self.refresh_outbox().await;
        Ok(())
    }

    /// The erased customers this device holds (their record, or their pool entry).
    pub fn erased_customers(&self) -> Vec<String> {
        self.records.with_untracked(|r| {
            r.of_kind(Kind::CUSTOMER)
                .chain(r.of_kind(Kind::POOL))
                .filter(|c| huitou_shared::customer::erasure::is_erased(&c.record))
                .map(|c| c.id.clone())
                .collect()
        })
    }

    /// Puts records as stored into the in-memory copy.
    pub fn show(&self, records: Vec<TrackedRecord>) {
        if records.is_empty() {
            return;
        }
        self.records.update(|all| {
            for record in records {
                all.put(record);
            }
        });
    }

    pub async fn refresh_outbox(&self) {
        if let Some(storage) = self.storage() {
            match storage.outbox().await {
                Ok(entries) => self.outbox.set(entries),
                Err(e) => self.storage_error.set(Some(e.to_string())),
            }
        }
    }

    /// The screen's copy of the outbox after a push's answer, as `Storage::settle` left the
    /// stored one: accepted changes (and those of an erased customer) gone, refused ones
    /// marked with their reason.
    pub fn settled_in_memory(
        &self,
        accepted: &[String],
        refused: &[huitou_shared::api::Rejection],
    ) {
        let accepted: std::collections::HashSet<&str> =
            accepted.iter().map(String::as_str).collect();
        let refused: std::collections::HashMap<&str, &huitou_shared::api::Rejection> =
            refused.iter().map(|r| (r.op.as_str(), r)).collect();
        self.outbox.update(|outbox| {
            outbox.retain(|entry| {
                let op = entry.change.op.as_str();
                !accepted.contains(op)
                    && refused
                        .get(op)
                        .is_none_or(|r| r.code != huitou_shared::api::RejectCode::Erased)
            });
            for entry in outbox.iter_mut() {
                if let Some(rejection) = refused.get(entry.change.op.as_str()) {
                    entry.rejection = Some((*rejection).clone());
                }
            }
        });
    }

    /// Gives up on one refused change.
    pub async fn discard(&self, op: &str) {
        if let Some(storage) = self.storage() {
            match storage.discard(op).await {
                Ok(record) => self.show(record.into_iter().collect()),
                Err(e) => self.storage_error.set(Some(e.to_string())),
            }
            self.refresh_outbox().await;
        }
    }

    /// Changes waiting to be sent (not refused).
    pub fn pending(&self) -> usize {
        self.outbox
            .with(|o| o.iter().filter(|e| e.rejection.is_none()).count())
    }

    pub fn rejected(&self) -> usize {
        self.outbox
            .with(|o| o.iter().filter(|e| e.rejection.is_some()).count())
    }
}

pub fn use_replica() -> Replica {
    expect_context::<Replica>()
}
