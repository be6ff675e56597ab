//! Background jobs that must run once across every instance over one database (issue 9): the
//! shared-pool release (`pool::job`) is one.
//!
//! A job runs once per *slot*, its period number (`now / every`). Every instance ticks; an
//! instance runs a slot only after claiming it in the database (`Store::claim_job`: one row per
//! job and slot under a unique key, so exactly one instance wins whatever the backend), and marks
//! it finished afterwards. A claim left unfinished for longer than the job's lease (the instance
//! died mid-run) is taken over by another instance, so a job must be idempotent for its slot —
//! as synced changes are (fixed ids, the merge rule). A slot missed while every instance was down
//! is not run later: jobs act on the state they find.

use crate::AppState;
use crate::store::JobClaim;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// What a job does for one slot.
pub type JobFn = Arc<
    dyn Fn(AppState, i64) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>> + Send + Sync,
>;

#[derive(Clone)]
pub struct Job {
    /// Unique and stable: it names the job's rows in `job_runs`.
    pub name: &'static str,
    pub every: Duration,
    /// How long a claim stands before another instance may take the slot over.
    pub lease: Duration,
    pub run: JobFn,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("name", &self.name)
            .field("every", &self.every)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis())
        .unwrap_or(i64::MAX)
        .max(1)
}

/// Runs `jobs` on this instance (named `instance` in `job_runs`) until the task is aborted.
pub fn spawn(
    state: AppState,
    jobs: Vec<Job>,
    instance: String,
) -> Option<tokio::task::JoinHandle<()>> {
    let shortest = jobs.iter().map(|job| job.every).min()?;
    let tick = (shortest / 4).clamp(Duration::from_millis(20), Duration::from_secs(5));
    let store = state.store.clone();
    Some(tokio::spawn(async move {
        // The last slot of each job this instance saw finished (by itself or another).
        let mut settled: HashMap<&'static str, i64> = HashMap::new();
        let mut interval = tokio::time::interval(tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            for job in &jobs {
                let now = now_ms();
                let slot = now / millis(job.every);
                if settled.get(job.name) == Some(&slot) {
                    continue;
                }
                let claim = store
                    .claim_job(job.name, slot, &instance, now, now - millis(job.lease))
                    .await;
                match claim {
                    Ok(JobClaim::Mine) => {
                        if let Err(e) = (job.run)(state.clone(), slot).await {
                            // Left unfinished: another instance (or this one) retries after
                            // the lease.
                            tracing::warn!(job = job.name, slot, "background job failed: {e:#}");
                            continue;
                        }
                        match store.finish_job(job.name, slot, &instance, now_ms()).await {
                            Ok(()) => {
                                settled.insert(job.name, slot);
                            }
                            Err(e) => tracing::warn!(job = job.name, "job not marked done: {e}"),
                        }
                    }
                    Ok(JobClaim::Done) => {
                        settled.insert(job.name, slot);
                    }
                    Ok(JobClaim::Held) => {}
                    Err(e) => tracing::warn!(job = job.name, "cannot claim a job slot: {e}"),
                }
            }
        }
    }))
}
