//! The shared pool (公海, PRODUCT §10) on the server: the job that releases customers nobody
//! visited or contacted for the organisation's number of days, and the step that gives a
//! claimed customer to the salesperson whose claim the server accepted first.
//!
//! What to write is decided in `huitou_shared::customer::pool`; here it is only looked up,
//! stamped and pushed as ordinary synced changes, so every device converges on it, the old
//! owner's devices get the customer `revoked`, and the winner's pull brings it whole.
//! Both steps are idempotent: a release only takes customers still owned by someone, a claim
//! is finished only while the customer is still the pool's (`Store::pool_unfinished_claims`),
//! so a job run again after a crash, or on another instance, writes nothing twice.

use crate::AppState;
use crate::jobs::Job;
use crate::routes::sync::{encode_cursor, tell_devices};
use crate::store::{Actor, CustomerRecords, Incoming, Position};
use huitou_shared::customer::merging::Edit;
use huitou_shared::customer::pool::{self, Reason, Released};
use huitou_shared::customer::reassign::Customer;
use huitou_shared::retention::settings::OrgSettings;
use huitou_shared::retention::{self, History, RuleSet, Tier};
use huitou_shared::{Change, Clock, DeviceId, Hlc, Kind, Role};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The device (and author) name of what the server writes by itself.
pub const SERVER: &str = huitou_shared::api::SERVER_AUTHOR;

/// Customers released per organisation and run at most; the rest go at the next run.
const RELEASES_PER_RUN: usize = 2_000;

/// Candidates read per query.
const CANDIDATES_PER_PAGE: usize = 1_000;

/// Changes per push the job writes.
const CHANGES_PER_PUSH: usize = 1_000;

/// The release job, run once per `every` across every instance.
pub fn job(every: Duration) -> Job {
    Job {
        name: "pool",
        every,
        lease: every.max(Duration::from_secs(300)),
        run: Arc::new(|state, _slot| {
            Box::pin(async move {
                let now = now_ms();
                for org in state.store.org_ids().await? {
                    finish_claims(&state, &org, None, None).await?;
                    release_idle(&state, &org, now).await?;
                }
                Ok(())
            })
        }),
    }
}

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or_default()
}

pub(crate) fn server_actor(org_id: &str, user_id: &str) -> Actor {
    Actor {
        user_id: user_id.to_owned(),
        org_id: org_id.to_owned(),
        role: Role::Admin,
    }
}

pub(crate) fn server_clock() -> anyhow::Result<Clock> {
    Ok(Clock::new(
        DeviceId::parse(SERVER).map_err(anyhow::Error::msg)?,
    ))
}

/// Moves the clock past every stamp of `records`, so what it stamps next wins their fields.
pub(crate) fn observe(clock: &mut Clock, records: &CustomerRecords) {
    let stamps = std::iter::once(&records.customer)
        .chain(records.children.values())
        .filter_map(|record| record.last_hlc());
    for stamp in stamps {
        if let Ok(hlc) = Hlc::parse(stamp) {
            clock.observe(&hlc);
        }
    }
}

fn customer_of<'a>(id: &'a str, records: &'a CustomerRecords) -> Customer<'a> {
    Customer {
        id,
        owner: records.customer.text("owner"),
        tasks: records
            .children
            .iter()
            .filter(|((kind, _), _)| kind == Kind::TASK)
            .map(|((_, id), record)| (id.as_str(), record))
            .collect(),
    }
}

/// Stamps `groups` of edits with `clock` and pushes them as `actor` (author = the actor), each
/// group whole in one push (one customer's release is never split); returns how many changes
/// the store refused.
pub(crate) async fn push_groups(
    state: &AppState,
    actor: &Actor,
    clock: &mut Clock,
    groups: &[Vec<Edit>],
) -> anyhow::Result<usize> {
    let device = DeviceId::parse(SERVER).map_err(anyhow::Error::msg)?;
    let now = now_ms();
    let mut refused = 0;
    let mut batch: Vec<Incoming> = Vec::new();
    for (n, group) in groups.iter().enumerate() {
        for edit in group {
            for (field, value) in &edit.fields {
                let mut change = Change::new(
                    &edit.kind,
                    &edit.id,
                    field,
                    value.clone(),
                    &clock.tick(now).to_string(),
                );
                change.author.clone_from(&actor.user_id);
                batch.push(Incoming::Valid { change });
            }
        }
        let next = groups
            .get(n + 1)
            .map_or(0, |g| g.iter().map(|e| e.fields.len()).sum());
        if batch.is_empty() || (n + 1 < groups.len() && batch.len() + next <= CHANGES_PER_PUSH) {
            continue;
        }
        let outcome = state
            .store
            .push(actor, &device, &batch, &HashMap::new())
            .await?;
        refused += outcome
            .verdicts
            .iter()
            .filter(|v| !matches!(v, crate::store::Verdict::Accepted))
            .count();
        let cursor = encode_cursor(&Position {
            seq: outcome.latest_seq,
            round: None,
        });
        tell_devices(state, &actor.org_id, &outcome, &cursor).await;
        batch.clear();
    }
    Ok(refused)
}

/// [`push_groups`] of one group.
pub(crate) async fn push(
    state: &AppState,
    actor: &Actor,
    clock: &mut Clock,
    edits: &[Edit],
) -> anyhow::Result<usize> {
    push_groups(state, actor, clock, &[edits.to_vec()]).await
}

