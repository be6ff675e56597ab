//! The `huitou-server` binary: durability across a hard kill, and `user add`.

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

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
    let database = format!("sqlite://{}", dir.path().join("h.db").display());
    add_user(&database, "acme", "boss", "manager", "pw");
    let (mut server, url) = serve(&database);
    let client = reqwest::Client::new();
    let token = login(&client, &url, "pw")
        .await
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
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
