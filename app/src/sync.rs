//! The sync loop: push the outbox, pull pages, on an edit, `online`, a live event or a timer;
//! back off while the server is out of reach; re-stamp on `clock_ahead`.
//!
//! Invariant: nothing leaves the outbox until the server lists its op as accepted; refused
//! changes stay there with the reason, for the user to see.

use crate::replica::{Connection, Replica};
use crate::session::{self, Session};
use futures::channel::mpsc;
use futures::{FutureExt, StreamExt};
use gloo_net::http::{Request, Response};
use gloo_timers::future::TimeoutFuture;
use huitou_shared::api::{
    ErrorBody, LiveTicket, MAX_PUSH_CHANGES, PullResponse, PushRequest, PushResponse, RecordRef,
    RejectCode,
};
use huitou_shared::merge::Change;
use huitou_shared::{Hlc, Kind};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Changes per push: well under the server's 5000 / 8 MiB limits.
const PUSH_BATCH: usize = 1000;
const PUSH_BATCH_BYTES: usize = 4 * 1024 * 1024;
const PULL_LIMIT: usize = 1000;
/// Sync at least this often while the app is open.
const PERIOD_MS: u32 = 30_000;
const MAX_BACKOFF_MS: u32 = 30_000;

#[derive(Debug)]
enum SyncError {
    /// Network down or server unreachable / failing: try again later.
    Unreachable(String),
    /// The token is no longer valid.
    Unauthorized,
    Storage(String),
}

impl From<crate::storage::StorageError> for SyncError {
    fn from(e: crate::storage::StorageError) -> Self {
        Self::Storage(e.0)
    }
}

fn authorized(
    request: gloo_net::http::RequestBuilder,
    session: &Session,
) -> gloo_net::http::RequestBuilder {
    request.header("Authorization", &format!("Bearer {}", session.token))
}

async fn read<T: for<'de> serde::Deserialize<'de>>(response: Response) -> Result<T, SyncError> {
    match response.status() {
        200..=299 => response
            .json::<T>()
            .await
            .map_err(|e| SyncError::Unreachable(format!("unreadable answer: {e}"))),
        401 => Err(SyncError::Unauthorized),
        status => {
            let message = response
                .json::<ErrorBody>()
                .await
                .map(|body| body.error.message)
                .unwrap_or_default();
            Err(SyncError::Unreachable(format!("HTTP {status}: {message}")))
        }
    }
}

/// Starts the loop for the signed-in session; it ends when the session does.
pub fn start(replica: Replica, session: Session) {
    let (sender, mut wake) = mpsc::unbounded::<()>();
    replica.set_kick(sender);
    let online = window_event_listener_untyped("online", move |_| replica.kick());
    leptos::task::spawn_local(async move {
        let mut backoff_ms = 1_000u32;
        let mut live: Option<web_sys::EventSource> = None;
        let mut live_opened_ms = 0u64;
        loop {
            let still_signed_in = replica
                .session
                .with_untracked(|s| s.as_ref().map(|s| s.token == session.token))
                .unwrap_or(false);
            if !still_signed_in {
                break;
            }
            replica.connection.set(Connection::Syncing);
            let wait_ms = match sync_once(replica, &session).await {
                Ok(()) => {
                    replica.connection.set(Connection::Idle);
                    backoff_ms = 1_000;
                    // (Re)open the live stream once the server answers; a closed one (its
                    // single-use ticket is spent on reconnect) gets a new ticket, at most every 5 s.
                    let closed = live
                        .as_ref()
                        .is_none_or(|s| s.ready_state() == web_sys::EventSource::CLOSED);
                    if closed && session::now_ms() >= live_opened_ms + 5_000 {
                        if let Some(old) = live.take() {
                            old.close();
                        }
                        live_opened_ms = session::now_ms();
                        live = listen_live(replica, &session).await;
                    }
                    PERIOD_MS
                }
                Err(SyncError::Unauthorized) => {
                    replica.connection.set(Connection::Offline);
                    replica.session_expired.set(true);
                    break;
                }
                Err(SyncError::Unreachable(why) | SyncError::Storage(why)) => {
                    leptos::logging::warn!("sync: {why}");
                    replica.connection.set(Connection::Offline);
                    let wait = backoff_ms;
                    backoff_ms = (backoff_ms * 2).min(MAX_BACKOFF_MS);
                    wait
                }
            };
            futures::select! {
                _ = wake.next() => {},
                _ = TimeoutFuture::new(wait_ms).fuse() => {},
            }
            // Several wake-ups while we were busy make one sync.
            while wake.try_recv().is_ok() {}
        }
        if let Some(live) = live {
            live.close();
        }
        online.remove();
    });
}