/// Releases the customers of `org_id` due for the pool at `now` (no visit, contact or change
/// of owner for the organisation's `pool_days`; A-tier ones stay when the organisation exempts
/// them). Returns how many went.
pub async fn release_idle(state: &AppState, org_id: &str, now: u64) -> anyhow::Result<usize> {
    let store = &state.store;
    let settings_records = store.org_records(org_id, Kind::SETTINGS).await?;
    let settings = OrgSettings::from_record(settings_records.get(OrgSettings::RECORD_ID));
    let rules = settings.pool;
    if rules.days == 0 {
        return Ok(0);
    }
    let before = format!("{:015}", now.saturating_sub(rules.cutoff_age_ms()));
    // Candidates in pages: the ones skipped (in the trash, exempt) never hold the rest back.
    let mut candidates = Vec::new();
    let mut after = String::new();
    loop {
        let page = store
            .pool_candidates(org_id, &before, &after, CANDIDATES_PER_PAGE)
            .await?;
        let Some(last) = page.last().cloned() else {
            break;
        };
        candidates.extend(page);
        after = last;
        if candidates.len() >= RELEASES_PER_RUN * 4 {
            break;
        }
    }
    if candidates.is_empty() {
        return Ok(0);
    }
    let rule_sets = store.org_records(org_id, Kind::RULE_SET).await?;
    let rule_set = retention::active_rule_set(rule_sets.iter().map(|(id, r)| (id.as_str(), r)))
        .map_or_else(RuleSet::restaurant_default, |(_, set)| set);
    let today = chrono::Local::now().date_naive();
    let actor = server_actor(org_id, SERVER);
    let mut clock = server_clock()?;
    // A release reopens the entry (`claimed_by` null): it must win over an earlier round's claim.
    for entry in store.org_records(org_id, Kind::POOL).await?.values() {
        if let Some(hlc) = entry.last_hlc().and_then(|s| Hlc::parse(s).ok()) {
            clock.observe(&hlc);
        }
    }
    let mut groups: Vec<Vec<Edit>> = Vec::new();
    let mut released = Vec::new();
    for id in &candidates {
        if released.len() >= RELEASES_PER_RUN {
            break;
        }
        let Some(records) = store.customer_records(&actor, id).await? else {
            continue;
        };
        if records.customer.is_deleted() {
            continue;
        }
        let history = History::from_children(records.children_by_kind());
        let summary = retention::summarize(&records.customer, &history, today, &rule_set);
        if rules.exempt_top_tier && summary.tier == Tier::A {
            continue;
        }
        observe(&mut clock, &records);
        let customer = customer_of(id, &records);
        let from = customer.owner.map(str::to_owned);
        groups.push(pool::release(&Released {
            customer,
            name: records.customer.text("name").unwrap_or_default(),
            tier: Some(summary.tier),
            last_visit: summary
                .last_visit_at
                .as_deref()
                .and_then(retention::parse_day),
            spend: summary.lifetime_spend,
            at_ms: now,
            by: None,
            reason: Reason::Idle,
        }));
        released.push((id.clone(), from));
    }
    push_groups(state, &actor, &mut clock, &groups).await?;
    for (id, from) in &released {
        crate::routes::team::audit(
            state,
            org_id,
            None,
            None,
            "pool_released",
            Some(id),
            json!({ "from": from, "reason": Reason::Idle.as_str(), "days": rules.days }),
        )
        .await;
    }
    if !released.is_empty() {
        tracing::info!(
            org = org_id,
            released = released.len(),
            "customers released to the pool"
        );
    }
    Ok(released.len())
}

/// Gives each claimed customer of `org_id` to its claimer (all unfinished claims, or only
/// those of the customers `only`): the customer's `owner`, its open tasks and `claimed_at`,
/// written in the claimer's name. `device` is the claim's, for the audit log.
pub async fn finish_claims(
    state: &AppState,
    org_id: &str,
    only: Option<&[String]>,
    device: Option<&str>,
) -> anyhow::Result<()> {
    let store = &state.store;
    let claims = store.pool_unfinished_claims(org_id).await?;
    for (id, winner) in claims {
        if only.is_some_and(|only| !only.contains(&id)) {
            continue;
        }
        let reader = server_actor(org_id, SERVER);
        let Some(records) = store.customer_records(&reader, &id).await? else {
            continue;
        };
        if records.customer.is_deleted() {
            continue;
        }
        let mut clock = server_clock()?;
        observe(&mut clock, &records);
        if let Some(entry) = store.record(org_id, Kind::POOL, &id).await?
            && let Some(hlc) = entry.last_hlc().and_then(|s| Hlc::parse(s).ok())
        {
            clock.observe(&hlc);
        }
        let edits = pool::complete_claim(&customer_of(&id, &records), &winner, now_ms());
        if edits.is_empty() {
            continue;
        }
        let refused = push(state, &server_actor(org_id, &winner), &mut clock, &edits).await?;
        if refused > 0 {
            tracing::warn!(customer = %id, refused, "a claim could not be finished");
            continue;
        }
        crate::routes::team::audit(
            state,
            org_id,
            Some(&winner),
            device,
            "pool_claimed",
            Some(&id),
            json!({}),
        )
        .await;
    }
    Ok(())
}
