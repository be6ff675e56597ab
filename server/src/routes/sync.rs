//! `POST /api/v1/sync/push`, `GET /api/v1/sync/pull` and `GET /api/v1/sync/live` (SYNC §3).

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::permissions;
use crate::routes::ApiJson;
use crate::store::{Incoming, Position, PushOutcome, Round, Verdict};
use crate::{AppState, Stored};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use huitou_shared::api::{
    DEFAULT_PULL_LIMIT, LiveEvent, MAX_CLOCK_AHEAD_MS, MAX_PULL_LIMIT, MAX_PUSH_CHANGES,
    PushResponse, RecordRef, RejectCode, Rejection,
};
use huitou_shared::validate::parse_change_text;
use huitou_shared::{DeviceId, Kind};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

mod follow_up;

/// Milliseconds since the Unix epoch, as sent in `server_time_ms`.
pub fn server_time_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or_default()
}

/// Cursor text: `s<seq>`; during a salesperson's round `s<seq>.r<end>`, plus `.b<hex>` while
/// records that became visible are still being sent (hex of the backfill key). Cursors of
/// the earlier snapshot scheme (`s<seq>.v<n>`) read as `s<seq>`: the round then works out
/// what changed from the log.
pub fn encode_cursor(position: &Position) -> String {
    let mut text = format!("s{}", position.seq);
    if let Some(round) = &position.round {
        text.push_str(&format!(".r{}", round.end));
        if let Some(key) = &round.backfill {
            text.push_str(".b");
            text.push_str(&hex::encode(key.as_bytes()));
        }
    }
    text
}