/// Pushes what is waiting now (before sign-out); true when the outbox is empty after it.
pub async fn push_now(replica: Replica, session: &Session) -> bool {
    if let Err(e) = push(replica, session).await {
        leptos::logging::warn!("push before sign-out: {e:?}");
    }
    replica.refresh_outbox().await;
    replica.pending() + replica.rejected() == 0
}

async fn sync_once(replica: Replica, session: &Session) -> Result<(), SyncError> {
    push(replica, session).await?;
    pull(replica, session).await
}

fn learn_server_time(replica: Replica, server_time_ms: u64) {
    replica.with_clock(|clock| clock.set_server_time(server_time_ms, session::now_ms()));
}

async fn push(replica: Replica, session: &Session) -> Result<(), SyncError> {
    let Some(storage) = replica.storage() else {
        return Ok(());
    };
    let device = replica.with_clock(|clock| clock.device().to_string());
    // Each round sends the oldest waiting changes; a clock_ahead answer re-stamps and goes again.
    for _round in 0..100 {
        let waiting: Vec<Change> = storage
            .outbox()
            .await?
            .into_iter()
            .filter(|entry| entry.rejection.is_none())
            .map(|entry| entry.change)
            .collect();
        if waiting.is_empty() {
            break;
        }
        let mut batch = Vec::new();
        let mut bytes = 0;
        for change in waiting.into_iter().take(PUSH_BATCH.min(MAX_PUSH_CHANGES)) {
            let value =
                serde_json::to_value(&change).map_err(|e| SyncError::Storage(e.to_string()))?;
            bytes += value.to_string().len();
            batch.push(value);
            if bytes > PUSH_BATCH_BYTES {
                break;
            }
        }
        let body = PushRequest {
            device: device.clone(),
            changes: batch,
        };
        let request = authorized(Request::post("/api/v1/sync/push"), session)
            .json(&body)
            .map_err(|e| SyncError::Storage(e.to_string()))?;
        let response = request
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(e.to_string()))?;
        let answer: PushResponse = read(response).await?;
        learn_server_time(replica, answer.server_time_ms);
        let (clock_ahead, refused): (Vec<_>, Vec<_>) = answer
            .rejected
            .into_iter()
            .partition(|r| r.code == RejectCode::ClockAhead);
        storage.settle(&answer.accepted, &refused).await?;
        if !clock_ahead.is_empty() {
            restamp(
                replica,
                &clock_ahead.iter().map(|r| r.op.clone()).collect::<Vec<_>>(),
            )
            .await?;
        }
        replica.refresh_outbox().await;
    }
    Ok(())
}

/// Gives changes the server found too far ahead a fresh stamp from the corrected clock, above
/// every stamp the device holds for the same field (see `Storage::restamp`).
async fn restamp(replica: Replica, ops: &[String]) -> Result<(), SyncError> {
    let Some(storage) = replica.storage() else {
        return Ok(());
    };
    replica.with_clock(|clock| clock.rewind_to_wall(session::now_ms()));
    let refused: Vec<Change> = storage
        .outbox()
        .await?
        .into_iter()
        .filter(|entry| ops.contains(&entry.change.op))
        .map(|entry| entry.change)
        .collect();
    let records = storage
        .restamp(&refused, |floor| {
            replica.with_clock(|clock| clock.restamp(session::now_ms(), floor))
        })
        .await?;
    replica.show(records);
    Ok(())
}

