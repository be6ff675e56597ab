//! The sync loop: push the outbox, pull pages, on an edit, `online`, a live event or a timer;
//! back off while the server is out of reach; re-stamp on `clock_ahead`.
//!
//! Invariant: nothing leaves the outbox until the server lists its op as accepted; refused
//! changes stay there with the reason, for the user to see.

use crate::i18n::Key;
use crate::replica::{Connection, Receiving, Replica};
use crate::session::{self, Session};
use futures::channel::mpsc;
use futures::{FutureExt, StreamExt};
use gloo_net::http::{Request, Response};
use gloo_timers::future::TimeoutFuture;
use huitou_shared::api::SERVER_AUTHOR;
use huitou_shared::api::{
    ErrorBody, LiveTicket, MAX_PULL_LIMIT, MAX_PUSH_CHANGES, PullResponse, PushResponse, RecordRef,
    RejectCode,
};
use huitou_shared::customer::erasure::ERASED;
use huitou_shared::merge::Change;
use huitou_shared::{Hlc, Kind};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Changes per push: well under the server's 5000 / 8 MiB limits.
const PUSH_BATCH: usize = 1000;
const PUSH_BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Changes per pull page: the server's largest, so a first sync is few round trips.
const PULL_LIMIT: usize = MAX_PULL_LIMIT;
/// During a run of pages, what is stored reaches the screen at most this often: every show
/// re-derives the search index, tiers and Today over the whole book.
const SHOW_EVERY_MS: u64 = 2_000;
/// Sync at least this often while the app is open.
const PERIOD_MS: u32 = 30_000;
const MAX_BACKOFF_MS: u32 = 30_000;

#[derive(Debug)]
enum SyncError {
    /// Network down or server unreachable / failing: try again later.
    Unreachable(String),
    /// The token is no longer valid.
    Unauthorized,
    /// A manager disabled the account: the token may only hand in what this device holds.
    AccountDisabled,
    /// The password was set by someone else and must be changed first.
    PasswordChangeRequired,
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
        status => {
            let error = response.json::<ErrorBody>().await.map(|body| body.error);
            match (status, error.as_ref().map(|e| e.code.as_str())) {
                (401, Ok("account_disabled")) => Err(SyncError::AccountDisabled),
                (401, _) => Err(SyncError::Unauthorized),
                (403, Ok("password_change_required")) => Err(SyncError::PasswordChangeRequired),
                _ => Err(SyncError::Unreachable(format!(
                    "HTTP {status}: {}",
                    error.map(|e| e.message).unwrap_or_default()
                ))),
            }
        }
    }
}