pub fn decode_cursor(text: &str) -> Result<Position, ApiError> {
    if text.is_empty() {
        return Ok(Position::default());
    }
    let bad = || ApiError::BadCursor(format!("cursor {text:?} is not one this server gave out"));
    let number = |s: &str| {
        s.parse::<i64>()
            .ok()
            .filter(|n| *n >= 0 && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut parts = text.split('.');
    let seq = parts
        .next()
        .and_then(|p| p.strip_prefix('s'))
        .and_then(number)
        .ok_or_else(bad)?;
    let mut position = Position { seq, round: None };
    match parts.next() {
        None => return Ok(position),
        Some(legacy) if legacy.starts_with('v') => {
            number(&legacy[1..]).ok_or_else(bad)?;
        }
        Some(round) => {
            let end = round.strip_prefix('r').and_then(number).ok_or_else(bad)?;
            let backfill = match parts.next() {
                None => None,
                Some(key) => {
                    let bytes =
                        hex::decode(key.strip_prefix('b').ok_or_else(bad)?).map_err(|_| bad())?;
                    Some(String::from_utf8(bytes).map_err(|_| bad())?)
                }
            };
            if end < seq {
                return Err(bad());
            }
            position.round = Some(Round { end, backfill });
        }
    }
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(position)
}

enum Slot {
    /// Judged by the store: index into its verdicts.
    Store(usize),
    ClockAhead(String, String),
}

/// A push body as it arrives: each change kept as its own JSON text until it is read into its
/// typed form (no tree of JSON values is built for a thousand changes).
#[derive(Deserialize)]
struct PushBody<'a> {
    device: String,
    #[serde(borrow)]
    changes: Vec<&'a RawValue>,
}

pub async fn push(
    State(state): State<AppState>,
    user: AuthUser,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<Box<RawValue>>,
) -> Result<Json<PushResponse>, ApiError> {
    // `ApiJson` checks the content type, the size and that the body is JSON; the shape is
    // read here, borrowing each change's text from the body.
    let request: PushBody = serde_json::from_str(body.get())
        .map_err(|e| ApiError::BadRequest(format!("malformed push: {e}")))?;
    if request.changes.len() > MAX_PUSH_CHANGES {
        return Err(ApiError::TooLarge(format!(
            "{} changes in one push, at most {MAX_PUSH_CHANGES} allowed",
            request.changes.len()
        )));
    }
    let device = DeviceId::parse(&request.device).map_err(ApiError::BadRequest)?;
    let now = server_time_ms();
    // A disabled account's device hands in what it held; what it wrote later is not taken.
    let disabled_ms = user.disabled_at.as_deref().map(|at| {
        chrono::DateTime::parse_from_rfc3339(at).map_or(0, |at| {
            u64::try_from(at.timestamp_millis()).unwrap_or_default()
        })
    });
    let as_value = |raw: &RawValue| serde_json::from_str(raw.get()).unwrap_or(Value::Null);
    let mut incoming = Vec::with_capacity(request.changes.len());
    let mut slots = Vec::with_capacity(request.changes.len());
    let mut ops = Vec::with_capacity(request.changes.len());
    for raw in request.changes {
        match parse_change_text(raw.get()) {
            Err(invalid) => {
                ops.push(invalid.op.clone());
                slots.push(Slot::Store(incoming.len()));
                incoming.push(Incoming::Refused {
                    op: invalid.op,
                    raw: as_value(raw),
                    code: RejectCode::Invalid,
                    message: invalid.message,
                });
            }
            // Not quarantined: the device re-stamps these and pushes again.
            Ok((change, hlc)) if hlc.millis > now + MAX_CLOCK_AHEAD_MS => {
                ops.push(change.op.clone());
                slots.push(Slot::ClockAhead(
                    change.op,
                    format!(
                        "hlc is {} ms ahead of server time {now}; re-stamp and push again",
                        hlc.millis - now
                    ),
                ));
            }
            Ok((change, hlc)) if permissions::written_after_disabling(hlc.millis, disabled_ms) => {
                ops.push(change.op.clone());
                slots.push(Slot::Store(incoming.len()));
                incoming.push(Incoming::Refused {
                    op: change.op,
                    raw: as_value(raw),
                    code: RejectCode::Forbidden,
                    message: "written after this account was disabled; a manager will review it"
                        .to_owned(),
                });
            }
            Ok((mut change, _)) => {
                change.author.clone_from(&user.user_id);
                ops.push(change.op.clone());
                slots.push(Slot::Store(incoming.len()));
                incoming.push(Incoming::Valid { change });
            }
        }
    }
    // A child record created in this batch may list its fields before its customer_id.
    let parents: HashMap<(String, String), String> = incoming
        .iter()
        .filter_map(|item| match item {
            Incoming::Valid { change, .. }
                if change.field == "customer_id" && Kind::is_child_of_customer(&change.kind) =>
            {
                let customer = change.value.as_str()?.to_owned();
                Some(((change.kind.clone(), change.id.clone()), customer))
            }
            _ => None,
        })
        .collect();
    let outcome = state
        .store
        .push(&user.actor(), &device, &incoming, &parents)
        .await?;
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for (op, slot) in ops.into_iter().zip(slots) {
        match slot {
            Slot::ClockAhead(op, message) => rejected.push(Rejection {
                op,
                code: RejectCode::ClockAhead,
                message,
            }),
            Slot::Store(index) => match outcome.verdicts.get(index) {
                Some(Verdict::Accepted) => accepted.push(op),
                Some(Verdict::Rejected { code, message }) => rejected.push(Rejection {
                    op,
                    code: *code,
                    message: message.clone(),
                }),
                None => return Err(ApiError::Internal("store skipped a change".into())),
            },
        }
    }
    let cursor = encode_cursor(&Position {
        seq: outcome.latest_seq,
        round: None,
    });
    tell_devices(&state, &user.org_id, &outcome, &cursor).await;
    follow_up::pool(&state, &user, &device, &incoming, &outcome).await;
    follow_up::audit_moves(&state, &user, &device, &incoming, &outcome).await;
    // What the device still holds after this push, for the Team screen's devices.
    if let Some(waiting) = headers
        .get(huitou_shared::api::WAITING_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0)
    {
        let left = waiting.saturating_sub(i64::try_from(accepted.len()).unwrap_or(i64::MAX));
        if let Err(e) = state
            .store
            .note_waiting(&user.token_hash, left.max(0))
            .await
        {
            tracing::warn!(error = %e, "could not note a device's waiting changes");
        }
    }
    Ok(Json(PushResponse {
        accepted,
        rejected,
        cursor,
        server_time_ms: server_time_ms(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct PullParams {
    cursor: Option<String>,
    limit: Option<String>,
    /// `true`: say how many changes remain after the page (`remaining`).
    count: Option<String>,
}

fn pull_limit(text: Option<&str>) -> Result<usize, ApiError> {
    let Some(text) = text else {
        return Ok(DEFAULT_PULL_LIMIT);
    };
    match text.parse::<u64>() {
        Ok(0) | Err(_) => Err(ApiError::BadRequest(format!(
            "limit {text:?} must be a whole number from 1 to {MAX_PULL_LIMIT}"
        ))),
        Ok(n) => Ok(usize::try_from(n)
            .unwrap_or(MAX_PULL_LIMIT)
            .min(MAX_PULL_LIMIT)),
    }
}

pub async fn pull(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<PullParams>, QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Query(params) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let from = decode_cursor(params.cursor.as_deref().unwrap_or_default())?;
    let limit = pull_limit(params.limit.as_deref())?;
    let count = match params.count.as_deref() {
        Some("true") => true,
        Some("false") | None => false,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "count {other:?} must be true or false"
            )));
        }
    };
    let actor = user.actor();
    let page = state.store.pull(&actor, &from, limit).await?;
    let remaining = if !count || !actor.role.sees_everything() {
        None
    } else if page.has_more {
        Some(
            state
                .store
                .changes_after(&actor.org_id, page.position.seq)
                .await?,
        )
    } else {
        Some(0)
    };
    // The wire shape of `PullResponse`, with the changes the database encoded sent as they
    // are: written into the body once, not parsed again to check them (a page is up to a few
    // MB of JSON the database made from values the server wrote).
    let meta = serde_json::to_string(&PullMeta {
        cursor: encode_cursor(&page.position),
        has_more: page.has_more,
        revoked: page
            .revoked
            .into_iter()
            .map(|(kind, id)| RecordRef { kind, id })
            .collect(),
        server_time_ms: server_time_ms(),
        remaining,
    })
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut body = String::with_capacity(page.log.len() + meta.len() + 64);
    body.push_str("{\"changes\":[");
    for (n, change) in page.changes.iter().enumerate() {
        if n > 0 {
            body.push(',');
        }
        body.push_str(
            &serde_json::to_string(change).map_err(|e| ApiError::Internal(e.to_string()))?,
        );
    }
    if !page.log.is_empty() {
        if !page.changes.is_empty() {
            body.push(',');
        }
        body.push_str(&page.log);
    }
    body.push_str("],");
    // `meta` is an object: its fields follow the changes.
    body.push_str(meta.strip_prefix('{').unwrap_or(&meta));
    Ok(axum::response::IntoResponse::into_response((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )))
}

/// `PullResponse` as the server sends it, but for the changes, which go first (already
/// encoded).
#[derive(serde::Serialize)]
struct PullMeta {
    cursor: String,
    has_more: bool,
    revoked: Vec<RecordRef>,
    server_time_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    remaining: Option<u64>,
}

fn changed_event(cursor: String) -> Event {
    let data = serde_json::to_string(&LiveEvent { cursor }).unwrap_or_default();
    Event::default().event("changed").data(data)
}

/// May this user read something `stored` holds? Managers read their whole organisation.
async fn may_read(store: &crate::DynStore, actor: &crate::store::Actor, stored: &Stored) -> bool {
    if stored.org_id != actor.org_id {
        return false;
    }
    let readers = &stored.readers;
    if actor.role.sees_everything() || readers.everyone || readers.users.contains(&actor.user_id) {
        return true;
    }
    // When the store cannot say, wake the device: its pull only ever brings what it may read.
    store
        .reads_any(actor, &readers.customers)
        .await
        .unwrap_or(true)
}

/// Wakes the live streams of the devices that may read what a push stored (on this
/// instance, and on the others through the database), so a salesperson is never woken for a
/// colleague's customer.
pub async fn tell_devices(state: &AppState, org_id: &str, outcome: &PushOutcome, cursor: &str) {
    if !outcome.stored_any {
        return;
    }
    let stored = Stored {
        org_id: org_id.to_owned(),
        cursor: cursor.to_owned(),
        readers: outcome.readers.clone(),
    };
    // Other instances' devices hear of it through the database; a failure there only
    // delays them to their next periodic sync, the changes are committed.
    if let Err(e) = state.store.announce(&stored).await {
        tracing::warn!(error = %e, "could not announce stored changes to other instances");
    }
    // Nobody listening here is fine.
    let _ = state.live.send(stored);
}

pub async fn live(
    State(state): State<AppState>,
    user: AuthUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let actor = user.actor();
    let org_id = user.org_id;
    let store = state.store.clone();
    let stream = BroadcastStream::new(state.live.subscribe()).filter_map(move |message| {
        let org_id = org_id.clone();
        let store = store.clone();
        let actor = actor.clone();
        async move {
            match message {
                Ok(stored) if may_read(&store, &actor, &stored).await => {
                    Some(Ok(changed_event(stored.cursor)))
                }
                Ok(_) => None,
                // Missed some notices: one event is enough to make the device pull.
                Err(BroadcastStreamRecvError::Lagged(_)) => {
                    let seq = store.latest_seq(&org_id).await.unwrap_or_default();
                    Some(Ok(changed_event(encode_cursor(&Position {
                        seq,
                        round: None,
                    }))))
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        for position in [
            Position::default(),
            Position {
                seq: 42,
                round: None,
            },
            Position {
                seq: 7,
                round: Some(Round {
                    end: 9,
                    backfill: None,
                }),
            },
            Position {
                seq: 7,
                round: Some(Round {
                    end: 9,
                    backfill: Some("c\u{1}id\u{2}visit\u{1}x\u{1}tag:好友.b".into()),
                }),
            },
        ] {
            assert_eq!(
                decode_cursor(&encode_cursor(&position)).ok(),
                Some(position)
            );
        }
        assert_eq!(decode_cursor("").ok(), Some(Position::default()));
        // An old snapshot cursor reads as its log position.
        assert_eq!(decode_cursor("s5.v3").ok().map(|p| p.seq), Some(5));
        for junk in [
            "x",
            "s",
            "s-1",
            "s+1",
            "s1.v",
            "s1.vx",
            "12",
            "s5.r4",
            "s1.r2.bzz",
            "s1.r2.b00.x",
        ] {
            assert!(decode_cursor(junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn limits_default_cap_and_refuse_junk() {
        assert_eq!(pull_limit(None).ok(), Some(DEFAULT_PULL_LIMIT));
        assert_eq!(pull_limit(Some("10")).ok(), Some(10));
        assert_eq!(pull_limit(Some("999999")).ok(), Some(MAX_PULL_LIMIT));
        assert!(pull_limit(Some("0")).is_err());
        assert!(pull_limit(Some("ten")).is_err());
    }
}
