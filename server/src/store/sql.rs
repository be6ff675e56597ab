// The SQL shared by the SQLite and PostgreSQL stores, included by each with its own
// `Conn`, `DbRow`, `BackendStore` and `begin_write` (both accept `$N` placeholders).
// Every push holds the backend's single write lock, so log positions are handed out in commit order.

use super::{
    Actor, CustomerRecords, Incoming, Page, Position, PushOutcome, Quarantined, Store, StoreError, StoreResult,
    UserRow, Verdict,
};
use crate::permissions::{self, CustomerFacts};
use async_trait::async_trait;
use huitou_shared::api::RejectCode;
use huitou_shared::{Change, DeviceId, Kind, Record, Role};
use serde_json::Value;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Snapshots of visible customers kept per user; older ones are pruned.
const SNAPSHOTS_KEPT: i64 = 100;

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
    })
}

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

/// Visibility of the customer a change's scope row names, for salespeople (`$1` org, `$2` owner JSON, `$3` user id).
const VISIBLE_CUSTOMER: &str = "(
    EXISTS (SELECT 1 FROM state o WHERE o.org_id = $1 AND o.kind = 'customer' AND o.record_id = s.customer_id
            AND ((o.field = 'owner' AND o.value = $2) OR (o.field = 'shared' AND o.value = 'true')))
    OR (EXISTS (SELECT 1 FROM scope cs WHERE cs.org_id = $1 AND cs.kind = 'customer'
                AND cs.record_id = s.customer_id AND cs.creator = $3)
        AND NOT EXISTS (SELECT 1 FROM state o WHERE o.org_id = $1 AND o.kind = 'customer'
                AND o.record_id = s.customer_id AND o.field = 'owner' AND o.value NOT IN ('null', '\"\"'))))";

/// Rows per multi-row `INSERT` (SQLite takes up to 32766 parameters, PostgreSQL 65535).
const ROWS_PER_INSERT: usize = 200;
/// Keys per `IN (...)` lookup.
const KEYS_PER_LOOKUP: usize = 500;
/// The fields a push reads back while judging: a child's `customer_id`, a customer's `owner` and `shared`.
const WATCHED_FIELDS: [&str; 3] = ["customer_id", "owner", "shared"];

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

/// A `scope` row.
#[derive(Clone, Debug, PartialEq)]
struct ScopeRow {
    customer_id: Option<String>,
    creator: String,
}

/// The winning write of a watched field, as the `state` table holds it.
#[derive(Clone, Debug)]
struct Written {
    value: Value,
    hlc: String,
}

/// A change refused by judging (or validation), on its way to the quarantine.
struct Refusal<'a> {
    op: &'a str,
    raw: &'a Value,
    code: RejectCode,
    message: String,
}

