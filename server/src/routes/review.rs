//! The managers' review of refused changes (PRODUCT §10, issue 10): every change the server
//! refused (`forbidden`, `invalid`) is kept in the quarantine with who, which device, when and
//! why. A manager applies one — it then goes through the merge rule as an ordinary change by
//! the manager (its own stamp, so it wins or loses against later edits as it would have) — or
//! discards it with a reason. Each decision is made once and written to the audit log: an
//! apply claims the change before pushing it, so a discard meanwhile is refused (`409`).

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::ApiJson;
use crate::routes::sync::{encode_cursor, tell_devices};
use crate::store::{Decision, Incoming, Position, ReviewRow, ReviewState, Verdict};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use huitou_shared::api::{Discard, RejectCode, Review, ReviewItem};
use huitou_shared::validate::parse_change;
use huitou_shared::{DeviceId, Kind};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

/// Refused changes listed at once, at most (newest first).
const REVIEW_PAGE: usize = 500;
/// A discard's reason, at most (characters).
const MAX_REASON_CHARS: usize = 500;

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn manager(user: &AuthUser) -> Result<(), ApiError> {
    crate::routes::team::managers_only(user, "review refused changes")
}

fn item(row: ReviewRow) -> ReviewItem {
    let code = RejectCode::parse(&row.code).unwrap_or(RejectCode::Forbidden);
    ReviewItem {
        id: row.id,
        user_id: row.user_id,
        device: row.device,
        at: row.at,
        change: row.change,
        code,
        message: row.message,
        resolution: row.resolution,
        resolved_by: row.resolved_by,
        resolved_at: row.resolved_at,
        reason: row.reason,
    }
}

#[derive(Debug, Deserialize)]
pub struct ReviewQuery {
    /// Decided ones too.
    #[serde(default)]
    all: bool,
}

pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<ReviewQuery>, QueryRejection>,
) -> Result<Json<Review>, ApiError> {
    manager(&user)?;
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let rows = state
        .store
        .review_list(&user.org_id, !query.all, REVIEW_PAGE)
        .await?;
    Ok(Json(Review {
        items: rows.into_iter().map(item).collect(),
    }))
}

