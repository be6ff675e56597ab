// The SQL shared by the SQLite and PostgreSQL stores, included by each with its own
// `Conn`, `DbRow`, `BackendStore` and `begin_write` (both accept `$N` placeholders).
// Every push holds the backend's single write lock, so log positions are handed out in commit order.

use super::{
    Actor, CustomerRecords, Incoming, Page, Position, PushOutcome, Quarantined, Readers, Round, Store,
    StoreError, StoreResult, Stored, TokenExpiry, TokenUse, UserRow, Verdict,
};
use crate::permissions::{self, CustomerFacts};
use async_trait::async_trait;
use huitou_shared::api::RejectCode;
use huitou_shared::loyalty;
use huitou_shared::model::is_uuid_text;
use huitou_shared::{Change, DeviceId, Kind, Record, Role};
use serde_json::Value;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn user_from_row(row: &DbRow) -> StoreResult<UserRow> {
    let role: String = row.try_get("role")?;
    Ok(UserRow {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        username: row.try_get("username")?,
        name: row.try_get("name")?,
        role: Role::parse(&role).map_err(StoreError::Other)?,
        password_hash: row.try_get("password_hash")?,
        disabled_at: row.try_get("disabled_at")?,
        must_change_password: row.try_get::<i32, _>("must_change_password")? != 0,
        team: row.try_get("team")?,
    })
}

/// The columns `user_from_row` reads, from `users u`.
const USER_COLUMNS: &str =
    "u.id, u.org_id, u.username, u.name, u.role, u.password_hash, u.disabled_at, u.must_change_password, u.team";

fn change_from_row(row: &DbRow) -> StoreResult<Change> {
    let value: String = row.try_get("value")?;
    Ok(Change {
        op: row.try_get("op")?,
        kind: row.try_get("kind")?,
        id: row.try_get("record_id")?,
        field: row.try_get("field")?,
        value: serde_json::from_str(&value).map_err(|e| StoreError::Other(e.to_string()))?,
        hlc: row.try_get("hlc")?,
        author: row.try_get("author")?,
    })
}

fn json_text(value: &Value) -> String {
    // Serialising a serde_json::Value cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Visibility of the customer a `records` row `s` belongs to, for salespeople (`$1` org, `$2`
/// user id): the SQL of `CustomerFacts::visible_to` over the customer's own row.
const VISIBLE_CUSTOMER: &str = "EXISTS (SELECT 1 FROM records o WHERE o.org_id = $1 AND o.kind = 'customer'
    AND o.record_id = s.customer_id
    AND (o.owner = $2 OR o.shared OR (o.owner IS NULL AND o.creator = $2)))";

/// Binds the arguments of a log window query (`log_pass`): the organisation, the user for a
/// salesperson's (whose query names who may read), the window `(after, end]` and the limit.
macro_rules! bind_window {
    ($query:expr, $actor:expr, $after:expr, $end:expr, $limit:expr) => {{
        let query = $query.bind(&$actor.org_id);
        let query = if $actor.role.sees_everything() {
            query
        } else {
            query.bind(&$actor.user_id)
        };
        query
            .bind($after)
            .bind($end)
            .bind(i64::try_from($limit).unwrap_or(i64::MAX))
    }};
}

/// Rows per multi-row `INSERT` (SQLite takes up to 32766 parameters, PostgreSQL 65535).
const ROWS_PER_INSERT: usize = 200;
/// Keys per lookup (`IN (...)` on SQLite, one array on PostgreSQL: see `key_list`).
const KEYS_PER_LOOKUP: usize = 500;
/// Customers whose state one backfill query reads at most.
const CUSTOMERS_PER_BACKFILL: usize = 200;
/// The fields a push reads back while judging: a child's `customer_id`, a customer's `owner` and
/// `shared`, a pool entry's `claimed_by`.
const WATCHED_FIELDS: [&str; 5] = ["customer_id", "owner", "shared", "claimed_by", "erased"];

/// `rows` tuples of `columns` placeholders each, numbered from `first` (see `placeholder`).
fn placeholders(rows: usize, columns: usize, first: usize) -> String {
    let mut text = String::new();
    for row in 0..rows {
        text.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                text.push_str(", ");
            }
            text.push_str(&placeholder(first + row * columns + column));
        }
        text.push(')');
    }
    text
}

/// A record: `(kind, id)`.
type RecordKey = (String, String);

/// A `records` row: where a record belongs and, for a customer, who may read it.
#[derive(Clone, Debug, PartialEq)]
struct RecordRow {
    /// Its number, once stored (`None`: first stored by this push).
    rid: Option<i64>,
    customer_id: Option<String>,
    creator: String,
    /// For organisation-wide rows: the only salesperson who reads it (`None`: everyone).
    private_to: Option<String>,
    /// A customer's winning `owner` (`permissions::owner_of`) and `shared`.
    owner: Option<String>,
    shared: bool,
    /// An erased customer (SYNC §5).
    erased: bool,
}

impl RecordRow {
    fn from_row(row: &DbRow) -> StoreResult<Self> {
        Ok(Self {
            rid: Some(row.try_get("rid")?),
            customer_id: row.try_get("customer_id")?,
            creator: row.try_get("creator")?,
            private_to: row.try_get("private_to")?,
            owner: row.try_get("owner")?,
            shared: row.try_get("shared")?,
            erased: row.try_get("erased")?,
        })
    }
}

/// The clock of a watched field's winning write, as the `fields` table holds it.
#[derive(Clone, Debug)]
struct Written {
    hlc: String,
    op: String,
}

impl Written {
    /// The merge rule of `huitou_shared::merge::beats`: the greater `(hlc, op)` wins.
    fn beaten_by(&self, change: &Change) -> bool {
        (change.hlc.as_str(), change.op.as_str()) > (self.hlc.as_str(), self.op.as_str())
    }
}

/// A change refused by judging (or validation), on its way to the quarantine.
struct Refusal<'a> {
    op: &'a str,
    raw: std::borrow::Cow<'a, Value>,
    code: RejectCode,
    message: String,
    /// The customer the change belongs to, when the server can tell (an erasure purges the
    /// quarantine by it).
    customer: Option<String>,
}

