//! `POST /api/v1/customers/{id}/erase` (SYNC §5, PRODUCT §10): a manager erases a customer's
//! personal data on the server and, through ordinary synced changes, on every device.
//!
//! 1. Every personal field (`customer::erasure::keeps` says which stay) of the customer, its
//!    child records and its pool entry gets a `null` stamped above every write the server
//!    holds, and the customer gets `erased: true` and `deleted: true` — pushed as the server,
//!    so devices clear them like any change. From then on the push refuses any change of the
//!    customer or its records (`erased`, not quarantined), so an offline device brings nothing
//!    back.
//! 2. The log keeps only each field's winning write: every earlier value goes, and so do the
//!    quarantined changes naming the customer or its records (`Store::erase_history`); SQLite
//!    zeroes what it deleted and truncates its WAL.
//!
//! The request names the customer (`{"confirm_name": "陈先生"}`), as the screen makes the manager
//! type it, so a mistyped id erases nothing.

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::pool::{observe, push, server_actor, server_clock};
use crate::routes::ApiJson;
use crate::routes::team::{audit, managers_only};
use crate::store::CustomerRecords;
use axum::Json;
use axum::extract::{Path, State};
use huitou_shared::api::SERVER_AUTHOR;
use huitou_shared::customer::erasure::{ERASED, is_erased, keeps};
use huitou_shared::customer::merging::Edit;
use huitou_shared::model::is_uuid_text;
use huitou_shared::{Kind, Record};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
pub struct EraseRequest {
    /// The customer's name as it stands, typed by the manager.
    pub confirm_name: String,
}

#[derive(Debug, Serialize)]
pub struct EraseResponse {
    pub customer_id: String,
    /// Personal fields set to null (across the customer and its records).
    pub cleared_fields: usize,
    /// Earlier writes deleted from the log.
    pub log_rows_deleted: u64,
}

/// The `null`s that clear a record's personal fields.
fn clearing(kind: &str, id: &str, record: &Record) -> Option<Edit> {
    let fields: Vec<(String, Value)> = record
        .fields
        .iter()
        .filter(|(field, state)| !keeps(kind, field) && !state.value.is_null())
        .map(|(field, _)| (field.clone(), Value::Null))
        .collect();
    (!fields.is_empty()).then(|| Edit {
        kind: kind.to_owned(),
        id: id.to_owned(),
        fields,
    })
}

/// Clears and forgets one customer (see the module): `(fields cleared, log rows deleted)`.
async fn erase_one(
    state: &AppState,
    org_id: &str,
    customer_id: &str,
    records: CustomerRecords,
) -> Result<(usize, u64), ApiError> {
    let store = &state.store;
    let reader = server_actor(org_id, SERVER_AUTHOR);
    let writer = server_actor(org_id, SERVER_AUTHOR);
    let mut cleared = 0;
    let mut records = records;
    // A change stored between reading and clearing is cleared by the next round; once the
    // customer is marked, the push refuses any other.
    for round in 0..3 {
        let mut clock = server_clock().map_err(|e| ApiError::Internal(e.to_string()))?;
        observe(&mut clock, &records);
        let mut edits: Vec<Edit> = Vec::new();
        if let Some(edit) = clearing(Kind::CUSTOMER, customer_id, &records.customer) {
            edits.push(edit);
        }
        for ((kind, id), record) in &records.children {
            edits.extend(clearing(kind, id, record));
        }
        if let Some(entry) = store.record(org_id, Kind::POOL, customer_id).await? {
            if let Some(hlc) = entry
                .last_hlc()
                .and_then(|s| huitou_shared::Hlc::parse(s).ok())
            {
                clock.observe(&hlc);
            }
            let mut edit = clearing(Kind::POOL, customer_id, &entry);
            // Out of the pool (nobody can claim an erased customer), and marked, so every
            // device — salespeople hold pool entries, not pooled customers — forgets it.
            if round == 0 {
                edit.get_or_insert_with(|| Edit {
                    kind: Kind::POOL.to_owned(),
                    id: customer_id.to_owned(),
                    fields: Vec::new(),
                })
                .fields
                .extend([
                    ("released_at".to_owned(), Value::Null),
                    (ERASED.to_owned(), Value::Bool(true)),
                ]);
            }
            edits.extend(edit);
        }
        if round == 0 {
            edits.push(Edit {
                kind: Kind::CUSTOMER.to_owned(),
                id: customer_id.to_owned(),
                fields: vec![
                    (ERASED.to_owned(), Value::Bool(true)),
                    ("deleted".to_owned(), Value::Bool(true)),
                ],
            });
        } else if edits.is_empty() {
            break;
        }
        cleared += edits
            .iter()
            .flat_map(|e| &e.fields)
            .filter(|(field, _)| field != ERASED && field != "deleted")
            .count();
        push(state, &writer, &mut clock, &edits)
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        records = store
            .customer_records(&reader, customer_id)
            .await?
            .ok_or(ApiError::NotFound)?;
    }
    let ids: Vec<String> = std::iter::once(customer_id.to_owned())
        .chain(records.children.keys().map(|(_, id)| id.clone()))
        .collect();
    let deleted = store.erase_history(org_id, customer_id, &ids).await?;
    Ok((cleared, deleted))
}

pub async fn erase(
    State(state): State<AppState>,
    user: AuthUser,
    Path(customer_id): Path<String>,
    ApiJson(request): ApiJson<EraseRequest>,
) -> Result<Json<EraseResponse>, ApiError> {
    managers_only(&user, "erase a customer")?;
    if !is_uuid_text(&customer_id) {
        return Err(ApiError::NotFound);
    }
    let store = &state.store;
    let reader = server_actor(&user.org_id, SERVER_AUTHOR);
    let records = store
        .customer_records(&reader, &customer_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let name = records.customer.text("name").unwrap_or_default();
    if !is_erased(&records.customer) && request.confirm_name.trim() != name.trim() {
        return Err(ApiError::Invalid(
            "confirm_name must be the customer's name as it stands".into(),
        ));
    }
    let (mut cleared, mut deleted) = erase_one(&state, &user.org_id, &customer_id, records).await?;
    // Duplicates merged into it keep their own name and phone in the trash: they go too.
    let book = store.org_records(&user.org_id, Kind::CUSTOMER).await?;
    let mut merged: Vec<String> = vec![customer_id.clone()];
    let mut n = 0;
    while n < merged.len() {
        let into = merged[n].clone();
        for (id, record) in &book {
            if record.text("merged_into") == Some(into.as_str()) && !merged.contains(id) {
                merged.push(id.clone());
            }
        }
        n += 1;
    }
    for duplicate in merged.iter().skip(1) {
        if let Some(records) = store.customer_records(&reader, duplicate).await? {
            let (c, d) = erase_one(&state, &user.org_id, duplicate, records).await?;
            cleared += c;
            deleted += d;
        }
    }
    audit(
        &state,
        &user.org_id,
        Some(&user.user_id),
        None,
        "customer_erased",
        Some(&customer_id),
        json!({ "cleared_fields": cleared, "log_rows_deleted": deleted }),
    )
    .await;
    Ok(Json(EraseResponse {
        customer_id,
        cleared_fields: cleared,
        log_rows_deleted: deleted,
    }))
}
