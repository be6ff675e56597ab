//! Background jobs run once across instances over one database (issue 9, `huitou_server::jobs`):
//! two real instances, each with the same job; every slot runs exactly once, and a slot whose
//! claimer hangs (as if its process died mid-run) is taken over after the lease. Runs on
//! SQLite (two instances over one file) and again in CI's PostgreSQL pass.

mod support;

use huitou_server::jobs::Job;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

type Log = Arc<Mutex<Vec<(i64, &'static str)>>>;

/// A job named `name` that logs `(slot, who)` when it starts; `hang` never finishes.
fn job(
    name: &'static str,
    who: &'static str,
    every_ms: u64,
    lease_ms: u64,
    log: &Log,
    hang: bool,
) -> Job {
    let log = log.clone();
    Job {
        name,
        every: Duration::from_millis(every_ms),
        lease: Duration::from_millis(lease_ms),
        run: Arc::new(move |_store, slot| {
            let log = log.clone();
            Box::pin(async move {
                log.lock().unwrap().push((slot, who));
                if hang {
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
                Ok(())
            })
        }),
    }
}

async fn second(first: &TestApp, jobs: Vec<Job>) -> huitou_server::Running {
    let dir = tempfile::tempdir().expect("tempdir");
    huitou_server::start(huitou_server::Config {
        database_url: first.database_url.clone(),
        jobs,
        ..huitou_server::Config::sqlite(dir.path().join("unused.db"))
    })
    .await
    .expect("second instance starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_slot_of_a_job_runs_once_across_two_instances() {
    let log: Log = Arc::default();
    let every = 100;
    let a = spawn_app_with(|mut config| {
        config.jobs = vec![job("tick", "a", every, 10_000, &log, false)];
        config
    })
    .await;
    let b = second(&a, vec![job("tick", "b", every, 10_000, &log, false)]).await;
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    b.stop().await.expect("b stops");
    drop(a);
    let log = log.lock().unwrap().clone();
    let mut slots: Vec<i64> = log.iter().map(|(slot, _)| *slot).collect();
    slots.sort_unstable();
    let runs = slots.len();
    slots.dedup();
    assert_eq!(slots.len(), runs, "a slot ran twice: {log:?}");
    // About 25 slots passed: the job kept running, once per slot (a few may fall between ticks).
    assert!(runs >= 10, "only {runs} runs in 2.5 s: {log:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slot_whose_claimer_hangs_is_taken_over_after_the_lease() {
    let log: Log = Arc::default();
    // Hour-long slots (the test stays inside one) and a lease of 100 ms.
    let a = spawn_app_with(|mut config| {
        config.jobs = vec![job("sweep", "a", 3_600_000, 100, &log, true)];
        config
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let stuck = loop {
        if let Some((slot, _)) = log.lock().unwrap().first().copied() {
            break slot;
        }
        assert!(Instant::now() < deadline, "instance a never ran the job");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    // Instance a is stuck inside slot `stuck` (its loop awaits the job forever).
    let b = second(&a, vec![job("sweep", "b", 3_600_000, 100, &log, false)]).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !log.lock().unwrap().contains(&(stuck, "b")) {
        assert!(
            Instant::now() < deadline,
            "b never took over slot {stuck}: {:?}",
            log.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Once b finished it, the slot is done: nobody runs it again.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let runs = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(slot, _)| *slot == stuck)
        .count();
    assert_eq!(runs, 2, "{:?}", log.lock().unwrap());
    b.stop().await.expect("b stops");
}
