//! The `huitou-server` binary: durability across a hard kill (also in the middle of pushes from
//! several devices), and `user add`.

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_huitou-server");

/// The server process, killed when the test ends, even when it fails.
struct Server(Child);

impl Server {
    /// SIGKILL: no shutdown, no flush.
    fn kill(&mut self) -> std::io::Result<()> {
        self.0.kill()?;
        self.0.wait().map(drop)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

/// Starts `huitou-server serve` on a free port; returns the process and its base URL.
fn serve(database_url: &str) -> (Server, String) {
    let mut child = Command::new(BINARY)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            database_url,
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let url = line
        .trim()
        .strip_prefix("Huitou is running at ")
        .and_then(|u| u.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (Server(child), url)
}

fn add_user(database_url: &str, org: &str, username: &str, role: &str, password: &str) {
    let mut child = Command::new(BINARY)
        .args([
            "user",
            "add",
            "--org",
            org,
            "--username",
            username,
            "--role",
            role,
        ])
        .args(["--database", database_url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add starts");
    writeln!(child.stdin.take().expect("stdin"), "{password}").expect("password");
    assert!(child.wait().expect("user add ends").success());
}

async fn login(client: &reqwest::Client, url: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"org": "acme", "username": "boss", "password": password}))
        .send()
        .await
        .expect("login")
}

/// A server over a new database in `dir` with the manager `boss` signed in: (server, its URL,
/// the database URL, boss's token).
async fn serve_with_boss(dir: &tempfile::TempDir) -> (Server, String, String, String) {
    let database = format!("sqlite://{}", dir.path().join("h.db").display());
    add_user(&database, "acme", "boss", "manager", "pw");
    let (server, url) = serve(&database);
    let token = login(&reqwest::Client::new(), &url, "pw")
        .await
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    (server, url, database, token)
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("new/folder/h.db").display());
    add_user(&database, "acme", "boss", "manager", "s3cret pass");
    let (mut server, url) = serve(&database);
    let client = reqwest::Client::new();
    let ok = login(&client, &url, "s3cret pass").await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.json::<Value>().await.unwrap()["user"]["role"], "manager");
    assert_eq!(
        login(&client, &url, "wrong").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let health = client.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    server.kill().unwrap();
}

#[tokio::test]
async fn accepted_changes_survive_a_hard_kill() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, url, database, token) = serve_with_boss(&dir).await;
    let client = reqwest::Client::new();
    let customer = huitou_shared::model::new_id();
    let millis = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    let mut accepted = Vec::new();
    for batch in 0..5u32 {
        let changes: Vec<Value> = (0..20u32)
            .map(|i| {
                let hlc = format!("{millis:015}:{:05}:testdevice01", batch * 20 + i);
                serde_json::to_value(huitou_shared::Change::new(
                    "customer",
                    &customer,
                    &format!("f{batch}_{i}"),
                    json!(i),
                    &hlc,
                ))
                .unwrap()
            })
            .collect();
        let body: Value = client
            .post(format!("{url}/api/v1/sync/push"))
            .bearer_auth(&token)
            .json(&json!({"device": "testdevice01", "changes": changes}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        accepted.extend(
            body["accepted"]
                .as_array()
                .unwrap()
                .iter()
                .map(|op| op.as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(accepted.len(), 100);
    server.kill().unwrap();

    let (mut server, url) = serve(&database);
    let page: Value = client
        .get(format!("{url}/api/v1/sync/pull?limit=5000"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // `user add` also published the user's own `user` record; the pushed ops follow it in order.
    let pulled: Vec<String> = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] != "user")
        .map(|c| c["op"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pulled, accepted);
    server.kill().unwrap();
}

/// One device's batches: 25 customers of 2 fields each, stamped by the device.
fn batches(device: &str, count: usize) -> Vec<Vec<Value>> {
    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    let mut n = 0u64;
    (0..count)
        .map(|b| {
            (0..25)
                .flat_map(|c| {
                    let id = huitou_shared::model::new_id();
                    ["name", "phone"].map(|field| {
                        n += 1;
                        let hlc = format!("{:015}:{:05}:{device}", now + n / 1000, n % 1000);
                        let value = json!(format!("{device}-{b}-{c}-{field}"));
                        serde_json::to_value(huitou_shared::Change::new(
                            "customer", &id, field, value, &hlc,
                        ))
                        .unwrap()
                    })
                })
                .collect()
        })
        .collect()
}

/// Pushes `batch`: the accepted ops, or None when no answer came (refused, reset, timed out).
async fn push(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    device: &str,
    batch: &[Value],
) -> Option<Vec<String>> {
    let response = client
        .post(format!("{url}/api/v1/sync/push"))
        .bearer_auth(token)
        .json(&json!({"device": device, "changes": batch}))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let answer: Value = response.json().await.ok()?;
    assert_eq!(answer["rejected"], json!([]), "{answer}");
    Some(
        answer["accepted"]
            .as_array()?
            .iter()
            .filter_map(|op| op.as_str().map(str::to_owned))
            .collect(),
    )
}

/// Every op in the log (after `user add`'s own record) with how often it appears.
async fn log_ops(client: &reqwest::Client, url: &str, token: &str) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    let mut cursor = String::new();
    loop {
        let page: Value = client
            .get(format!("{url}/api/v1/sync/pull?cursor={cursor}&limit=5000"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for change in page["changes"].as_array().unwrap() {
            *seen
                .entry(change["op"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        cursor = page["cursor"].as_str().unwrap().to_owned();
        if page["has_more"] != true {
            return seen;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_pushes_from_four_devices_loses_nothing_and_retries_store_once() {
    let dir = tempfile::tempdir().unwrap();
    let (server, url, database, token) = serve_with_boss(&dir).await;
    let client = reqwest::Client::new();
    let devices = ["faultdev01", "faultdev02", "faultdev03", "faultdev04"];
    let all: BTreeMap<&str, Vec<Vec<Value>>> =
        devices.iter().map(|d| (*d, batches(d, 40))).collect();
    let acknowledged: Arc<Mutex<BTreeSet<String>>> = Arc::default();

    // Four devices push as fast as the server answers; what got no answer is kept to retry.
    let mut tasks = Vec::new();
    for device in devices {
        let batches = all[device].clone();
        let (token, url, acknowledged) = (token.clone(), url.clone(), acknowledged.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut unanswered = Vec::new();
            for (n, batch) in batches.iter().enumerate() {
                match push(&client, &url, &token, device, batch).await {
                    Some(ops) => acknowledged.lock().unwrap().extend(ops),
                    None => unanswered.push(n),
                }
            }
            (device, unanswered)
        }));
    }
    // Let some pushes land, then pull the plug in the middle of the stream.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < 1000 {
        assert!(Instant::now() < deadline, "no pushes acknowledged");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let mut server = server;
    server.kill().unwrap();
    let before_kill = acknowledged.lock().unwrap().clone();
    let mut unanswered = Vec::new();
    for task in tasks {
        unanswered.push(task.await.unwrap());
    }
    assert!(
        unanswered.iter().any(|(_, left)| !left.is_empty()),
        "the kill came after every push: nothing was tested"
    );

    // The server comes back on the same file; each device sends again what it never heard
    // back about, with the same ops and stamps, as the app's outbox does.
    let (mut server, url) = serve(&database);
    for (device, left) in &unanswered {
        for n in left {
            let ops = push(&client, &url, &token, device, &all[device][*n])
                .await
                .expect("a retry after the restart is answered");
            acknowledged.lock().unwrap().extend(ops);
        }
    }

    let seen = log_ops(&client, &url, &token).await;
    let pushed: BTreeSet<String> = all
        .values()
        .flatten()
        .flatten()
        .map(|c| c["op"].as_str().unwrap().to_owned())
        .collect();
    let lost = before_kill
        .iter()
        .filter(|op| !seen.contains_key(*op))
        .count();
    assert_eq!(lost, 0, "acknowledged changes lost in the kill");
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "changes stored twice: {twice:?}");
    let missing = pushed.iter().filter(|op| !seen.contains_key(*op)).count();
    assert_eq!(missing, 0, "changes missing after the retries");
    assert_eq!(acknowledged.lock().unwrap().len(), pushed.len());
    server.kill().unwrap();
}
