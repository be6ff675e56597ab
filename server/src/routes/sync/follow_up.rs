//! What a push sets off once it is committed: the pool claims it accepted are finished, and
//! the audit log hears of customers a manager returned to the pool, moved to someone else or
//! handed over (PRODUCT §10) — moves and hand-overs are ordinary synced edits made on the
//! manager's device, so the server sees them here.

use crate::AppState;
use crate::auth::AuthUser;
use crate::routes::team::audit;
use crate::store::{Incoming, PushOutcome, Verdict};
use huitou_shared::customer::pool;
use huitou_shared::{Change, DeviceId, Kind};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The changes of a push the store accepted.
fn accepted<'a>(
    incoming: &'a [Incoming],
    outcome: &'a PushOutcome,
) -> impl Iterator<Item = &'a Change> {
    incoming
        .iter()
        .zip(&outcome.verdicts)
        .filter_map(|(item, verdict)| match (item, verdict) {
            (Incoming::Valid { change, .. }, Verdict::Accepted) => Some(change),
            _ => None,
        })
}

/// Writes an audit line as the pushing user, from the pushing device.
async fn audit_push(
    state: &AppState,
    user: &AuthUser,
    device: &DeviceId,
    action: &str,
    subject: &str,
    detail: Value,
) {
    audit(
        state,
        &user.org_id,
        Some(&user.user_id),
        Some(device.as_str()),
        action,
        Some(subject),
        detail,
    )
    .await;
}

/// After a push: gives the customers whose pool claims it accepted to their claimers at once
/// (a failure here is finished by the pool job), and audits the customers a manager returned
/// to the pool by hand.
pub(super) async fn pool(
    state: &AppState,
    user: &AuthUser,
    device: &DeviceId,
    incoming: &[Incoming],
    outcome: &PushOutcome,
) {
    let accepted = accepted(incoming, outcome).filter(|change| change.kind == Kind::POOL);
    let mut claimed = Vec::new();
    let mut returned = Vec::new();
    for change in accepted {
        if pool::is_claim(&change.kind, &change.field, &change.value) {
            claimed.push(change.id.clone());
        } else if change.field == "reason" && change.value.as_str() == Some("manager") {
            returned.push(change.id.clone());
        }
    }
    if !claimed.is_empty()
        && let Err(e) =
            crate::pool::finish_claims(state, &user.org_id, Some(&claimed), Some(device.as_str()))
                .await
    {
        tracing::warn!(error = %e, "a pool claim waits for the pool job");
    }
    for id in returned {
        audit_push(
            state,
            user,
            device,
            "pool_released",
            &id,
            json!({ "reason": "manager" }),
        )
        .await;
    }
}

/// Audits, per push, the hand-overs it carried (`handed_over`, one line per leaver and
/// colleague with how many customers) and the other customers a manager gave to someone
/// (`customers_moved`, one line per new owner with the customers' ids). A return to the pool
/// is audited by [`pool`].
pub(super) async fn audit_moves(
    state: &AppState,
    user: &AuthUser,
    device: &DeviceId,
    incoming: &[Incoming],
    outcome: &PushOutcome,
) {
    if !user.role.sees_everything() {
        return;
    }
    let mut moved: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut handed: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut notes: BTreeMap<&str, (Option<&str>, Option<&str>)> = BTreeMap::new();
    let mut noted: BTreeSet<&str> = BTreeSet::new();
    for change in accepted(incoming, outcome) {
        match (change.kind.as_str(), change.field.as_str()) {
            (Kind::CUSTOMER, "owner") => {
                if let Some(to) = change.value.as_str().filter(|to| *to != pool::POOL) {
                    moved.entry(to).or_default().push(&change.id);
                }
            }
            (Kind::HANDOVER, "from") => {
                notes.entry(&change.id).or_default().0 = change.value.as_str()
            }
            (Kind::HANDOVER, "to") => {
                notes.entry(&change.id).or_default().1 = change.value.as_str()
            }
            (Kind::HANDOVER, "customer_id") => noted.extend(change.value.as_str()),
            _ => {}
        }
    }
    for (from, to) in notes.into_values() {
        if let (Some(from), Some(to)) = (from, to) {
            *handed.entry((from, to)).or_default() += 1;
        }
    }
    for (to, mut customers) in moved {
        // A customer handed over in this push is audited as the hand-over.
        customers.retain(|customer| !noted.contains(customer));
        if customers.is_empty() {
            continue;
        }
        let detail = json!({ "count": customers.len(), "customers": customers });
        audit_push(state, user, device, "customers_moved", to, detail).await;
    }
    for ((from, to), count) in handed {
        let detail = json!({ "to": to, "count": count });
        audit_push(state, user, device, "handed_over", from, detail).await;
    }
}
