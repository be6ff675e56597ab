// The SQL shared by the SQLite and PostgreSQL stores, included by each with its own
// `Conn`, `DbRow`, `BackendStore` and `begin_write` (both accept `$N` placeholders).
// Every push holds the backend's single write lock, so log positions are handed out in commit order.

use super::{
    Actor, Incoming, Page, Position, PushOutcome, Quarantined, Store, StoreError, StoreResult,
    UserRow, Verdict,
};
use crate::permissions::{self, CustomerFacts};
use async_trait::async_trait;
use huitou_shared::api::RejectCode;
use huitou_shared::{Change, DeviceId, Kind, Role};
use serde_json::Value;
use sqlx::Row;
use std::collections::{BTreeSet, HashMap};

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

async fn customer_facts(
    conn: &mut Conn,
    org_id: &str,
    customer_id: &str,
) -> StoreResult<CustomerFacts> {
    let creator: Option<String> = sqlx::query_scalar(
        "SELECT creator FROM scope WHERE org_id = $1 AND kind = 'customer' AND record_id = $2",
    )
    .bind(org_id)
    .bind(customer_id)
    .fetch_optional(&mut *conn)
    .await?;
    let rows = sqlx::query(
        "SELECT field, value FROM state WHERE org_id = $1 AND kind = 'customer' AND record_id = $2
         AND field IN ('owner', 'shared')",
    )
    .bind(org_id)
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut facts = CustomerFacts {
        exists: creator.is_some(),
        creator,
        ..CustomerFacts::default()
    };
    for row in rows {
        let field: String = row.try_get("field")?;
        let value: String = row.try_get("value")?;
        let value: Value = serde_json::from_str(&value).unwrap_or(Value::Null);
        match field.as_str() {
            "owner" => facts.owner = permissions::owner_of(&value),
            _ => facts.shared = value.as_bool().unwrap_or(false),
        }
    }
    Ok(facts)
}

/// Where a change may go: its scope customer, or why it is refused.
enum Judgement {
    Allowed { customer: Option<String> },
    Refused { code: RejectCode, message: String },
}

async fn judge(
    conn: &mut Conn,
    actor: &Actor,
    change: &Change,
    parents: &HashMap<(String, String), String>,
) -> StoreResult<Judgement> {
    let salesperson = !actor.role.sees_everything();
    let refused = |message: String| Judgement::Refused {
        code: RejectCode::Forbidden,
        message,
    };
    if change.kind == Kind::CUSTOMER {
        if salesperson {
            let facts = customer_facts(conn, &actor.org_id, &change.id).await?;
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
        let known: Option<Option<String>> = sqlx::query_scalar(
            "SELECT customer_id FROM scope WHERE org_id = $1 AND kind = $2 AND record_id = $3",
        )
        .bind(&actor.org_id)
        .bind(&change.kind)
        .bind(&change.id)
        .fetch_optional(&mut *conn)
        .await?;
        let current = known.flatten();
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
                let facts = customer_facts(conn, &actor.org_id, id).await?;
                if facts.exists && !facts.visible_to(&actor.user_id) {
                    return Ok(refused(format!("customer {id} is not yours")));
                }
            }
            if current.is_none() && named.is_none() {
                let facts = customer_facts(conn, &actor.org_id, &customer).await?;
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

#[allow(clippy::too_many_arguments)]
async fn quarantine(
    conn: &mut Conn,
    actor: &Actor,
    device: &DeviceId,
    op: &str,
    raw: &Value,
    code: RejectCode,
    message: &str,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO quarantine (org_id, user_id, device, op, change, code, message, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&actor.org_id)
    .bind(&actor.user_id)
    .bind(device.as_str())
    .bind(op)
    .bind(json_text(raw))
    .bind(code.as_str())
    .bind(message)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Appends one change to the log and folds it into `state` and `scope`.
async fn store_change(
    conn: &mut Conn,
    actor: &Actor,
    device: &DeviceId,
    change: &Change,
    customer: Option<&str>,
    at: &str,
) -> StoreResult<()> {
    let value = json_text(&change.value);
    sqlx::query(
        "INSERT INTO changes (org_id, op, kind, record_id, field, value, hlc, author, device, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&actor.org_id)
    .bind(&change.op)
    .bind(&change.kind)
    .bind(&change.id)
    .bind(&change.field)
    .bind(&value)
    .bind(&change.hlc)
    .bind(&change.author)
    .bind(device.as_str())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    // The merge rule: a field only takes a write with a greater clock.
    let won = sqlx::query(
        "INSERT INTO state (org_id, kind, record_id, field, value, hlc, op, author)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (org_id, kind, record_id, field) DO UPDATE
         SET value = excluded.value, hlc = excluded.hlc, op = excluded.op, author = excluded.author
         WHERE excluded.hlc > state.hlc",
    )
    .bind(&actor.org_id)
    .bind(&change.kind)
    .bind(&change.id)
    .bind(&change.field)
    .bind(&value)
    .bind(&change.hlc)
    .bind(&change.op)
    .bind(&change.author)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        > 0;
    sqlx::query(
        "INSERT INTO scope (org_id, kind, record_id, customer_id, creator) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (org_id, kind, record_id) DO NOTHING",
    )
    .bind(&actor.org_id)
    .bind(&change.kind)
    .bind(&change.id)
    .bind(customer)
    .bind(&actor.user_id)
    .execute(&mut *conn)
    .await?;
    if won && change.field == "customer_id" && Kind::is_child_of_customer(&change.kind) {
        sqlx::query(
            "UPDATE scope SET customer_id = $4 WHERE org_id = $1 AND kind = $2 AND record_id = $3",
        )
        .bind(&actor.org_id)
        .bind(&change.kind)
        .bind(&change.id)
        .bind(change.value.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
        for item in incoming {
            match item {
                Incoming::Invalid { op, raw, message } => {
                    quarantine(
                        &mut tx,
                        actor,
                        device,
                        op,
                        raw,
                        RejectCode::Invalid,
                        message,
                        &at,
                    )
                    .await?;
                    verdicts.push(Verdict::Rejected {
                        code: RejectCode::Invalid,
                        message: message.clone(),
                    });
                }
                Incoming::Valid { change, raw } => {
                    let stored: Option<i64> =
                        sqlx::query_scalar("SELECT seq FROM changes WHERE org_id = $1 AND op = $2")
                            .bind(&actor.org_id)
                            .bind(&change.op)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if stored.is_some() {
                        verdicts.push(Verdict::Accepted);
                        continue;
                    }
                    match judge(&mut tx, actor, change, parents).await? {
                        Judgement::Allowed { customer } => {
                            store_change(&mut tx, actor, device, change, customer.as_deref(), &at)
                                .await?;
                            stored_any = true;
                            verdicts.push(Verdict::Accepted);
                        }
                        Judgement::Refused { code, message } => {
                            quarantine(
                                &mut tx, actor, device, &change.op, raw, code, &message, &at,
                            )
                            .await?;
                            verdicts.push(Verdict::Rejected { code, message });
                        }
                    }
                }
            }
        }
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

    async fn latest_seq(&self, org_id: &str) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE org_id = $1")
                .bind(org_id)
                .fetch_one(&self.pool)
                .await?,
        )
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