async fn pull(replica: Replica, session: &Session) -> Result<(), SyncError> {
    let Some(storage) = replica.storage() else {
        return Ok(());
    };
    loop {
        let cursor = storage.cursor().await?.unwrap_or_default();
        let url = format!(
            "/api/v1/sync/pull?cursor={}&limit={PULL_LIMIT}",
            js_sys::encode_uri_component(&cursor)
        );
        let response = authorized(Request::get(&url), session)
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(e.to_string()))?;
        let page: PullResponse = read(response).await?;
        learn_server_time(replica, page.server_time_ms);
        replica.with_clock(|clock| {
            for change in &page.changes {
                if let Ok(hlc) = Hlc::parse(&change.hlc) {
                    clock.observe(&hlc);
                }
            }
        });
        let revoked = with_children(replica, &page.revoked, &page.changes);
        let records = storage
            .apply_page(&page.changes, &revoked, &page.cursor)
            .await?;
        replica.show(records);
        if !revoked.is_empty() {
            replica.records.update(|all| {
                for gone in &revoked {
                    all.remove(&gone.kind, &gone.id);
                }
            });
        }
        if !page.has_more {
            return Ok(());
        }
    }
}

/// A revoked customer takes its visits, contacts and other child records with it, except
/// those the same page brings (a child moved to a customer the user still reads).
fn with_children(replica: Replica, revoked: &[RecordRef], arriving: &[Change]) -> Vec<RecordRef> {
    let mut all = revoked.to_vec();
    let arriving: std::collections::HashSet<(&str, &str)> = arriving
        .iter()
        .map(|change| (change.kind.as_str(), change.id.as_str()))
        .collect();
    replica.records.with_untracked(|records| {
        for gone in revoked.iter().filter(|r| r.kind == Kind::CUSTOMER) {
            for kind in Kind::CHILDREN_OF_CUSTOMER {
                all.extend(
                    records
                        .children_of(kind, &gone.id)
                        .filter(|child| {
                            !arriving.contains(&(child.kind.as_str(), child.id.as_str()))
                        })
                        .map(|child| RecordRef {
                            kind: child.kind.clone(),
                            id: child.id.clone(),
                        }),
                );
            }
        }
    });
    all
}

/// Opens `GET /api/v1/sync/live`: each `changed` event wakes the loop, so online devices pull at once.
/// `EventSource` cannot send headers, and the bearer token never goes in a URL: the stream opens
/// with a single-use ticket (`POST /api/v1/sync/live/ticket`), valid for a minute.
async fn listen_live(replica: Replica, session: &Session) -> Option<web_sys::EventSource> {
    let response = authorized(Request::post("/api/v1/sync/live/ticket"), session)
        .send()
        .await
        .ok()?;
    let ticket: LiveTicket = read(response).await.ok()?;
    let url = format!(
        "/api/v1/sync/live?ticket={}",
        js_sys::encode_uri_component(&ticket.ticket)
    );
    let source = web_sys::EventSource::new(&url).ok()?;
    // `open` fires when the stream is up: sync now rather than when the timer runs out. An
    // `error` that leaves the stream closed (the server restarted and refused the spent
    // ticket) wakes the loop, which opens a new one once the server answers.
    let wake = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| replica.kick());
    for event in ["changed", "open"] {
        let _ = source.add_event_listener_with_callback(event, wake.as_ref().unchecked_ref());
    }
    wake.forget();
    let watched = source.clone();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        if watched.ready_state() == web_sys::EventSource::CLOSED {
            replica.kick();
        }
    });
    let _ = source.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    on_error.forget();
    Some(source)
}