/// Starts the loop for the signed-in session; it ends when the session does.
pub fn start(replica: Replica, session: Session) {
    if replica.syncing.get_value().as_deref() == Some(session.token.as_str()) {
        return;
    }
    replica.syncing.set_value(Some(session.token.clone()));
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
                    replica.device_full.set(false);
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
                Err(SyncError::PasswordChangeRequired) => {
                    // The sign-in screen asks for a new password; syncing resumes after it.
                    replica.must_change_password.set(true);
                    break;
                }
                Err(SyncError::AccountDisabled) => {
                    // The push of this round went first (a disabled account's token may still
                    // hand in what it holds; what the server refuses waits in the managers'
                    // quarantine). Only with nothing left waiting does the organisation's data
                    // leave this device; else try again (e.g. the network dropped meanwhile).
                    replica.refresh_outbox().await;
                    if replica.pending() == 0 {
                        let session = session.clone();
                        leptos::task::spawn_local(async move {
                            // Said first: the sign-out keeps the page (no reload) when it is set.
                            replica
                                .signed_out_because
                                .set(Some(Key::AccountDisabledNotice));
                            replica.sign_out(&session).await;
                        });
                        break;
                    }
                    replica.connection.set(Connection::Offline);
                    let wait = backoff_ms;
                    backoff_ms = (backoff_ms * 2).min(MAX_BACKOFF_MS);
                    wait
                }
                Err(SyncError::Unreachable(why) | SyncError::Storage(why)) => {
                    leptos::logging::warn!("sync: {why}");
                    let full = crate::storage::is_full(&why);
                    replica.device_full.set(full);
                    replica.connection.set(if full {
                        Connection::DeviceFull
                    } else {
                        Connection::Offline
                    });
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
        replica.syncing.update_value(|running| {
            if running.as_deref() == Some(session.token.as_str()) {
                *running = None;
            }
        });
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
    // The outbox is read once, then sent oldest first in batches; the screen's copy loses
    // what each answer settles, so a big outbox (a hand-over) is not read again per batch.
    // Edits made meanwhile wait for the next round. A clock_ahead answer re-stamps and reads
    // the outbox again.
    let mut waiting = waiting_changes(&storage).await?;
    for _round in 0..10_000 {
        if waiting.is_empty() {
            break;
        }
        let total = waiting.len();
        let mut encoded = Vec::new();
        let mut bytes = 0;
        while let Some(change) = waiting.front() {
            if encoded.len() >= PUSH_BATCH.min(MAX_PUSH_CHANGES) || bytes > PUSH_BATCH_BYTES {
                break;
            }
            let text =
                serde_json::to_string(change).map_err(|e| SyncError::Storage(e.to_string()))?;
            bytes += text.len();
            encoded.push(text);
            waiting.pop_front();
        }
        let device_json =
            serde_json::to_string(&device).map_err(|e| SyncError::Storage(e.to_string()))?;
        let body = format!(
            "{{\"device\":{device_json},\"changes\":[{}]}}",
            encoded.join(",")
        );
        let request = authorized(Request::post("/api/v1/sync/push"), session)
            .header(huitou_shared::api::WAITING_HEADER, &total.to_string())
            .header("Content-Type", "application/json")
            .body(body)
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
        replica.settled_in_memory(&answer.accepted, &refused);
        let erased = refused
            .iter()
            .filter(|r| r.code == RejectCode::Erased)
            .count();
        if erased > 0 {
            replica.erased_dropped.update(|n| *n += erased);
        }
        if !clock_ahead.is_empty() {
            restamp(
                replica,
                &clock_ahead.iter().map(|r| r.op.clone()).collect::<Vec<_>>(),
            )
            .await?;
            waiting = waiting_changes(&storage).await?;
        }
    }
    replica.refresh_outbox().await;
    Ok(())
}

/// The outbox's changes still to send (not refused), oldest first.
async fn waiting_changes(
    storage: &crate::storage::Storage,
) -> Result<std::collections::VecDeque<Change>, SyncError> {
    Ok(storage
        .outbox()
        .await?
        .into_iter()
        .filter(|entry| entry.rejection.is_none())
        .map(|entry| entry.change)
        .collect())
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
    let mut shown = Shown::default();
    let result = pull_pages(replica, &storage, session, &mut shown).await;
    // Whatever was stored reaches the screen, also when a page failed half-way through a run.
    shown.flush(replica);
    replica.receiving.set(None);
    result
}

/// Records stored by a run of pages and not yet put on screen, newest version of each.
#[derive(Default)]
struct Shown {
    waiting: std::collections::HashMap<(String, String), huitou_shared::merge::TrackedRecord>,
    last_ms: u64,
}

impl Shown {
    fn add(&mut self, records: Vec<huitou_shared::merge::TrackedRecord>) {
        for record in records {
            self.waiting
                .insert((record.kind.clone(), record.id.clone()), record);
        }
    }

    fn flush(&mut self, replica: Replica) {
        self.last_ms = session::now_ms();
        if !self.waiting.is_empty() {
            replica.show(std::mem::take(&mut self.waiting).into_values().collect());
        }
    }
}

async fn fetch_page(
    session: &Session,
    cursor: &str,
    count: bool,
) -> Result<PullResponse, SyncError> {
    let count = if count { "&count=true" } else { "" };
    let url = format!(
        "/api/v1/sync/pull?cursor={}&limit={PULL_LIMIT}{count}",
        js_sys::encode_uri_component(cursor)
    );
    let response = authorized(Request::get(&url), session)
        .send()
        .await
        .map_err(|e| SyncError::Unreachable(e.to_string()))?;
    read(response).await
}

async fn pull_pages(
    replica: Replica,
    storage: &crate::storage::Storage,
    session: &Session,
    shown: &mut Shown,
) -> Result<(), SyncError> {
    let mut received = 0u64;
    let cursor = storage.cursor().await?.unwrap_or_default();
    // The first page asks how much follows, for the progress of a long run.
    let mut page = fetch_page(session, &cursor, true).await?;
    for page_number in 0u64.. {
        learn_server_time(replica, page.server_time_ms);
        replica.with_clock(|clock| {
            for change in &page.changes {
                if let Ok(hlc) = Hlc::parse(&change.hlc) {
                    clock.observe(&hlc);
                }
            }
        });
        if !page.revoked.is_empty() {
            // Children of a revoked customer are found in memory: show what is stored first.
            shown.flush(replica);
        }
        let revoked = with_children(replica, &page.revoked, &page.changes);
        // The next page is fetched while this one is stored (the cursor saved with each page
        // is always the one of the page stored, so a closed tab resumes where storing stopped).
        let next = page
            .has_more
            .then(|| fetch_page(session, &page.cursor, false));
        let store = storage.apply_page(&page.changes, &revoked, &page.cursor);
        let (records, next) = futures::join!(store, futures::future::OptionFuture::from(next));
        let records = records?;
        received += page.changes.len() as u64;
        shown.add(records);
        // A refused change a manager applied meanwhile is in the book now: it leaves the outbox.
        let applied: Vec<String> = page
            .changes
            .iter()
            .filter(|c| c.kind == Kind::DECISION && c.field == "resolution" && c.value == "applied")
            .map(|c| c.id.clone())
            .collect();
        if !applied.is_empty() {
            let ops: Vec<String> = replica.outbox.with_untracked(|outbox| {
                outbox
                    .iter()
                    .filter(|e| e.rejection.is_some())
                    .filter(|e| applied.contains(&huitou_shared::api::decision_id(&e.change.op)))
                    .map(|e| e.change.op.clone())
                    .collect()
            });
            for op in ops {
                replica.discard(&op).await;
            }
        }
        // A customer erased by a manager (SYNC §5): only the anonymous aggregates stay here.
        let erased: Vec<String> = page
            .changes
            .iter()
            .filter(|c| matches!(c.kind.as_str(), Kind::CUSTOMER | Kind::POOL))
            .filter(|c| c.field == ERASED && c.value == true && c.author == SERVER_AUTHOR)
            .map(|c| c.id.clone())
            .collect();
        if !erased.is_empty() {
            shown.flush(replica);
            replica.forget_erased(&erased).await?;
        }
        if !revoked.is_empty() {
            for gone in &revoked {
                shown.waiting.remove(&(gone.kind.clone(), gone.id.clone()));
            }
            replica.records.update(|all| {
                for gone in &revoked {
                    all.remove(&gone.kind, &gone.id);
                }
            });
        }
        let Some(next) = next else {
            return Ok(());
        };
        if page_number == 0 {
            let total = page.remaining.map_or(0, |left| received + left);
            replica.receiving.set(Some(Receiving { received, total }));
            // The first page on screen at once: the list is usable while the rest arrives.
            shown.flush(replica);
        } else {
            replica.receiving.update(|r| {
                if let Some(r) = r {
                    r.received = received;
                    r.total = r.total.max(received);
                }
            });
            if session::now_ms() >= shown.last_ms + SHOW_EVERY_MS {
                shown.flush(replica);
            }
        }
        page = next?;
    }
    Ok(())
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
