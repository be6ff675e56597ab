//! PostgreSQL restarted under load (issue 9): while devices push, the database goes down hard
//! (`pg_ctl stop -m immediate`, as a crash or a failover does) and comes back. Meanwhile the
//! server answers every request with the JSON 503 of SYNC.md (`unavailable`, `Retry-After`),
//! never a 500 or a hang; afterwards it recovers by itself, and nothing it acknowledged is
//! lost or stored twice. The test runs a PostgreSQL cluster of its own (initdb into a temporary
//! folder, on a free port), so stopping it disturbs no other test. Needs PostgreSQL's server
//! programs: runs in CI's PostgreSQL pass (`HUITOU_TEST_POSTGRES`), and fails there without them.

mod support;

use huitou_shared::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

/// The folder of `pg_ctl` and `initdb`: on `PATH`, or where Debian puts them.
fn postgres_bin() -> PathBuf {
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if dir.join("pg_ctl").exists() {
            return dir;
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("pg_ctl").exists())
        .collect();
    found.sort();
    found
        .pop()
        .expect("PostgreSQL's server programs (pg_ctl, initdb): install postgresql")
}

/// A PostgreSQL cluster of the test's own. Run as the `postgres` user when the test runs as
/// root (PostgreSQL refuses to run as root).
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    fn create() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self {
            bin: postgres_bin(),
            data,
            port,
            _dir: dir,
        };
        run(cluster
            .command("initdb")
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&cluster.data));
        cluster.start();
        cluster
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.data.display()
        );
        run(self
            .command("pg_ctl")
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(&self.data)
            .args(["-l"])
            .arg(self.data.join("log"))
            .args(["-o", &options]));
    }

    /// Down in `mode`: `immediate` as a crash (open transactions are lost, committed ones
    /// survive), `fast` as `systemctl restart` (sessions are told "terminating connection").
    fn stop(&self, mode: &str) {
        run(self
            .command("pg_ctl")
            .args(["stop", "-m", mode, "-D"])
            .arg(&self.data));
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["stop", "-m", "immediate", "-D"])
            .arg(&self.data)
            .output();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn run(command: &mut Command) {
    let output = command.output().expect("run a PostgreSQL program");
    assert!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[derive(Default)]
struct Seen {
    /// Ops the server listed as accepted.
    acknowledged: Vec<String>,
    /// Answers other than 200: status, `Retry-After`, body.
    refusals: Vec<(StatusCode, Option<String>, String)>,
    /// Requests that got no HTTP answer at all (transport errors or timeouts).
    unanswered: usize,
}

/// One device pushing batches of new customers until `stop`, each batch until it is accepted.
async fn device(
    client: reqwest::Client,
    url: String,
    token: String,
    name: &'static str,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Seen>>,
) {
    let mut counter = 0u32;
    while !stop.load(Ordering::Relaxed) {
        let changes: Vec<Value> = (0..20)
            .map(|n| {
                counter += 1;
                let id = new_id();
                change_at(
                    "customer",
                    &id,
                    "name",
                    json!(format!("{name} 客户 {n}")),
                    &hlc_at(now_ms(), counter % 90_000, name),
                )
            })
            .collect();
        let body = json!({"device": name, "changes": changes});
        loop {
            let answer = client
                .post(format!("{url}/api/v1/sync/push"))
                .bearer_auth(&token)
                .json(&body)
                .timeout(Duration::from_secs(20))
                .send()
                .await;
            match answer {
                Ok(response) if response.status() == StatusCode::OK => {
                    let reply: Value = response.json().await.expect("push json");
                    let accepted: Vec<String> = reply["accepted"]
                        .as_array()
                        .expect("accepted")
                        .iter()
                        .map(|op| op.as_str().unwrap().to_owned())
                        .collect();
                    assert_eq!(accepted.len(), 20, "{reply}");
                    seen.lock().unwrap().acknowledged.extend(accepted);
                    break;
                }
                Ok(response) => {
                    let status = response.status();
                    let retry = response
                        .headers()
                        .get("retry-after")
                        .map(|v| v.to_str().unwrap_or_default().to_owned());
                    let text = response.text().await.unwrap_or_default();
                    seen.lock().unwrap().refusals.push((status, retry, text));
                }
                Err(_) => seen.lock().unwrap().unanswered += 1,
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn acknowledged(seen: &Mutex<Seen>) -> usize {
    seen.lock().unwrap().acknowledged.len()
}

async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn log_tail(data: &Path) -> String {
    std::fs::read_to_string(data.join("log")).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load_answers_503_then_recovers_losing_nothing() {
    if std::env::var("HUITOU_TEST_POSTGRES").is_err() {
        eprintln!("needs PostgreSQL (HUITOU_TEST_POSTGRES); CI's PostgreSQL pass runs it");
        return;
    }
    let cluster = Cluster::create();
    let database = cluster.url();
    let app = spawn_app_with(move |mut config| {
        config.database_url = database;
        config
    })
    .await;
    let manager = app.user("acme", "manager", Role::Manager).await;
    app.add_user("acme", "sales1", Role::Salesperson).await;
    let sales = app.login("acme", "sales1").await;

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let devices: Vec<_> = [
        (manager.token.clone(), "laptop-manager-01"),
        (sales.token.clone(), "tablet-front-02"),
    ]
    .into_iter()
    .map(|(token, name)| {
        tokio::spawn(device(
            app.client.clone(),
            app.url.clone(),
            token,
            name,
            stop.clone(),
            seen.clone(),
        ))
    })
    .collect();

    wait_until("pushes go through", Duration::from_secs(60), || {
        acknowledged(&seen) >= 200
    })
    .await;
    for mode in ["immediate", "fast"] {
        let refusals = seen.lock().unwrap().refusals.len();
        cluster.stop(mode);
        let before_outage = acknowledged(&seen);
        wait_until(
            "the server says the database is unavailable",
            Duration::from_secs(60),
            || seen.lock().unwrap().refusals.len() > refusals,
        )
        .await;
        // A health check tells the load balancer, in the same shape.
        let health = app
            .client
            .get(format!("{}/healthz", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE, "{mode}");
        tokio::time::sleep(Duration::from_secs(2)).await;
        cluster.start();
        wait_until(
            "pushes go through again after the restart",
            Duration::from_secs(90),
            || acknowledged(&seen) >= before_outage + 200,
        )
        .await;
    }
    stop.store(true, Ordering::Relaxed);
    for device in devices {
        device.await.expect("device task");
    }

    let seen = std::mem::take(&mut *seen.lock().unwrap());
    assert!(!seen.refusals.is_empty());
    for (status, retry, text) in &seen.refusals {
        let body: Value = serde_json::from_str(text).unwrap_or_else(|_| {
            panic!(
                "a {status} that is not JSON: {text:?}\n{}",
                log_tail(&cluster.data)
            )
        });
        assert_eq!(status, &StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(error_code(&body), "unavailable", "{body}");
        assert!(retry.is_some(), "a 503 says when to try again: {body}");
    }
    assert_eq!(
        seen.unanswered, 0,
        "every request got an answer within its timeout"
    );

    // Every acknowledged change is in the log, once.
    let pulled = app.pull_all(&manager).await;
    let mut ops = HashSet::new();
    for change in &pulled {
        assert!(ops.insert(change.op.clone()), "{} stored twice", change.op);
    }
    let missing: Vec<&String> = seen
        .acknowledged
        .iter()
        .filter(|op| !ops.contains(*op))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged changes lost, e.g. {:?}",
        missing.len(),
        seen.acknowledged.len(),
        missing.first()
    );
    eprintln!(
        "{} changes acknowledged, {} answers 503 during the outage",
        seen.acknowledged.len(),
        seen.refusals.len()
    );
}