/// One push, judged in memory and written in bulk.
///
/// Judging a change reads the `scope` rows and watched `state` fields of the records it
/// touches, as earlier changes of the same push left them. Those rows are loaded in a few
/// bulk queries at the start (inside the push's transaction), any other one on first use,
/// and every store updates them here exactly as its SQL would; the log, `state`, `scope`
/// and quarantine rows are then written with multi-row statements before the commit. The
/// outcome is that of running each change's statements one after the other, with a few
/// dozen statements per push instead of several per change.
struct Batch<'a> {
    actor: &'a Actor,
    /// Ops already in the log, or stored by this push.
    stored_ops: HashSet<String>,
    /// Scope rows as the database had them before this push (`None`: no row).
    scope_before: HashMap<RecordKey, Option<ScopeRow>>,
    /// Scope rows with this push's writes.
    scope: HashMap<RecordKey, Option<ScopeRow>>,
    /// Watched fields with this push's writes.
    watched: HashMap<RecordKey, HashMap<String, Written>>,
    /// Changes to append to the log, in order, with their encoded value.
    log: Vec<(&'a Change, String)>,
    /// Per field `(kind, id, field)`, the index in `log` of the change the field takes:
    /// the greatest clock, the earliest on a tie (what one upsert after another leaves).
    winners: HashMap<(&'a str, &'a str, &'a str), usize>,
    refused: Vec<Refusal<'a>>,
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
                "SELECT op FROM changes WHERE org_id = {} AND op IN {}",
                placeholder(1),
                placeholders(1, chunk.len(), 2)
            );
            let mut query =
                sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).bind(&actor.org_id);
            for op in chunk {
                query = query.bind(*op);
            }
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

    /// Loads the scope rows and watched fields of records `(kind, id)`, `ids` not empty.
    async fn load_records(&mut self, conn: &mut Conn, kind: &str, ids: &[&str]) -> StoreResult<()> {
        let org = &self.actor.org_id;
        let sql = format!(
            "SELECT record_id, customer_id, creator FROM scope
             WHERE org_id = {} AND kind = {} AND record_id IN {}",
            placeholder(1),
            placeholder(2),
            placeholders(1, ids.len(), 3)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org).bind(kind);
        for id in ids {
            query = query.bind(*id);
        }
        let mut scope: HashMap<String, ScopeRow> = HashMap::new();
        for row in query.fetch_all(&mut *conn).await? {
            scope.insert(
                row.try_get("record_id")?,
                ScopeRow {
                    customer_id: row.try_get("customer_id")?,
                    creator: row.try_get("creator")?,
                },
            );
        }
        let sql = format!(
            "SELECT record_id, field, value, hlc FROM state
             WHERE org_id = {} AND kind = {} AND record_id IN {}
             AND field IN ('customer_id', 'owner', 'shared')",
            placeholder(1),
            placeholder(2),
            placeholders(1, ids.len(), 3)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org).bind(kind);
        for id in ids {
            query = query.bind(*id);
        }
        let mut watched: HashMap<String, HashMap<String, Written>> = HashMap::new();
        for row in query.fetch_all(&mut *conn).await? {
            let value: String = row.try_get("value")?;
            watched
                .entry(row.try_get("record_id")?)
                .or_default()
                .insert(
                    row.try_get("field")?,
                    Written {
                        value: serde_json::from_str(&value).unwrap_or(Value::Null),
                        hlc: row.try_get("hlc")?,
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
    ) -> StoreResult<Option<ScopeRow>> {
        self.ensure(conn, kind, id).await?;
        Ok(self
            .scope
            .get(&(kind.to_owned(), id.to_owned()))
            .cloned()
            .flatten())
    }

    /// What the server knows about a customer: its scope row and its `owner` and `shared` fields.
    async fn customer_facts(
        &mut self,
        conn: &mut Conn,
        customer_id: &str,
    ) -> StoreResult<CustomerFacts> {
        let creator = self
            .scope_row(conn, Kind::CUSTOMER, customer_id)
            .await?
            .map(|row| row.creator);
        let key = (Kind::CUSTOMER.to_owned(), customer_id.to_owned());
        let fields = self.watched.get(&key);
        let field = |name: &str| fields.and_then(|fields| fields.get(name)).map(|w| &w.value);
        Ok(CustomerFacts {
            exists: creator.is_some(),
            creator,
            owner: field("owner").and_then(permissions::owner_of),
            shared: field("shared").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    /// Where a change may go: its scope customer, or why it is refused.
    async fn judge(
        &mut self,
        conn: &mut Conn,
        change: &Change,
        parents: &HashMap<(String, String), String>,
    ) -> StoreResult<Judgement> {
        let actor = self.actor;
        let salesperson = !actor.role.sees_everything();
        let refused = |message: String| Judgement::Refused {
            code: RejectCode::Forbidden,
            message,
        };
        if change.kind == Kind::CUSTOMER {
            if salesperson {
                let facts = self.customer_facts(conn, &change.id).await?;
                if let Err(why) =
                    permissions::salesperson_may_write_customer(&actor.user_id, &facts, change)
                {
                    return Ok(refused(why));
                }
            }
            return Ok(Judgement::Allowed {
                customer: Some(change.id.clone()),
            });
        }
        if Kind::is_child_of_customer(&change.kind) {
            let current = self
                .scope_row(conn, &change.kind, &change.id)
                .await?
                .and_then(|row| row.customer_id);
            let named = (change.field == "customer_id")
                .then(|| change.value.as_str().map(str::to_owned))
                .flatten();
            let from_batch = parents
                .get(&(change.kind.clone(), change.id.clone()))
                .cloned();
            let Some(customer) = current.clone().or(named.clone()).or(from_batch) else {
                return Ok(Judgement::Refused {
                    code: RejectCode::Invalid,
                    message: format!("{}.customer_id must be set first", change.kind),
                });
            };
            if salesperson {
                for id in [current.as_ref(), named.as_ref()].into_iter().flatten() {
                    let facts = self.customer_facts(conn, id).await?;
                    if facts.exists && !facts.visible_to(&actor.user_id) {
                        return Ok(refused(format!("customer {id} is not yours")));
                    }
                }
                if current.is_none() && named.is_none() {
                    let facts = self.customer_facts(conn, &customer).await?;
                    if facts.exists && !facts.visible_to(&actor.user_id) {
                        return Ok(refused(format!("customer {customer} is not yours")));
                    }
                }
            }
            return Ok(Judgement::Allowed {
                customer: Some(customer),
            });
        }
        if salesperson && let Err(why) = permissions::salesperson_may_write_other(&change.kind) {
            return Ok(refused(why));
        }
        Ok(Judgement::Allowed { customer: None })
    }

    /// Stores one change: appended to the log, folded into `state` with the merge rule, and
    /// into `scope` (the record's customer, set when a child's `customer_id` wins).
    async fn store(
        &mut self,
        conn: &mut Conn,
        change: &'a Change,
        customer: Option<&str>,
    ) -> StoreResult<()> {
        self.ensure(conn, &change.kind, &change.id).await?;
        self.stored_ops.insert(change.op.clone());
        let index = self.log.len();
        self.log.push((change, json_text(&change.value)));
        // The merge rule: a field only takes a write with a greater clock.
        let field = (
            change.kind.as_str(),
            change.id.as_str(),
            change.field.as_str(),
        );
        match self.winners.get(&field) {
            Some(&winner) if self.log[winner].0.hlc >= change.hlc => {}
            _ => {
                self.winners.insert(field, index);
            }
        }
        let key = (change.kind.clone(), change.id.clone());
        let mut won = false;
        if WATCHED_FIELDS.contains(&change.field.as_str()) {
            let fields = self.watched.entry(key.clone()).or_default();
            won = fields
                .get(&change.field)
                .is_none_or(|current| change.hlc > current.hlc);
            if won {
                fields.insert(
                    change.field.clone(),
                    Written {
                        value: change.value.clone(),
                        hlc: change.hlc.clone(),
                    },
                );
            }
        }
        let row = self.scope.entry(key).or_insert(None);
        if row.is_none() {
            *row = Some(ScopeRow {
                customer_id: customer.map(str::to_owned),
                creator: self.actor.user_id.clone(),
            });
        }
        if won
            && change.field == "customer_id"
            && Kind::is_child_of_customer(&change.kind)
            && let Some(row) = row
        {
            row.customer_id = change.value.as_str().map(str::to_owned);
        }
        Ok(())
    }

    fn refuse(&mut self, op: &'a str, raw: &'a Value, code: RejectCode, message: String) {
        self.refused.push(Refusal {
            op,
            raw,
            code,
            message,
        });
    }

    /// Writes the log, `state`, `scope` and quarantine rows of this push.
    async fn write(self, conn: &mut Conn, device: &DeviceId, at: &str) -> StoreResult<()> {
        let actor = self.actor;
        let org = actor.org_id.as_str();
        for chunk in self.log.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO changes (org_id, op, kind, record_id, field, value, hlc, author, device, received_at)
                 VALUES {}",
                placeholders(chunk.len(), 10, 1)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (change, value) in chunk {
                query = query
                    .bind(org)
                    .bind(&change.op)
                    .bind(&change.kind)
                    .bind(&change.id)
                    .bind(&change.field)
                    .bind(value)
                    .bind(&change.hlc)
                    .bind(&change.author)
                    .bind(device.as_str())
                    .bind(at);
            }
            query.execute(&mut *conn).await?;
        }
        // The merge rule: a field only takes a write with a greater clock.
        let mut winners: Vec<usize> = self.winners.into_values().collect();
        winners.sort_unstable();
        for chunk in winners.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO state (org_id, kind, record_id, field, value, hlc, op, author)
                 VALUES {}
                 ON CONFLICT (org_id, kind, record_id, field) DO UPDATE
                 SET value = excluded.value, hlc = excluded.hlc, op = excluded.op, author = excluded.author
                 WHERE excluded.hlc > state.hlc",
                placeholders(chunk.len(), 8, 1)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for &index in chunk {
                let (change, value) = &self.log[index];
                query = query
                    .bind(org)
                    .bind(&change.kind)
                    .bind(&change.id)
                    .bind(&change.field)
                    .bind(value)
                    .bind(&change.hlc)
                    .bind(&change.op)
                    .bind(&change.author);
            }
            query.execute(&mut *conn).await?;
        }
        let mut scope: Vec<(RecordKey, ScopeRow)> = self
            .scope
            .into_iter()
            .filter_map(|(key, row)| {
                let row = row?;
                let before = self.scope_before.get(&key).cloned().flatten();
                (before.as_ref() != Some(&row)).then_some((key, row))
            })
            .collect();
        scope.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for chunk in scope.chunks(ROWS_PER_INSERT) {
            // A new row, or an existing one whose customer changed (its creator stays).
            let sql = format!(
                "INSERT INTO scope (org_id, kind, record_id, customer_id, creator) VALUES {}
                 ON CONFLICT (org_id, kind, record_id) DO UPDATE SET customer_id = excluded.customer_id",
                placeholders(chunk.len(), 5, 1)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for ((kind, id), row) in chunk {
                query = query
                    .bind(org)
                    .bind(kind)
                    .bind(id)
                    .bind(&row.customer_id)
                    .bind(&row.creator);
            }
            query.execute(&mut *conn).await?;
        }
        for chunk in self.refused.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO quarantine (org_id, user_id, device, op, change, code, message, at) VALUES {}",
                placeholders(chunk.len(), 8, 1)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for refusal in chunk {
                query = query
                    .bind(org)
                    .bind(&actor.user_id)
                    .bind(device.as_str())
                    .bind(refusal.op)
                    .bind(json_text(refusal.raw))
                    .bind(refusal.code.as_str())
                    .bind(&refusal.message)
                    .bind(at);
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// Where a change may go: its scope customer, or why it is refused.
enum Judgement {
    Allowed { customer: Option<String> },
    Refused { code: RejectCode, message: String },
}

impl BackendStore {
    async fn visible_customers(&self, actor: &Actor) -> StoreResult<BTreeSet<String>> {
        let sql = format!(
            "SELECT s.record_id FROM scope s WHERE s.org_id = $1 AND s.kind = 'customer'
             AND s.customer_id = s.record_id AND {VISIBLE_CUSTOMER}"
        );
        let ids: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(&actor.org_id)
            .bind(json_text(&Value::String(actor.user_id.clone())))
            .bind(&actor.user_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(ids.into_iter().collect())
    }

    async fn snapshot(&self, user_id: &str, id: i64) -> StoreResult<Option<BTreeSet<String>>> {
        let owned: Option<i64> =
            sqlx::query_scalar("SELECT id FROM visible_snapshots WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        if owned.is_none() {
            return Ok(None);
        }
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT customer_id FROM visible_customers WHERE snapshot_id = $1")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        Ok(Some(ids.into_iter().collect()))
    }

    async fn save_snapshot(&self, user_id: &str, visible: &BTreeSet<String>) -> StoreResult<i64> {
        let mut tx = begin_write(&self.pool).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO visible_snapshots (user_id, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(user_id)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?;
        for customer in visible {
            sqlx::query("INSERT INTO visible_customers (snapshot_id, customer_id) VALUES ($1, $2)")
                .bind(id)
                .bind(customer)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "DELETE FROM visible_snapshots WHERE user_id = $1 AND id <= $2 - $3
             AND id NOT IN (SELECT id FROM visible_snapshots WHERE user_id = $1 ORDER BY id DESC LIMIT $3)",
        )
        .bind(user_id)
        .bind(id)
        .bind(SNAPSHOTS_KEPT)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every winning write of a customer and of its child records: its whole history as state.
    async fn customer_state(&self, org_id: &str, customer_id: &str) -> StoreResult<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT st.op, st.kind, st.record_id, st.field, st.value, st.hlc, st.author
             FROM scope s JOIN state st
               ON st.org_id = s.org_id AND st.kind = s.kind AND st.record_id = s.record_id
             WHERE s.org_id = $1 AND s.customer_id = $2",
        )
        .bind(org_id)
        .bind(customer_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change_from_row).collect()
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
        };
        sqlx::query(
            "INSERT INTO users (id, org_id, username, name, role, password_hash)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&user.id)
        .bind(&user.org_id)
        .bind(&user.username)
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
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
        let row = sqlx::query(
            "SELECT u.id, u.org_id, u.username, u.name, u.role, u.password_hash
             FROM users u JOIN orgs o ON o.id = u.org_id WHERE o.name = $1 AND u.username = $2",
        )
        .bind(org_name)
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn insert_token(&self, token_hash: &str, user_id: &str) -> StoreResult<()> {
        sqlx::query("INSERT INTO tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now_text())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn token_user(&self, token_hash: &str) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(
            "SELECT u.id, u.org_id, u.username, u.name, u.role, u.password_hash
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn revoke_token(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
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
        let mut tx = begin_write(&self.pool).await?;
        let mut batch = Batch::load(&mut tx, actor, incoming, parents).await?;
        for item in incoming {
            match item {
                Incoming::Invalid { op, raw, message } => {
                    batch.refuse(op, raw, RejectCode::Invalid, message.clone());
                    verdicts.push(Verdict::Rejected {
                        code: RejectCode::Invalid,
                        message: message.clone(),
                    });
                }
                Incoming::Valid { change, raw } => {
                    if batch.stored_ops.contains(&change.op) {
                        verdicts.push(Verdict::Accepted);
                        continue;
                    }
                    match batch.judge(&mut tx, change, parents).await? {
                        Judgement::Allowed { customer } => {
                            batch.store(&mut tx, change, customer.as_deref()).await?;
                            stored_any = true;
                            verdicts.push(Verdict::Accepted);
                        }
                        Judgement::Refused { code, message } => {
                            batch.refuse(&change.op, raw, code, message.clone());
                            verdicts.push(Verdict::Rejected { code, message });
                        }
                    }
                }
            }
        }
        batch.write(&mut tx, device, &at).await?;
        let latest_seq: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE org_id = $1")
                .bind(&actor.org_id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(PushOutcome {
            verdicts,
            latest_seq,
            stored_any,
        })
    }

    async fn pull(&self, actor: &Actor, from: &Position, limit: usize) -> StoreResult<Page> {
        let mut page = Page {
            position: from.clone(),
            ..Page::default()
        };
        let mut room = limit;
        if !actor.role.sees_everything() {
            let visible = self.visible_customers(actor).await?;
            let known = match from.snapshot {
                Some(id) => self.snapshot(&actor.user_id, id).await?,
                None => None,
            };
            let known = match known {
                Some(known) => known,
                // From the beginning, paging brings every visible customer anyway.
                None if from.seq == 0 => visible.clone(),
                // A position without a readable snapshot: resend what is visible (merging is idempotent).
                None => BTreeSet::new(),
            };
            for customer in visible.difference(&known) {
                page.changes
                    .extend(self.customer_state(&actor.org_id, customer).await?);
            }
            page.revoked_customers = known.difference(&visible).cloned().collect();
            if from.snapshot.is_none() || known != visible {
                page.position.snapshot = Some(self.save_snapshot(&actor.user_id, &visible).await?);
            }
            room = limit.saturating_sub(page.changes.len());
            if room == 0 && !page.changes.is_empty() {
                page.has_more = true;
                return Ok(page);
            }
        }
        let fetch = i64::try_from(room + 1).unwrap_or(i64::MAX);
        let rows = if actor.role.sees_everything() {
            sqlx::query(
                "SELECT seq, op, kind, record_id, field, value, hlc, author FROM changes
                 WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(&actor.org_id)
            .bind(from.seq)
            .bind(fetch)
            .fetch_all(&self.pool)
            .await?
        } else {
            let sql = format!(
                "SELECT c.seq, c.op, c.kind, c.record_id, c.field, c.value, c.hlc, c.author
                 FROM changes c JOIN scope s
                   ON s.org_id = c.org_id AND s.kind = c.kind AND s.record_id = c.record_id
                 WHERE c.org_id = $1 AND c.seq > $4 AND (s.customer_id IS NULL OR {VISIBLE_CUSTOMER})
                 ORDER BY c.seq LIMIT $5"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&actor.org_id)
                .bind(json_text(&Value::String(actor.user_id.clone())))
                .bind(&actor.user_id)
                .bind(from.seq)
                .bind(fetch)
                .fetch_all(&self.pool)
                .await?
        };
        page.has_more = rows.len() > room;
        for row in rows.iter().take(room) {
            page.position.seq = row.try_get("seq")?;
            page.changes.push(change_from_row(row)?);
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
                "SELECT 1 FROM scope s WHERE s.org_id = $1 AND s.kind = 'customer' AND s.record_id = $2",
            )
            .bind(&actor.org_id)
            .bind(customer_id)
            .fetch_optional(&self.pool)
            .await?
        } else {
            let sql = format!(
                "SELECT 1 FROM scope s WHERE s.org_id = $1 AND s.kind = 'customer'
                 AND s.record_id = $4 AND s.customer_id = s.record_id AND {VISIBLE_CUSTOMER}"
            );
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(&actor.org_id)
                .bind(json_text(&Value::String(actor.user_id.clone())))
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
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE org_id = $1")
                .bind(org_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn org_records(&self, org_id: &str, kind: &str) -> StoreResult<BTreeMap<String, Record>> {
        let rows = sqlx::query(
            "SELECT op, kind, record_id, field, value, hlc, author FROM state
             WHERE org_id = $1 AND kind = $2",
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

    async fn has_changes(&self) -> StoreResult<bool> {
        let any: Option<i64> = sqlx::query_scalar("SELECT seq FROM changes LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(any.is_some())
    }
}