/// One push, judged in memory and written in bulk.
///
/// Judging a change reads the `records` rows and the clocks of watched fields of the records
/// it touches, as earlier changes of the same push left them. Those rows are loaded in a few
/// bulk queries at the start (inside the push's transaction), any other one on first use,
/// and every store updates them here exactly as its SQL would; the push, `records`, log,
/// `fields` and quarantine rows are then written with multi-row statements before the commit. The
/// outcome is that of running each change's statements one after the other, with a few
/// dozen statements per push instead of several per change.
struct Batch<'a> {
    actor: &'a Actor,
    /// Ops already in the log, or stored by this push.
    stored_ops: HashSet<String>,
    /// Records rows as the database had them before this push (`None`: no row).
    scope_before: HashMap<RecordKey, Option<RecordRow>>,
    /// Records rows with this push's writes.
    scope: HashMap<RecordKey, Option<RecordRow>>,
    /// Clocks of watched fields with this push's writes.
    watched: HashMap<RecordKey, HashMap<String, Written>>,
    /// Changes to append to the log, in order, with their encoded value.
    log: Vec<(&'a Change, String)>,
    /// Per field `(kind, id, field)`, the index in `log` of the change the field takes:
    /// the greatest clock, the earliest on a tie (what one upsert after another leaves).
    winners: HashMap<(&'a str, &'a str, &'a str), usize>,
    refused: Vec<Refusal<'a>>,
    /// Who may read what this push stores.
    readers: Readers,
    /// Loyalty ledgers and vouchers as stored and as this push wrote them (`Loyalty`).
    loyalty: Loyalty,
}

/// What judging loyalty changes reads (`huitou_shared::loyalty`): the organisation's rules,
/// each touched ledger `(kind, customer)` and each touched voucher, loaded on first use and
/// kept up to date with this push's writes.
#[derive(Default)]
struct Loyalty {
    /// The organisation's rules and time zone (minutes east of UTC).
    rules: Option<(loyalty::LoyaltyRules, i32)>,
    ledgers: HashMap<(String, String), Ledger>,
    /// Voucher id → its winning `redeemed_visit` write: `(value, hlc, op)`.
    vouchers: HashMap<String, Option<(Value, String, String)>>,
}

/// One customer's ledger of one kind: entry id → its written-once fields.
#[derive(Default)]
struct Ledger {
    entries: HashMap<String, LedgerEntry>,
}

#[derive(Default)]
struct LedgerEntry {
    amount: Option<loyalty::Entry>,
    kind: Option<String>,
}

impl Ledger {
    fn taken(&self) -> Vec<loyalty::Entry> {
        self.entries.values().filter_map(|e| e.amount.clone()).collect()
    }
}

impl<'a> Batch<'a> {
    /// Loads what judging `incoming` will read: stored ops, scope rows and watched fields.
    async fn load(
        conn: &mut Conn,
        actor: &'a Actor,
        incoming: &'a [Incoming],
        parents: &HashMap<(String, String), String>,
    ) -> StoreResult<Self> {
        let mut batch = Self {
            actor,
            stored_ops: HashSet::new(),
            scope_before: HashMap::new(),
            scope: HashMap::new(),
            watched: HashMap::new(),
            log: Vec::with_capacity(incoming.len()),
            winners: HashMap::with_capacity(incoming.len()),
            refused: Vec::new(),
            readers: Readers::default(),
            loyalty: Loyalty::default(),
        };
        let mut ops: Vec<&str> = Vec::new();
        // kind → ids whose scope row and watched fields judging may read.
        let mut records: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for item in incoming {
            if let Incoming::Valid { change, .. } = item {
                ops.push(&change.op);
                records.entry(&change.kind).or_default().insert(&change.id);
                if change.field == "customer_id"
                    && let Some(customer) = change.value.as_str()
                {
                    records.entry(Kind::CUSTOMER).or_default().insert(customer);
                }
            }
        }
        for customer in parents.values() {
            records.entry(Kind::CUSTOMER).or_default().insert(customer);
        }
        ops.sort_unstable();
        ops.dedup();
        for chunk in ops.chunks(KEYS_PER_LOOKUP) {
            let sql = format!(
                "SELECT op FROM log WHERE org_id = {} AND op {}",
                placeholder(1),
                key_list(2, chunk.len())
            );
            let query =
                sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).bind(&actor.org_id);
            let query = bind_keys!(query, chunk);
            batch.stored_ops.extend(query.fetch_all(&mut *conn).await?);
        }
        for (kind, ids) in records {
            let ids: Vec<&str> = ids.into_iter().collect();
            for chunk in ids.chunks(KEYS_PER_LOOKUP) {
                batch.load_records(conn, kind, chunk).await?;
            }
        }
        Ok(batch)
    }

    /// Loads the records rows and watched fields' clocks of records `(kind, id)`, `ids` not empty.
    async fn load_records(&mut self, conn: &mut Conn, kind: &str, ids: &[&str]) -> StoreResult<()> {
        let org = &self.actor.org_id;
        let sql = format!(
            "SELECT rid, record_id, customer_id, creator, private_to, owner, shared, erased FROM records
             WHERE org_id = {} AND kind = {} AND record_id {}",
            placeholder(1),
            placeholder(2),
            key_list(3, ids.len())
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org).bind(kind);
        let query = bind_keys!(query, ids);
        let mut scope: HashMap<String, RecordRow> = HashMap::new();
        for row in query.fetch_all(&mut *conn).await? {
            scope.insert(row.try_get("record_id")?, RecordRow::from_row(&row)?);
        }
        let sql = format!(
            "SELECT r.record_id, f.field, f.hlc, f.op FROM records r JOIN fields f ON f.rid = r.rid
             WHERE r.org_id = {} AND r.kind = {} AND r.record_id {}
             AND f.field IN ('customer_id', 'owner', 'shared', 'claimed_by', 'erased')",
            placeholder(1),
            placeholder(2),
            key_list(3, ids.len())
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org).bind(kind);
        let query = bind_keys!(query, ids);
        let mut watched: HashMap<String, HashMap<String, Written>> = HashMap::new();
        for row in query.fetch_all(&mut *conn).await? {
            watched
                .entry(row.try_get("record_id")?)
                .or_default()
                .insert(
                    row.try_get("field")?,
                    Written {
                        hlc: row.try_get("hlc")?,
                        op: row.try_get("op")?,
                    },
                );
        }
        for id in ids {
            let key = (kind.to_owned(), (*id).to_owned());
            let row = scope.remove(*id);
            self.scope_before.insert(key.clone(), row.clone());
            self.scope.insert(key.clone(), row);
            self.watched
                .insert(key, watched.remove(*id).unwrap_or_default());
        }
        Ok(())
    }

    /// Makes sure record `(kind, id)` is loaded.
    async fn ensure(&mut self, conn: &mut Conn, kind: &str, id: &str) -> StoreResult<()> {
        if !self.scope.contains_key(&(kind.to_owned(), id.to_owned())) {
            self.load_records(conn, kind, &[id]).await?;
        }
        Ok(())
    }

    async fn scope_row(
        &mut self,
        conn: &mut Conn,
        kind: &str,
        id: &str,
    ) -> StoreResult<Option<RecordRow>> {
        self.ensure(conn, kind, id).await?;
        Ok(self
            .scope
            .get(&(kind.to_owned(), id.to_owned()))
            .cloned()
            .flatten())
    }

    /// What the server knows about a customer: its creator, `owner` and `shared`, from its `records` row.
    async fn customer_facts(
        &mut self,
        conn: &mut Conn,
        customer_id: &str,
    ) -> StoreResult<CustomerFacts> {
        Ok(match self.scope_row(conn, Kind::CUSTOMER, customer_id).await? {
            Some(row) => CustomerFacts {
                exists: true,
                creator: Some(row.creator),
                owner: row.owner,
                shared: row.shared,
                erased: row.erased,
            },
            None => CustomerFacts::default(),
        })
    }

    /// Where a change may go: its scope customer, or why it is refused.
    async fn judge(
        &mut self,
        conn: &mut Conn,
        change: &Change,
        parents: &HashMap<(String, String), String>,
    ) -> StoreResult<Judgement> {
        let facts = self.facts_for(conn, change, parents).await?;
        Ok(permissions::judge(self.actor, change, &facts))
    }

    /// Looks up what `permissions::judge` needs to decide on `change`: the facts of every
    /// customer it touches and, for other kinds, whom the record is private to.
    async fn facts_for(
        &mut self,
        conn: &mut Conn,
        change: &Change,
        parents: &HashMap<(String, String), String>,
    ) -> StoreResult<permissions::Facts> {
        let mut facts = permissions::Facts::default();
        // Managers may write anything but an erased customer's records: where a record goes
        // and whether its customer was erased are needed, not who reads it.
        let salesperson = !self.actor.role.sees_everything();
        if change.kind == Kind::CUSTOMER {
            facts.customer = Some(self.customer_facts(conn, &change.id).await?);
        } else if Kind::is_child_of_customer(&change.kind) {
            let home = self
                .scope_row(conn, &change.kind, &change.id)
                .await?
                .and_then(|row| row.customer_id);
            let named = (change.field == "customer_id")
                .then(|| change.value.as_str().map(str::to_owned))
                .flatten();
            let from_batch = parents
                .get(&(change.kind.clone(), change.id.clone()))
                .cloned();
            for (slot, id) in [
                (&mut facts.home, home),
                (&mut facts.named, named),
                (&mut facts.from_batch, from_batch),
            ] {
                if let Some(id) = id {
                    let customer = self.customer_facts(conn, &id).await?;
                    *slot = Some((id, customer));
                }
            }
        } else if change.kind == Kind::POOL {
            let entry = self.scope_row(conn, &change.kind, &change.id).await?;
            let claimed_stamp = self
                .watched
                .get(&(change.kind.clone(), change.id.clone()))
                .and_then(|fields| fields.get("claimed_by"))
                .map(|w| (w.hlc.clone(), w.op.clone()));
            let customer = self.customer_facts(conn, &change.id).await?;
            facts.pool = Some(permissions::PoolFacts {
                exists: entry.is_some(),
                claimed_by: entry.and_then(|row| row.owner),
                claimed_stamp,
                customer_owner: customer.owner.clone(),
            });
            // A claim of an erased customer is refused like any change of it.
            facts.named = Some((change.id.clone(), customer));
        } else if salesperson {
            facts.private_to = self
                .scope_row(conn, &change.kind, &change.id)
                .await?
                .map(|row| row.private_to);
        }
        Ok(facts)
    }

    /// The loyalty rules a change must keep beyond permissions (`huitou_shared::loyalty`):
    /// ledger entries are written once and never deleted, a taking entry keeps its ledger
    /// covered (`insufficient`), a voucher is redeemed once (`already_redeemed`), refunds and
    /// undoing a redemption are a manager's. `None`: nothing against it.
    async fn loyalty_refusal(
        &mut self,
        conn: &mut Conn,
        change: &Change,
        customer: Option<&str>,
    ) -> StoreResult<Option<(RejectCode, String)>> {
        let kind = change.kind.as_str();
        let field = change.field.as_str();
        let manager = self.actor.role.sees_everything();
        match kind {
            loyalty::POINTS | loyalty::STORED_VALUE => {
                if field == "deleted" {
                    return Ok((change.value != Value::Bool(false)).then(|| {
                        (
                            RejectCode::Invalid,
                            format!("{kind}.deleted: a ledger entry is never deleted; add a correcting entry"),
                        )
                    }));
                }
                if !loyalty::LEDGER_FIXED.contains(&field) {
                    return Ok(None);
                }
                let Some(customer) = customer else {
                    return Ok(None);
                };
                if kind == loyalty::STORED_VALUE
                    && field == "type"
                    && change.value.as_str() == Some(loyalty::ValueType::Refund.as_str())
                    && !manager
                {
                    return Ok(Some((
                        RejectCode::Forbidden,
                        "stored_value.type: only a manager can refund stored value".into(),
                    )));
                }
                let (rules, offset) = self.loyalty_rules(conn).await?;
                let ledger = self.ledger(conn, kind, customer).await?;
                let entry = ledger.entries.get(&change.id);
                let written = match field {
                    "amount" => entry.is_some_and(|e| e.amount.is_some()),
                    _ => entry.is_some_and(|e| e.kind.is_some()),
                };
                if written {
                    return Ok(Some((
                        RejectCode::Invalid,
                        format!("{kind}.{field}: a ledger entry is written once; add a correcting entry"),
                    )));
                }
                let (amount, value_type) = match field {
                    "amount" => (
                        loyalty::amount_of(kind, &change.value),
                        entry.and_then(|e| e.kind.as_deref()),
                    ),
                    _ => (
                        entry.and_then(|e| e.amount.as_ref()).map(|e| e.amount),
                        change.value.as_str(),
                    ),
                };
                if let (Some(amount), Some(value_type)) = (amount, value_type.and_then(loyalty::ValueType::parse)) {
                    let credit = matches!(value_type, loyalty::ValueType::TopUp | loyalty::ValueType::Bonus);
                    if credit != (amount > 0) {
                        return Ok(Some((
                            RejectCode::Invalid,
                            format!("stored_value.amount: a {} is {}", value_type.as_str(), if credit { "positive" } else { "negative" }),
                        )));
                    }
                }
                if field != "amount" {
                    return Ok(None);
                }
                if kind == loyalty::STORED_VALUE && value_type.is_none() {
                    return Ok(Some((
                        RejectCode::Invalid,
                        "stored_value.amount: the entry's type (top_up, bonus, spend or refund) must come first".into(),
                    )));
                }
                let Some(amount) = amount else {
                    return Ok(Some((RejectCode::Invalid, format!("{kind}.amount: must be a number"))));
                };
                let millis = huitou_shared::Hlc::parse(&change.hlc).map(|h| h.millis).unwrap_or(0);
                let taking = loyalty::Entry::new(&change.id, millis, amount);
                let expiry = if kind == loyalty::POINTS { rules.points_expiry } else { loyalty::Expiry::Never };
                let ledger = ledger.taken();
                if !loyalty::may_take(&ledger, &taking, expiry, offset) {
                    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
                    let available = loyalty::replay(&ledger, expiry, offset, now).available;
                    let shown = if kind == loyalty::POINTS {
                        format!("{available} points")
                    } else {
                        format!("{:.2}", loyalty::money(available))
                    };
                    return Ok(Some((
                        RejectCode::Insufficient,
                        format!("{kind}.amount: the balance is {shown} at the server, not enough for {}", change.value),
                    )));
                }
                Ok(None)
            }
            loyalty::VOUCHER if field == "redeemed_visit" => {
                let current = self.voucher(conn, &change.id).await?;
                let held = current.as_ref().and_then(|(value, _, _)| value.as_str()).filter(|v| !v.is_empty());
                match (held, change.value.as_str()) {
                    (Some(held), Some(visit)) if held != visit => Ok(Some((
                        RejectCode::AlreadyRedeemed,
                        format!("voucher.redeemed_visit: this voucher was already redeemed, at visit {held}"),
                    ))),
                    (Some(_), None) if !manager => Ok(Some((
                        RejectCode::Forbidden,
                        "voucher.redeemed_visit: only a manager can undo a redemption".into(),
                    ))),
                    _ => Ok(None),
                }
            }
            _ => Ok(None),
        }
    }

    /// The organisation's loyalty rules and time zone, from its `settings` record.
    async fn loyalty_rules(&mut self, conn: &mut Conn) -> StoreResult<(loyalty::LoyaltyRules, i32)> {
        if let Some(rules) = &self.loyalty.rules {
            return Ok(rules.clone());
        }
        let rows = sqlx::query(
            "SELECT l.op, r.kind, r.record_id, f.field, l.value, l.hlc, l.author
             FROM records r JOIN fields f ON f.rid = r.rid JOIN log l ON l.seq = f.seq
             WHERE r.org_id = $1 AND r.kind = $2 AND r.record_id = $3",
        )
        .bind(&self.actor.org_id)
        .bind(Kind::SETTINGS)
        .bind(huitou_shared::retention::settings::OrgSettings::RECORD_ID)
        .fetch_all(&mut *conn)
        .await?;
        let mut record = Record::default();
        for row in &rows {
            record.apply(&change_from_row(row)?);
        }
        let settings = huitou_shared::retention::settings::OrgSettings::from_record(Some(&record));
        let rules = (settings.loyalty, settings.utc_offset_minutes.unwrap_or(0));
        self.loyalty.rules = Some(rules.clone());
        Ok(rules)
    }

    /// A customer's ledger of one kind, loaded on first use.
    async fn ledger(&mut self, conn: &mut Conn, kind: &str, customer: &str) -> StoreResult<&Ledger> {
        let key = (kind.to_owned(), customer.to_owned());
        if !self.loyalty.ledgers.contains_key(&key) {
            let rows = sqlx::query(
                "SELECT r.record_id, f.field, l.value, l.hlc
                 FROM records r JOIN fields f ON f.rid = r.rid JOIN log l ON l.seq = f.seq
                 WHERE r.org_id = $1 AND r.customer_id = $2 AND r.kind = $3
                 AND f.field IN ('amount', 'type')",
            )
            .bind(&self.actor.org_id)
            .bind(customer)
            .bind(kind)
            .fetch_all(&mut *conn)
            .await?;
            let mut ledger = Ledger::default();
            for row in &rows {
                let id: String = row.try_get("record_id")?;
                let field: String = row.try_get("field")?;
                let value: String = row.try_get("value")?;
                let hlc: String = row.try_get("hlc")?;
                let value: Value = serde_json::from_str(&value).map_err(|e| StoreError::Other(e.to_string()))?;
                let entry = ledger.entries.entry(id.clone()).or_default();
                note_ledger_field(entry, kind, &id, &field, &value, &hlc);
            }
            self.loyalty.ledgers.insert(key.clone(), ledger);
        }
        Ok(&self.loyalty.ledgers[&key])
    }

    /// A voucher's winning `redeemed_visit` write, loaded on first use.
    async fn voucher(&mut self, conn: &mut Conn, id: &str) -> StoreResult<Option<(Value, String, String)>> {
        if !self.loyalty.vouchers.contains_key(id) {
            let row = sqlx::query(
                "SELECT l.value, l.hlc, l.op
                 FROM records r JOIN fields f ON f.rid = r.rid JOIN log l ON l.seq = f.seq
                 WHERE r.org_id = $1 AND r.kind = $2 AND r.record_id = $3 AND f.field = 'redeemed_visit'",
            )
            .bind(&self.actor.org_id)
            .bind(loyalty::VOUCHER)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            let current = match row {
                Some(row) => {
                    let value: String = row.try_get("value")?;
                    Some((
                        serde_json::from_str(&value).map_err(|e| StoreError::Other(e.to_string()))?,
                        row.try_get("hlc")?,
                        row.try_get("op")?,
                    ))
                }
                None => None,
            };
            self.loyalty.vouchers.insert(id.to_owned(), current);
        }
        Ok(self.loyalty.vouchers[id].clone())
    }

    /// Keeps the loaded ledgers and vouchers as this push's stored `change` leaves them.
    fn note_loyalty(&mut self, change: &Change, customer: Option<&str>) {
        match change.kind.as_str() {
            kind @ (loyalty::POINTS | loyalty::STORED_VALUE) => {
                let Some(customer) = customer else { return };
                if let Some(ledger) = self
                    .loyalty
                    .ledgers
                    .get_mut(&(kind.to_owned(), customer.to_owned()))
                {
                    let entry = ledger.entries.entry(change.id.clone()).or_default();
                    note_ledger_field(entry, kind, &change.id, &change.field, &change.value, &change.hlc);
                }
            }
            loyalty::VOUCHER if change.field == "redeemed_visit" => {
                if let Some(current) = self.loyalty.vouchers.get_mut(&change.id) {
                    let wins = current.as_ref().is_none_or(|(_, hlc, op)| {
                        (change.hlc.as_str(), change.op.as_str()) > (hlc.as_str(), op.as_str())
                    });
                    if wins {
                        *current = Some((change.value.clone(), change.hlc.clone(), change.op.clone()));
                    }
                }
            }
            _ => {}
        }
    }

    /// Stores one change: appended to the log, folded into `fields` with the merge rule, and
    /// into `records` (the record's customer, set when a child's `customer_id` wins).
    async fn store(
        &mut self,
        conn: &mut Conn,
        change: &'a Change,
        customer: Option<&str>,
        private_to: Option<&str>,
    ) -> StoreResult<()> {
        self.ensure(conn, &change.kind, &change.id).await?;
        self.note_readers(conn, change, customer, private_to).await?;
        self.stored_ops.insert(change.op.clone());
        let index = self.log.len();
        self.log.push((change, json_text(&change.value)));
        // The merge rule: a field only takes a write with a greater (clock, op).
        let field = (
            change.kind.as_str(),
            change.id.as_str(),
            change.field.as_str(),
        );
        match self.winners.get(&field) {
            Some(&winner)
                if (self.log[winner].0.hlc.as_str(), self.log[winner].0.op.as_str())
                    >= (change.hlc.as_str(), change.op.as_str()) => {}
            _ => {
                self.winners.insert(field, index);
            }
        }
        let key = (change.kind.clone(), change.id.clone());
        let row = self.scope.entry(key.clone()).or_insert(None);
        if row.is_none() {
            *row = Some(RecordRow {
                rid: None,
                customer_id: customer.map(str::to_owned),
                creator: self.actor.user_id.clone(),
                private_to: private_to.map(str::to_owned),
                owner: None,
                shared: false,
                erased: false,
            });
        }
        if WATCHED_FIELDS.contains(&change.field.as_str()) {
            let fields = self.watched.entry(key.clone()).or_default();
            let won = fields
                .get(&change.field)
                .is_none_or(|current| current.beaten_by(change));
            if won {
                fields.insert(
                    change.field.clone(),
                    Written {
                        hlc: change.hlc.clone(),
                        op: change.op.clone(),
                    },
                );
                if let Some(Some(row)) = self.scope.get_mut(&key) {
                    let customer = change.kind == Kind::CUSTOMER;
                    match change.field.as_str() {
                        "customer_id" if Kind::is_child_of_customer(&change.kind) => {
                            row.customer_id = change.value.as_str().map(str::to_owned);
                        }
                        "owner" if customer => row.owner = stored_owner(&change.value),
                        // A pool entry's `owner` column holds who claimed it.
                        "claimed_by" if change.kind == Kind::POOL => {
                            row.owner = stored_owner(&change.value);
                        }
                        "shared" if customer => row.shared = change.value.as_bool().unwrap_or(false),
                        "erased" if customer => row.erased = change.value.as_bool().unwrap_or(false),
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds whoever may read `change` to this push's readers: those of its customer, and,
    /// when it changes who reads a record, those who read it until now.
    async fn note_readers(
        &mut self,
        conn: &mut Conn,
        change: &Change,
        customer: Option<&str>,
        private_to: Option<&str>,
    ) -> StoreResult<()> {
        match (customer, private_to) {
            (Some(customer), _) => {
                self.readers.customers.insert(customer.to_owned());
            }
            (None, Some(user)) => {
                self.readers.users.insert(user.to_owned());
            }
            (None, None) => self.readers.everyone = true,
        }
        let customer_before = if change.kind == Kind::CUSTOMER
            && (change.field == "owner" || change.field == "shared")
        {
            Some(change.id.clone())
        } else if change.field == "customer_id" && Kind::is_child_of_customer(&change.kind) {
            self.scope_row(conn, &change.kind, &change.id)
                .await?
                .and_then(|row| row.customer_id)
        } else {
            None
        };
        if let Some(before) = customer_before {
            let facts = self.customer_facts(conn, &before).await?;
            self.readers.everyone |= facts.shared;
            self.readers
                .users
                .extend(facts.owner.into_iter().chain(facts.creator));
            self.readers.customers.insert(before);
        }
        Ok(())
    }

    /// Refuses a change, noting the customer it belongs to (`customer_of`).
    async fn refuse(
        &mut self,
        conn: &mut Conn,
        op: &'a str,
        raw: std::borrow::Cow<'a, Value>,
        code: RejectCode,
        message: String,
        parents: &HashMap<(String, String), String>,
    ) -> StoreResult<()> {
        let customer = self.customer_of(conn, &raw, parents).await?;
        self.refused.push(Refusal {
            op,
            raw,
            code,
            message,
            customer,
        });
        Ok(())
    }

    /// The customer a change (as pushed, valid or not) belongs to, as far as the server can
    /// tell: a customer or its pool entry itself; a child record's customer as the change,
    /// an earlier change of the push, or the stored record names it. `None` for
    /// organisation-wide records and children the server never saw.
    async fn customer_of(
        &mut self,
        conn: &mut Conn,
        raw: &Value,
        parents: &HashMap<(String, String), String>,
    ) -> StoreResult<Option<String>> {
        // Only ids of the shape the server stores are looked up or noted (an invalid change
        // may carry anything, NUL characters included).
        let text = |key: &str| raw.get(key).and_then(Value::as_str);
        let (Some(kind), Some(id)) = (text("kind"), text("id").filter(|id| is_uuid_text(id)))
        else {
            return Ok(None);
        };
        if kind == Kind::CUSTOMER || kind == Kind::POOL {
            return Ok(Some(id.to_owned()));
        }
        if !Kind::is_child_of_customer(kind) {
            return Ok(None);
        }
        if text("field") == Some("customer_id")
            && let Some(customer) = text("value").filter(|id| is_uuid_text(id))
        {
            return Ok(Some(customer.to_owned()));
        }
        if let Some(customer) = parents.get(&(kind.to_owned(), id.to_owned())) {
            return Ok(Some(customer.clone()));
        }
        Ok(self
            .scope_row(conn, kind, id)
            .await?
            .and_then(|row| row.customer_id))
    }

    /// True when `customer` was erased: nothing of it may be kept, not even in the quarantine.
    async fn is_erased(&mut self, conn: &mut Conn, customer: Option<&str>) -> StoreResult<bool> {
        Ok(match customer {
            Some(customer) => self.customer_facts(conn, customer).await?.erased,
            None => false,
        })
    }

    /// Writes the push, `records`, log, `fields` and quarantine rows of this push.
    async fn write(self, conn: &mut Conn, device: &DeviceId, at: &str) -> StoreResult<Readers> {
        let actor = self.actor;
        let org = actor.org_id.as_str();
        // Records first: the log and `fields` name each record by its number.
        let mut rids: HashMap<RecordKey, i64> = HashMap::with_capacity(self.scope.len());
        let mut changed: Vec<(RecordKey, RecordRow)> = Vec::new();
        for (key, row) in self.scope {
            let Some(row) = row else { continue };
            let before = self.scope_before.get(&key).cloned().flatten();
            if before.as_ref() == Some(&row) {
                if let Some(rid) = row.rid {
                    rids.insert(key, rid);
                }
            } else {
                changed.push((key, row));
            }
        }
        changed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for chunk in changed.chunks(ROWS_PER_INSERT) {
            // A new row, or an existing one whose customer or readers changed (its creator stays).
            let sql = format!(
                "INSERT INTO records (org_id, kind, record_id, customer_id, creator, private_to, owner, shared, erased)
                 VALUES {}
                 ON CONFLICT (org_id, kind, record_id) DO UPDATE
                 SET customer_id = excluded.customer_id, owner = excluded.owner, shared = excluded.shared,
                     erased = excluded.erased
                 RETURNING rid, kind, record_id",
                placeholders(chunk.len(), 9, 1)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for ((kind, id), row) in chunk {
                query = query
                    .bind(org)
                    .bind(kind)
                    .bind(id)
                    .bind(&row.customer_id)
                    .bind(&row.creator)
                    .bind(&row.private_to)
                    .bind(&row.owner)
                    .bind(row.shared)
                    .bind(row.erased);
            }
            for row in query.fetch_all(&mut *conn).await? {
                rids.insert(
                    (row.try_get("kind")?, row.try_get("record_id")?),
                    row.try_get("rid")?,
                );
            }
        }
        let rid_of = |change: &Change| -> StoreResult<i64> {
            rids.get(&(change.kind.clone(), change.id.clone()))
                .copied()
                .ok_or_else(|| StoreError::Other(format!("no record number for {}", change.id)))
        };
        // Where each stored change landed in the log, by op.
        let mut seqs: HashMap<String, i64> = HashMap::with_capacity(self.log.len());
        if !self.log.is_empty() {
            let push: i64 = sqlx::query_scalar(
                "INSERT INTO pushes (device, received_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(device.as_str())
            .bind(at)
            .fetch_one(&mut *conn)
            .await?;
            // Where the backend hands positions out itself (SQLite: after the greatest ever
            // given, which `sqlite_sequence` keeps even when an erasure deleted the last rows),
            // they are written with the rows and need not come back.
            let mut next = first_log_seq(conn).await?;
            for chunk in self.log.chunks(ROWS_PER_INSERT) {
                let sql = match next {
                    Some(_) => format!(
                        "INSERT INTO log (seq, org_id, op, rid, kind, record_id, field, value, hlc, author, push)
                         VALUES {}",
                        placeholders(chunk.len(), 11, 1)
                    ),
                    None => format!(
                        "INSERT INTO log (org_id, op, rid, kind, record_id, field, value, hlc, author, push)
                         VALUES {} RETURNING seq, op",
                        placeholders(chunk.len(), 10, 1)
                    ),
                };
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (change, value) in chunk {
                    if let Some(seq) = next.as_mut() {
                        query = query.bind(*seq);
                        seqs.insert(change.op.clone(), *seq);
                        *seq += 1;
                    }
                    query = query
                        .bind(org)
                        .bind(&change.op)
                        .bind(rid_of(change)?)
                        .bind(&change.kind)
                        .bind(&change.id)
                        .bind(&change.field)
                        .bind(value)
                        .bind(&change.hlc)
                        .bind(&change.author)
                        .bind(push);
                }
                if next.is_some() {
                    query.execute(&mut *conn).await?;
                } else {
                    for row in query.fetch_all(&mut *conn).await? {
                        seqs.insert(row.try_get("op")?, row.try_get("seq")?);
                    }
                }
            }
        }
        // The merge rule: a field only takes a write with a greater (clock, op).
        let mut winners: Vec<(i64, &str, usize)> = Vec::with_capacity(self.winners.len());
        for ((_, _, field), index) in self.winners {
            winners.push((rid_of(self.log[index].0)?, field, index));
        }
        winners.sort_unstable();
        for chunk in winners.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO fields (rid, field, hlc, op, seq)
                 VALUES {}
                 ON CONFLICT (rid, field) DO UPDATE
                 SET hlc = excluded.hlc, op = excluded.op, seq = excluded.seq
                 WHERE (excluded.hlc, excluded.op) > (fields.hlc, fields.op)",
                placeholders(chunk.len(), 5, 1)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for &(rid, field, index) in chunk {
                let change = self.log[index].0;
                let seq = seqs.get(&change.op).copied().ok_or_else(|| {
                    StoreError::Other(format!("no log position for {}", change.op))
                })?;
                query = query
                    .bind(rid)
                    .bind(field)
                    .bind(&change.hlc)
                    .bind(&change.op)
                    .bind(seq);
            }
            query.execute(&mut *conn).await?;
        }
        // A change of an erased customer is dropped, not kept: keeping it would keep what
        // was erased (SYNC §5).
        let quarantined: Vec<&Refusal<'_>> = self
            .refused
            .iter()
            .filter(|r| r.code != RejectCode::Erased)
            .collect();
        for chunk in quarantined.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO quarantine (org_id, user_id, device, op, change, code, message, at, customer_id) VALUES {}",
                placeholders(chunk.len(), 9, 1)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for refusal in chunk {
                query = query
                    .bind(org)
                    .bind(&actor.user_id)
                    .bind(device.as_str())
                    .bind(storable(refusal.op, 200))
                    .bind(quarantine_body(&refusal.raw))
                    .bind(refusal.code.as_str())
                    .bind(storable(&refusal.message, 2000))
                    .bind(at)
                    .bind(refusal.customer.as_deref().map(|c| storable(c, 200)));
            }
            query.execute(&mut *conn).await?;
        }
        if !quarantined.is_empty() {
            // One user parks at most QUARANTINE_PER_USER refusals; the oldest go first. The
            // device still holds each refused change in its outbox, with the reason.
            sqlx::query(
                "DELETE FROM quarantine WHERE org_id = $1 AND user_id = $2 AND id <= (
                   SELECT id FROM quarantine WHERE org_id = $1 AND user_id = $2
                   ORDER BY id DESC LIMIT 1 OFFSET $3)",
            )
            .bind(org)
            .bind(&actor.user_id)
            .bind(i64::try_from(super::QUARANTINE_PER_USER).unwrap_or(i64::MAX))
            .execute(&mut *conn)
            .await?;
        }
        Ok(self.readers)
    }
}

/// A customer's `owner` as its `records` row keeps it (`permissions::owner_of`), with any NUL
/// character (which PostgreSQL cannot keep in text) replaced: such an owner names no user
/// either way, so the customer still reaches nobody but managers.
/// Notes a written-once ledger field (`amount`, `type`) on its entry.
fn note_ledger_field(entry: &mut LedgerEntry, kind: &str, id: &str, field: &str, value: &Value, hlc: &str) {
    match field {
        "amount" => {
            let millis = huitou_shared::Hlc::parse(hlc).map(|h| h.millis).unwrap_or(0);
            // An amount that is no number counts as nothing, but is still written.
            let amount = loyalty::amount_of(kind, value).unwrap_or(0);
            entry.amount = Some(loyalty::Entry::new(id, millis, amount));
        }
        "type" => entry.kind = Some(value.as_str().unwrap_or_default().to_owned()),
        _ => {}
    }
}

fn stored_owner(value: &Value) -> Option<String> {
    permissions::owner_of(value).map(|owner| owner.replace('\0', "\u{fffd}"))
}

/// Text a refusal carries (an invalid change's op, the message quoting it) as a database keeps
/// it: without NUL characters (PostgreSQL refuses them in text), at most `max` characters.
fn storable(text: &str, max: usize) -> String {
    text.chars().filter(|c| *c != '\0').take(max).collect()
}

/// A refused change as the quarantine keeps it: whole up to `QUARANTINE_BODY_BYTES`, otherwise
/// its identifying fields and its size (the device keeps the whole change).
fn quarantine_body(raw: &Value) -> String {
    let text = json_text(raw);
    if text.len() <= super::QUARANTINE_BODY_BYTES {
        return text;
    }
    let mut summary = serde_json::Map::new();
    for key in ["op", "kind", "id", "field", "hlc"] {
        if let Some(Value::String(value)) = raw.get(key) {
            let value: String = value.chars().take(80).collect();
            summary.insert(key.to_owned(), Value::String(value));
        }
    }
    summary.insert("truncated_bytes".to_owned(), text.len().into());
    json_text(&Value::Object(summary))
}

use permissions::Judgement;

/// A unit of a round's backfill: a customer that became visible (its whole history), or a
/// child record that moved to a visible customer (its whole record). Ordered by `key`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Customer(String),
    Record(String, String),
}

impl Unit {
    fn key(&self) -> String {
        match self {
            Self::Customer(id) => format!("c\u{1}{id}"),
            Self::Record(kind, id) => format!("r\u{1}{kind}\u{1}{id}"),
        }
    }
}

/// Where backfill stands: the unit and the last `(kind, record_id, field)` sent of it.
fn backfill_key(unit: &Unit, change: &Change) -> String {
    format!(
        "{}\u{2}{}\u{1}{}\u{1}{}",
        unit.key(),
        change.kind,
        change.id,
        change.field
    )
}

/// Splits a backfill key into the unit key and the last row `(kind, record_id, field)`.
fn split_backfill_key(key: &str) -> (String, (String, String, String)) {
    let (unit, row) = key.split_once('\u{2}').unwrap_or((key, ""));
    let mut parts = row.splitn(3, '\u{1}').map(str::to_owned);
    let row = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    (unit.to_owned(), row)
}

impl BackendStore {
    /// The customers whose visibility may have changed in the log window `(after, end]`
    /// (their `owner` or `shared` was written), and the child records that moved (their
    /// `customer_id` was written). Read from the log itself, so no cursor is ever too old.
    async fn window_touches(
        &self,
        org_id: &str,
        after: i64,
        end: i64,
    ) -> StoreResult<(BTreeSet<String>, BTreeSet<RecordKey>)> {
        let rows = sqlx::query(
            "SELECT DISTINCT kind, record_id, field FROM log
             WHERE org_id = $1 AND seq > $2 AND seq <= $3
             AND ((kind = 'customer' AND field IN ('owner', 'shared')) OR field = 'customer_id')",
        )
        .bind(org_id)
        .bind(after)
        .bind(end)
        .fetch_all(&self.pool)
        .await?;
        let mut customers = BTreeSet::new();
        let mut moved = BTreeSet::new();
        for row in &rows {
            let kind: String = row.try_get("kind")?;
            let id: String = row.try_get("record_id")?;
            if kind == Kind::CUSTOMER {
                customers.insert(id);
            } else if Kind::is_child_of_customer(&kind) {
                moved.insert((kind, id));
            }
        }
        Ok((customers, moved))
    }

    /// What the server knows of each customer in `ids` (unknown ones are left out).
    async fn customer_facts(
        &self,
        org_id: &str,
        ids: &[&str],
    ) -> StoreResult<HashMap<String, CustomerFacts>> {
        let mut facts: HashMap<String, CustomerFacts> = HashMap::new();
        for chunk in ids.chunks(KEYS_PER_LOOKUP) {
            let sql = format!(
                "SELECT record_id, creator, owner, shared, erased FROM records
                 WHERE org_id = {} AND kind = 'customer' AND record_id {}",
                placeholder(1),
                key_list(2, chunk.len())
            );
            let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id);
            let query = bind_keys!(query, chunk);
            for row in query.fetch_all(&self.pool).await? {
                facts.insert(
                    row.try_get("record_id")?,
                    CustomerFacts {
                        exists: true,
                        creator: Some(row.try_get("creator")?),
                        owner: row.try_get("owner")?,
                        shared: row.try_get("shared")?,
                        erased: row.try_get("erased")?,
                    },
                );
            }
        }
        Ok(facts)
    }

    /// The customer each record in `records` now belongs to.
    async fn scope_customers(
        &self,
        org_id: &str,
        records: &BTreeSet<RecordKey>,
    ) -> StoreResult<HashMap<RecordKey, String>> {
        let mut by_kind: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (kind, id) in records {
            by_kind.entry(kind).or_default().push(id);
        }
        let mut found = HashMap::new();
        for (kind, ids) in by_kind {
            for chunk in ids.chunks(KEYS_PER_LOOKUP) {
                let sql = format!(
                    "SELECT record_id, customer_id FROM records
                     WHERE org_id = {} AND kind = {} AND record_id {}",
                    placeholder(1),
                    placeholder(2),
                    key_list(3, chunk.len())
                );
                let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id).bind(kind);
                let query = bind_keys!(query, chunk);
                for row in query.fetch_all(&self.pool).await? {
                    let customer: Option<String> = row.try_get("customer_id")?;
                    if let Some(customer) = customer {
                        found.insert((kind.to_owned(), row.try_get("record_id")?), customer);
                    }
                }
            }
        }
        Ok(found)
    }

    /// What a round of a salesperson's pull over `(after, end]` owes the device: the records
    /// to revoke and the units to backfill (in key order). The same answer for the same
    /// window and visibility, so a repeated page repeats.
    async fn round_plan(
        &self,
        actor: &Actor,
        after: i64,
        end: i64,
    ) -> StoreResult<(Vec<RecordKey>, Vec<Unit>)> {
        if after == 0 {
            // From the beginning the log pass brings every visible record anyway.
            return Ok((Vec::new(), Vec::new()));
        }
        let org = actor.org_id.as_str();
        let (customers, moved) = self.window_touches(org, after, end).await?;
        let homes = self.scope_customers(org, &moved).await?;
        let mut asked: Vec<&str> = customers.iter().map(String::as_str).collect();
        asked.extend(homes.values().map(String::as_str));
        asked.sort_unstable();
        asked.dedup();
        let facts = self.customer_facts(org, &asked).await?;
        let visible = |customer: &str| {
            facts
                .get(customer)
                .is_some_and(|facts| facts.visible_to(&actor.user_id))
        };
        let mut revoked = Vec::new();
        let mut units = Vec::new();
        for customer in customers {
            if visible(&customer) {
                units.push(Unit::Customer(customer));
            } else {
                revoked.push((Kind::CUSTOMER.to_owned(), customer));
            }
        }
        for record in moved {
            match homes.get(&record) {
                Some(home) if visible(home) => units.push(Unit::Record(record.0, record.1)),
                _ => revoked.push(record),
            }
        }
        units.sort_by_key(Unit::key);
        Ok((revoked, units))
    }

    /// Up to `limit` winning writes of backfill `units` — a run of customers (each with its
    /// child records) or one moved record — in unit order, the first unit's from after
    /// `(kind, record_id, field)`; each with the unit it belongs to.
    async fn units_rows(
        &self,
        org_id: &str,
        units: &[&Unit],
        after: &(String, String, String),
        limit: usize,
    ) -> StoreResult<Vec<(Unit, Change)>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = match units {
            [Unit::Record(kind, id)] => {
                sqlx::query(
                    "SELECT s.customer_id AS unit, l.op, s.kind, s.record_id, f.field, l.value, l.hlc, l.author
                     FROM records s JOIN fields f ON f.rid = s.rid JOIN log l ON l.seq = f.seq
                     WHERE s.org_id = $1 AND s.kind = $2 AND s.record_id = $3
                       AND (s.kind, s.record_id, f.field) > ($4, $5, $6)
                     ORDER BY s.kind, s.record_id, f.field LIMIT $7",
                )
                .bind(org_id)
                .bind(kind)
                .bind(id)
                .bind(&after.0)
                .bind(&after.1)
                .bind(&after.2)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            _ => {
                let customers: Vec<&str> = units
                    .iter()
                    .filter_map(|unit| match unit {
                        Unit::Customer(id) => Some(id.as_str()),
                        Unit::Record(..) => None,
                    })
                    .collect();
                let Some(first) = customers.first() else {
                    return Ok(Vec::new());
                };
                let sql = format!(
                    "SELECT s.customer_id AS unit, l.op, s.kind, s.record_id, f.field, l.value, l.hlc, l.author
                     FROM records s JOIN fields f ON f.rid = s.rid JOIN log l ON l.seq = f.seq
                     WHERE s.org_id = {} AND s.customer_id {}
                       AND (s.customer_id, s.kind, s.record_id, f.field) > ({}, {}, {}, {})
                     ORDER BY s.customer_id, s.kind, s.record_id, f.field LIMIT {}",
                    placeholder(1),
                    key_list(2, customers.len()),
                    placeholder(2 + key_count(customers.len())),
                    placeholder(3 + key_count(customers.len())),
                    placeholder(4 + key_count(customers.len())),
                    placeholder(5 + key_count(customers.len())),
                    placeholder(6 + key_count(customers.len())),
                );
                let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id);
                let query = bind_keys!(query, &customers);
                query
                    .bind(*first)
                    .bind(&after.0)
                    .bind(&after.1)
                    .bind(&after.2)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|row| {
                let change = change_from_row(row)?;
                let unit = match units {
                    [Unit::Record(kind, id)] => Unit::Record(kind.clone(), id.clone()),
                    _ => Unit::Customer(row.try_get("unit")?),
                };
                Ok((unit, change))
            })
            .collect()
    }

    /// Every winning write of a customer and of its child records: its whole history as state.
    async fn customer_state(&self, org_id: &str, customer_id: &str) -> StoreResult<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT l.op, s.kind, s.record_id, f.field, l.value, l.hlc, l.author
             FROM records s JOIN fields f ON f.rid = s.rid JOIN log l ON l.seq = f.seq
             WHERE s.org_id = $1 AND s.customer_id = $2",
        )
        .bind(org_id)
        .bind(customer_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change_from_row).collect()
    }

    /// Is any change of `inner`'s (see `log_pass`) readable in `(after, end]`?
    async fn readable_after(
        &self,
        inner: &str,
        actor: &Actor,
        after: i64,
        end: i64,
    ) -> StoreResult<bool> {
        let probe = format!("SELECT seq FROM ({inner}) AS next");
        let query = sqlx::query(sqlx::AssertSqlSafe(probe));
        Ok(bind_window!(query, actor, after, end, 1)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// Fills `page` from the log after `after` up to `end` (`i64::MAX`: no bound), at most
    /// `room` changes the actor may read; the position moves past unreadable rows too.
    async fn log_pass(
        &self,
        actor: &Actor,
        after: i64,
        end: i64,
        room: usize,
        page: &mut Page,
    ) -> StoreResult<()> {
        // The readable changes of `(after, end]`: columns seq, op, kind, record_id, field,
        // value, hlc, author, in log order (arguments: `bind_window!`).
        let inner = if actor.role.sees_everything() {
            "SELECT seq, op, kind, record_id, field, value, hlc, author FROM log
             WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4"
                .to_owned()
        } else {
            format!(
                "SELECT c.seq, c.op, c.kind, c.record_id, c.field, c.value, c.hlc, c.author
                 FROM log c JOIN records s ON s.rid = c.rid
                 WHERE c.org_id = $1 AND c.seq > $3 AND c.seq <= $4
                   AND ((s.customer_id IS NULL AND (s.private_to IS NULL OR s.private_to = $2))
                        OR {VISIBLE_CUSTOMER})
                 ORDER BY c.seq LIMIT $5"
            )
        };
        let mut last = after;
        if room > 0 {
            // The page is built by the database as one row of JSON: no row or value crosses
            // into the server one by one.
            let query = sqlx::query(sqlx::AssertSqlSafe(aggregate_changes(&inner)));
            let row = bind_window!(query, actor, after, end, room)
                .fetch_one(&self.pool)
                .await?;
            let count: i64 = row.try_get("n")?;
            if count > 0 {
                last = row.try_get("last")?;
                let encoded: String = row.try_get("changes")?;
                page.log = encoded
                    .trim()
                    .strip_prefix('[')
                    .and_then(|rest| rest.strip_suffix(']'))
                    .ok_or_else(|| StoreError::Other("a page that is not a JSON array".into()))?
                    .to_owned();
            }
            page.has_more = usize::try_from(count).unwrap_or(usize::MAX) >= room
                && self.readable_after(&inner, actor, last, end).await?;
        } else {
            page.has_more = self.readable_after(&inner, actor, after, end).await?;
        }
        // A bounded pass that ran out has read everything up to `end`, readable or not.
        page.position.seq = if page.has_more || end == i64::MAX {
            last
        } else {
            end
        };
        Ok(())
    }
}

#[async_trait]
impl Store for BackendStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn ensure_org(&self, name: &str) -> StoreResult<String> {
        sqlx::query("INSERT INTO orgs (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(huitou_shared::model::new_id())
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(sqlx::query_scalar("SELECT id FROM orgs WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn create_user(
        &self,
        org_id: &str,
        username: &str,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> StoreResult<UserRow> {
        let user = UserRow {
            id: huitou_shared::model::new_id(),
            org_id: org_id.to_owned(),
            username: username.to_owned(),
            name: name.to_owned(),
            role,
            password_hash: password_hash.to_owned(),
            disabled_at: None,
            must_change_password: false,
            team: String::new(),
        };
        sqlx::query(
            "INSERT INTO users (id, org_id, username, name, role, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&user.id)
        .bind(&user.org_id)
        .bind(&user.username)
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(now_text())
        .execute(&self.pool)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("user {username} already exists"))
            }
            other => other,
        })?;
        Ok(user)
    }

    async fn find_user(&self, org_name: &str, username: &str) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}
             FROM users u JOIN orgs o ON o.id = u.org_id WHERE o.name = $1 AND u.username = $2"
        )))
        .bind(org_name)
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn insert_token(
        &self,
        token_hash: &str,
        user_id: &str,
        device: Option<&str>,
    ) -> StoreResult<()> {
        let now = now_text();
        sqlx::query(
            "INSERT INTO tokens (token_hash, user_id, device, created_at, last_used_at)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(device)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn token_user(
        &self,
        token_hash: &str,
        expiry: &TokenExpiry,
    ) -> StoreResult<Option<TokenUse>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS},
                    COALESCE(t.last_used_at, t.created_at) AS used, t.device
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL
               AND t.created_at > $2 AND COALESCE(t.last_used_at, t.created_at) > $3"
        )))
        .bind(token_hash)
        .bind(&expiry.created_since)
        .bind(&expiry.idle_since)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(|row| {
                Ok(TokenUse {
                    user: user_from_row(row)?,
                    last_used_at: row.try_get("used")?,
                    device: row.try_get("device")?,
                })
            })
            .transpose()
    }

    async fn touch_token(&self, token_hash: &str, at: &str, synced: bool) -> StoreResult<()> {
        let sql = if synced {
            "UPDATE tokens SET last_used_at = $2, last_sync_at = $2 WHERE token_hash = $1"
        } else {
            "UPDATE tokens SET last_used_at = $2 WHERE token_hash = $1"
        };
        sqlx::query(sql)
            .bind(token_hash)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn note_waiting(&self, token_hash: &str, waiting: i64) -> StoreResult<()> {
        sqlx::query("UPDATE tokens SET waiting = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(waiting)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn insert_ticket(
        &self,
        ticket_hash: &str,
        token_hash: &str,
        expires_at: &str,
    ) -> StoreResult<()> {
        // Expired tickets of any token go as new ones come.
        sqlx::query("DELETE FROM live_tickets WHERE expires_at < $1")
            .bind(now_text())
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO live_tickets (ticket_hash, token_hash, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(ticket_hash)
        .bind(token_hash)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_ticket(&self, ticket_hash: &str, now: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "DELETE FROM live_tickets WHERE ticket_hash = $1 AND expires_at > $2 RETURNING token_hash",
        )
        .bind(ticket_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn revoke_token(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE tokens SET revoked_at = $2, revoked_reason = 'logout'
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn push(
        &self,
        actor: &Actor,
        device: &DeviceId,
        incoming: &[Incoming],
        parents: &HashMap<(String, String), String>,
    ) -> StoreResult<PushOutcome> {
        let at = now_text();
        let mut verdicts = Vec::with_capacity(incoming.len());
        let mut stored_any = false;
        // One writer at a time: seq order is commit order.
        let mut tx = begin_write(&self.pool, &actor.org_id).await?;
        let mut batch = Batch::load(&mut tx, actor, incoming, parents).await?;
        for item in incoming {
            match item {
                Incoming::Refused {
                    op,
                    raw,
                    code,
                    message,
                } => {
                    // Refused before judging (invalid, or written after a disabling) — but a
                    // change of an erased customer is refused as such and kept nowhere.
                    let customer = batch.customer_of(&mut tx, raw, parents).await?;
                    let (code, message) = if batch.is_erased(&mut tx, customer.as_deref()).await?
                    {
                        let customer = customer.unwrap_or_default();
                        (RejectCode::Erased, format!("customer {customer} was erased"))
                    } else {
                        (*code, message.clone())
                    };
                    batch
                        .refuse(
                            &mut tx,
                            op,
                            std::borrow::Cow::Borrowed(raw),
                            code,
                            message.clone(),
                            parents,
                        )
                        .await?;
                    verdicts.push(Verdict::Rejected { code, message });
                }
                Incoming::Valid { change } => {
                    if batch.stored_ops.contains(&change.op) {
                        verdicts.push(Verdict::Accepted);
                        continue;
                    }
                    // Permissions first, then the loyalty rules of what they allow.
                    let judgement = match batch.judge(&mut tx, change, parents).await? {
                        Judgement::Allowed {
                            customer,
                            private_to,
                        } => match batch
                            .loyalty_refusal(&mut tx, change, customer.as_deref())
                            .await?
                        {
                            Some((code, message)) => Judgement::Refused { code, message },
                            None => Judgement::Allowed {
                                customer,
                                private_to,
                            },
                        },
                        refused => refused,
                    };
                    match judgement {
                        Judgement::Allowed {
                            customer,
                            private_to,
                        } => {
                            batch
                                .store(&mut tx, change, customer.as_deref(), private_to.as_deref())
                                .await?;
                            batch.note_loyalty(change, customer.as_deref());
                            stored_any = true;
                            verdicts.push(Verdict::Accepted);
                        }
                        Judgement::Refused { code, message } => {
                            batch
                                .refuse(
                                    &mut tx,
                                    &change.op,
                                    std::borrow::Cow::Owned(
                                        serde_json::to_value(change).unwrap_or(Value::Null),
                                    ),
                                    code,
                                    message.clone(),
                                    parents,
                                )
                                .await?;
                            verdicts.push(Verdict::Rejected { code, message });
                        }
                    }
                }
            }
        }
        let stored_count = batch.log.len();
        let readers = batch.write(&mut tx, device, &at).await?;
        let latest_seq: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM log WHERE org_id = $1")
                .bind(&actor.org_id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        self.after_push(stored_count);
        Ok(PushOutcome {
            verdicts,
            latest_seq,
            stored_any,
            readers,
        })
    }

    async fn pull(&self, actor: &Actor, from: &Position, limit: usize) -> StoreResult<Page> {
        let org = actor.org_id.as_str();
        let mut page = Page {
            position: from.clone(),
            ..Page::default()
        };
        if actor.role.sees_everything() {
            // Everything is readable: the log after the cursor, no round needed.
            self.log_pass(actor, from.seq, i64::MAX, limit, &mut page).await?;
            page.position.round = None;
            return Ok(page);
        }
        // A salesperson's pull works in rounds over a log window `(from.seq, end]`: first the
        // records whose visibility changed in the window (revoked, or their whole state sent),
        // then the window's changes they may read. Each page honours `limit`.
        let (end, backfill, first) = match &from.round {
            None => (self.latest_seq(org).await?, Some(String::new()), true),
            Some(round) => (round.end, round.backfill.clone(), false),
        };
        if let Some(resume) = backfill {
            let (revoked, units) = self.round_plan(actor, from.seq, end).await?;
            if first {
                page.revoked = revoked;
            }
            let (resume_unit, resume_row) = split_backfill_key(&resume);
            let mut room = limit;
            // Units still to send, from where the last page stopped.
            let units: Vec<&Unit> = units
                .iter()
                .filter(|unit| resume.is_empty() || unit.key() >= resume_unit)
                .collect();
            let mut next = 0;
            let mut last_key = resume.clone();
            while next < units.len() {
                // A run of customers goes in one query; a moved record alone.
                let run = units[next..]
                    .iter()
                    .take(CUSTOMERS_PER_BACKFILL)
                    .take_while(|unit| matches!(unit, Unit::Customer(_)))
                    .count()
                    .max(1);
                let batch = &units[next..next + run];
                next += run;
                let after = if batch[0].key() == resume_unit {
                    resume_row.clone()
                } else {
                    Default::default()
                };
                let rows = self.units_rows(org, batch, &after, room + 1).await?;
                let full = rows.len() > room;
                for (unit, change) in rows.into_iter().take(room) {
                    last_key = backfill_key(&unit, &change);
                    page.changes.push(change);
                    room -= 1;
                }
                if full {
                    page.has_more = true;
                    page.position = Position {
                        seq: from.seq,
                        round: Some(Round {
                            end,
                            backfill: Some(last_key),
                        }),
                    };
                    return Ok(page);
                }
            }
            self.log_pass(actor, from.seq, end, room, &mut page).await?;
        } else {
            self.log_pass(actor, from.seq, end, limit, &mut page).await?;
        }
        if page.has_more {
            page.position.round = Some(Round {
                end,
                backfill: None,
            });
        } else {
            page.position.round = None;
            // Changes stored since the round began are the next round's.
            page.has_more = self.latest_seq(org).await? > end;
        }
        Ok(page)
    }

    async fn customer_records(
        &self,
        actor: &Actor,
        customer_id: &str,
    ) -> StoreResult<Option<CustomerRecords>> {
        let visible: Option<i32> = if actor.role.sees_everything() {
            sqlx::query_scalar(
                "SELECT 1 FROM records s WHERE s.org_id = $1 AND s.kind = 'customer' AND s.record_id = $2",
            )
            .bind(&actor.org_id)
            .bind(customer_id)
            .fetch_optional(&self.pool)
            .await?
        } else {
            let sql = format!(
                "SELECT 1 FROM records s WHERE s.org_id = $1 AND s.kind = 'customer'
                 AND s.record_id = $3 AND s.customer_id = s.record_id AND {VISIBLE_CUSTOMER}"
            );
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(&actor.org_id)
                .bind(&actor.user_id)
                .bind(customer_id)
                .fetch_optional(&self.pool)
                .await?
        };
        if visible.is_none() {
            return Ok(None);
        }
        let mut records = CustomerRecords::default();
        for change in self.customer_state(&actor.org_id, customer_id).await? {
            if change.kind == Kind::CUSTOMER && change.id == customer_id {
                records.customer.apply(&change);
            } else {
                records
                    .children
                    .entry((change.kind.clone(), change.id.clone()))
                    .or_default()
                    .apply(&change);
            }
        }
        Ok(Some(records))
    }

    async fn latest_seq(&self, org_id: &str) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM log WHERE org_id = $1")
                .bind(org_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn changes_after(&self, org_id: &str, seq: i64) -> StoreResult<u64> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM log WHERE org_id = $1 AND seq > $2")
                .bind(org_id)
                .bind(seq)
                .fetch_one(&self.pool)
                .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn claim_job(
        &self,
        job: &str,
        slot: i64,
        instance: &str,
        now_ms: i64,
        stale_before_ms: i64,
    ) -> StoreResult<super::JobClaim> {
        // One statement: the unique (job, slot) key decides between instances.
        let claimed = sqlx::query(
            "INSERT INTO job_runs (job, slot, instance, claimed_at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (job, slot) DO UPDATE
                SET instance = excluded.instance, claimed_at_ms = excluded.claimed_at_ms
              WHERE job_runs.finished_at_ms IS NULL AND job_runs.claimed_at_ms < $5",
        )
        .bind(job)
        .bind(slot)
        .bind(instance)
        .bind(now_ms)
        .bind(stale_before_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if claimed == 1 {
            return Ok(super::JobClaim::Mine);
        }
        let finished: Option<Option<i64>> =
            sqlx::query_scalar("SELECT finished_at_ms FROM job_runs WHERE job = $1 AND slot = $2")
                .bind(job)
                .bind(slot)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match finished {
            Some(Some(_)) => super::JobClaim::Done,
            _ => super::JobClaim::Held,
        })
    }

    async fn finish_job(
        &self,
        job: &str,
        slot: i64,
        instance: &str,
        now_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE job_runs SET finished_at_ms = $4 WHERE job = $1 AND slot = $2 AND instance = $3",
        )
        .bind(job)
        .bind(slot)
        .bind(instance)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn reads_any(&self, actor: &Actor, customers: &BTreeSet<String>) -> StoreResult<bool> {
        if actor.role.sees_everything() {
            return Ok(true);
        }
        let ids: Vec<&str> = customers.iter().map(String::as_str).collect();
        let facts = self.customer_facts(&actor.org_id, &ids).await?;
        Ok(facts.values().any(|facts| facts.visible_to(&actor.user_id)))
    }

    async fn org_records(&self, org_id: &str, kind: &str) -> StoreResult<BTreeMap<String, Record>> {
        let rows = sqlx::query(
            "SELECT l.op, s.kind, s.record_id, f.field, l.value, l.hlc, l.author
             FROM records s JOIN fields f ON f.rid = s.rid JOIN log l ON l.seq = f.seq
             WHERE s.org_id = $1 AND s.kind = $2",
        )
        .bind(org_id)
        .bind(kind)
        .fetch_all(&self.pool)
        .await?;
        let mut records: BTreeMap<String, Record> = BTreeMap::new();
        for row in &rows {
            let change = change_from_row(row)?;
            records.entry(change.id.clone()).or_default().apply(&change);
        }
        Ok(records)
    }

    async fn record(&self, org_id: &str, kind: &str, id: &str) -> StoreResult<Option<Record>> {
        let rows = sqlx::query(
            "SELECT l.op, s.kind, s.record_id, f.field, l.value, l.hlc, l.author
             FROM records s JOIN fields f ON f.rid = s.rid JOIN log l ON l.seq = f.seq
             WHERE s.org_id = $1 AND s.kind = $2 AND s.record_id = $3",
        )
        .bind(org_id)
        .bind(kind)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut record = Record::default();
        for row in &rows {
            record.apply(&change_from_row(row)?);
        }
        Ok(Some(record))
    }

    async fn erase_history(
        &self,
        org_id: &str,
        customer_id: &str,
        ids: &[String],
    ) -> StoreResult<u64> {
        let mut tx = begin_write(&self.pool, org_id).await?;
        let deleted = sqlx::query(
            "DELETE FROM log WHERE org_id = $1
               AND rid IN (SELECT rid FROM records WHERE org_id = $1
                           AND (customer_id = $2 OR (kind = 'pool' AND record_id = $2)))
               AND NOT EXISTS (SELECT 1 FROM fields f
                               WHERE f.rid = log.rid AND f.field = log.field AND f.seq = log.seq)",
        )
        .bind(org_id)
        .bind(customer_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // By the customer each refusal was noted under, and — for rows kept before that
        // column — by any of the records' ids in the change's text.
        sqlx::query("DELETE FROM quarantine WHERE org_id = $1 AND customer_id = $2")
            .bind(org_id)
            .bind(customer_id)
            .execute(&mut *tx)
            .await?;
        for id in ids {
            sqlx::query(
                "DELETE FROM quarantine WHERE org_id = $1 AND customer_id IS NULL
                   AND change LIKE '%' || $2 || '%'",
            )
            .bind(org_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.after_erase().await?;
        Ok(deleted)
    }

    async fn org_ids(&self) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT id FROM orgs ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn pool_candidates(
        &self,
        org_id: &str,
        before_hlc: &str,
        after_id: &str,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(sqlx::query_scalar(
            "SELECT c.record_id FROM records c
             JOIN fields o ON o.rid = c.rid AND o.field = 'owner'
             WHERE c.org_id = $1 AND c.kind = 'customer' AND c.owner IS NOT NULL
               AND c.owner <> 'pool' AND NOT c.erased AND c.record_id > $4 AND o.hlc < $2
               AND NOT EXISTS (
                 SELECT 1 FROM records v JOIN fields f ON f.rid = v.rid
                 WHERE v.org_id = c.org_id AND v.customer_id = c.record_id
                   AND v.kind IN ('visit', 'contact') AND f.hlc >= $2)
             ORDER BY c.record_id LIMIT $3",
        )
        .bind(org_id)
        .bind(before_hlc)
        .bind(limit)
        .bind(after_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn pool_unfinished_claims(&self, org_id: &str) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT p.record_id, p.owner FROM records p
             JOIN records c ON c.org_id = p.org_id AND c.kind = 'customer'
               AND c.record_id = p.record_id
             WHERE p.org_id = $1 AND p.kind = 'pool' AND p.owner IS NOT NULL AND c.owner = 'pool'
             ORDER BY p.record_id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("record_id")?, row.try_get("owner")?)))
            .collect()
    }

    async fn quarantine(&self, org_id: &str) -> StoreResult<Vec<Quarantined>> {
        let rows = sqlx::query(
            "SELECT user_id, device, op, change, code, message FROM quarantine
             WHERE org_id = $1 ORDER BY id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let change: String = row.try_get("change")?;
                Ok(Quarantined {
                    user_id: row.try_get("user_id")?,
                    device: row.try_get("device")?,
                    op: row.try_get("op")?,
                    change: serde_json::from_str(&change).unwrap_or(Value::Null),
                    code: row.try_get("code")?,
                    message: row.try_get("message")?,
                })
            })
            .collect()
    }

    async fn announce(&self, stored: &Stored) -> StoreResult<()> {
        self.announce_notice(stored).await
    }

    async fn relay(&self, live: tokio::sync::broadcast::Sender<Stored>) -> StoreResult<()> {
        self.relay_notices(live).await
    }

    async fn has_changes(&self) -> StoreResult<bool> {
        let any: Option<i64> = sqlx::query_scalar("SELECT seq FROM log LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(any.is_some())
    }
}