/// The quarantined change `id` of the manager's organisation.
async fn review_item(state: &AppState, user: &AuthUser, id: i64) -> Result<ReviewRow, ApiError> {
    manager(user)?;
    state
        .store
        .review_item(&user.org_id, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Moves the change from `from` to `resolution` as `user`; `409` when it is not in `from`
/// (another manager decided it meanwhile).
async fn decide(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    from: ReviewState,
    resolution: Option<&str>,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    let at = now_text();
    let decision = Decision {
        resolution,
        by: &user.user_id,
        at: &at,
        reason,
    };
    if state
        .store
        .review_decide(&user.org_id, id, from, &decision)
        .await?
    {
        Ok(())
    } else {
        let now = state.store.review_item(&user.org_id, id).await?;
        let done = now.and_then(|row| row.resolution).unwrap_or_default();
        Err(ApiError::Conflict(format!(
            "this change was already {done} by another manager"
        )))
    }
}

/// Tells the author's devices what became of their refused change: a `decision` record private
/// to them (a salesperson's own record kind), so the device shows the reason, or lets an
/// applied change go from its outbox.
async fn publish_decision(
    state: &AppState,
    user: &AuthUser,
    row: &ReviewRow,
    resolution: &str,
    reason: Option<&str>,
) {
    let author = crate::store::Actor {
        user_id: row.user_id.clone(),
        org_id: user.org_id.clone(),
        role: huitou_shared::Role::Salesperson,
    };
    let Ok(device) = DeviceId::parse(huitou_shared::api::SERVER_AUTHOR) else {
        return;
    };
    let mut clock = huitou_shared::Clock::new(device.clone());
    let now = crate::routes::sync::server_time_ms();
    let id = huitou_shared::api::decision_id(&row.op);
    let incoming: Vec<Incoming> = [
        ("op", json!(row.op)),
        ("resolution", json!(resolution)),
        ("reason", json!(reason)),
        ("by", json!(user.user_id)),
        ("at", json!(now_text())),
    ]
    .into_iter()
    .map(|(field, value)| {
        let mut change = huitou_shared::Change::new(
            Kind::DECISION,
            &id,
            field,
            value,
            &clock.tick(now).to_string(),
        );
        change.author.clone_from(&user.user_id);
        Incoming::Valid { change }
    })
    .collect();
    match state
        .store
        .push(&author, &device, &incoming, &HashMap::new())
        .await
    {
        Ok(outcome) => {
            let cursor = encode_cursor(&Position {
                seq: outcome.latest_seq,
                round: None,
            });
            tell_devices(state, &user.org_id, &outcome, &cursor).await;
        }
        Err(e) => tracing::warn!(error = %e, "the author's devices will not hear of a decision"),
    }
}

async fn audit_decision(state: &AppState, user: &AuthUser, row: &ReviewRow, action: &str) {
    crate::routes::team::audit(
        state,
        &user.org_id,
        Some(&user.user_id),
        user.device.as_deref(),
        action,
        Some(&row.user_id),
        json!({"op": row.op, "code": row.code, "reason": row.reason}),
    )
    .await;
}

pub async fn apply(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<ReviewItem>, ApiError> {
    let id = id.parse::<i64>().map_err(|_| ApiError::NotFound)?;
    let row = review_item(&state, &user, id).await?;
    let (mut change, _) = parse_change(&row.change).map_err(|invalid| {
        ApiError::Conflict(format!(
            "this change cannot be applied as it was kept: {}",
            invalid.message
        ))
    })?;
    // Claimed first, so a discard meanwhile finds it taken; pushed, then marked applied. A
    // crash between leaves it `applying`, and applying it again is safe (same op).
    decide(
        &state,
        &user,
        id,
        ReviewState::OpenOrApplying,
        Some("applying"),
        None,
    )
    .await?;
    // The manager's change now, on the author's behalf.
    change.author.clone_from(&user.user_id);
    let op = change.op.clone();
    let device = DeviceId::parse(user.device.as_deref().unwrap_or("huitou-review"))
        .or_else(|_| DeviceId::parse("huitou-review"))
        .map_err(ApiError::Internal)?;
    let mut parents = HashMap::new();
    if change.field == "customer_id"
        && Kind::is_child_of_customer(&change.kind)
        && let Some(customer) = change.value.as_str()
    {
        parents.insert(
            (change.kind.clone(), change.id.clone()),
            customer.to_owned(),
        );
    }
    let incoming = [Incoming::Valid { change }];
    let pushed = state
        .store
        .push(&user.actor(), &device, &incoming, &parents)
        .await;
    let refused = match &pushed {
        Ok(outcome) => match outcome.verdicts.first() {
            Some(Verdict::Rejected { message, .. }) => Some(message.clone()),
            _ => None,
        },
        Err(_) => None,
    };
    if pushed.is_err() || refused.is_some() {
        // Open again; a refusal of the manager's own push is not a new change to review.
        decide(&state, &user, id, ReviewState::Applying, None, None).await?;
        if refused.is_some() {
            state
                .store
                .review_forget(&user.org_id, &user.user_id, &op, id)
                .await?;
        }
    }
    let outcome = pushed?;
    if let Some(message) = refused {
        return Err(ApiError::Conflict(format!(
            "this change still cannot be taken: {message}"
        )));
    }
    decide(
        &state,
        &user,
        id,
        ReviewState::Applying,
        Some("applied"),
        None,
    )
    .await?;
    audit_decision(&state, &user, &row, "review_applied").await;
    publish_decision(&state, &user, &row, "applied", None).await;
    let cursor = encode_cursor(&Position {
        seq: outcome.latest_seq,
        round: None,
    });
    tell_devices(&state, &user.org_id, &outcome, &cursor).await;
    decided(&state, &user, id).await
}

/// The change `id` as it now is, after a decision.
async fn decided(state: &AppState, user: &AuthUser, id: i64) -> Result<Json<ReviewItem>, ApiError> {
    let row = state
        .store
        .review_item(&user.org_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(item(row)))
}

pub async fn discard(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<Discard>,
) -> Result<Json<ReviewItem>, ApiError> {
    let id = id.parse::<i64>().map_err(|_| ApiError::NotFound)?;
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::BadRequest(format!(
            "a reason of 1 to {MAX_REASON_CHARS} characters is needed"
        )));
    }
    let row = review_item(&state, &user, id).await?;
    decide(
        &state,
        &user,
        id,
        ReviewState::Open,
        Some("discarded"),
        Some(reason),
    )
    .await?;
    let row = ReviewRow {
        reason: Some(reason.to_owned()),
        ..row
    };
    audit_decision(&state, &user, &row, "review_discarded").await;
    publish_decision(&state, &user, &row, "discarded", Some(reason)).await;
    decided(&state, &user, id).await
}
