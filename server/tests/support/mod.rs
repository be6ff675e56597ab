//! Test helpers: a real server on port 0 with a fresh SQLite file, users, and API calls.
#![allow(dead_code)]

use huitou_server::{Config, Running};
use huitou_shared::{Change, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::OnceLock;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub server: Running,
    pub url: String,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
    /// The database the server runs on (SQLite file or PostgreSQL database of its own).
    pub database_url: String,
}

pub struct Session {
    pub token: String,
    pub user_id: String,
    pub org_id: String,
    pub role: Role,
}

impl Session {
    /// The user as the store sees them, for reading the server's state directly.
    pub fn actor(&self) -> huitou_server::store::Actor {
        huitou_server::store::Actor {
            user_id: self.user_id.clone(),
            org_id: self.org_id.clone(),
            role: self.role,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|config| config).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(Config) -> Config) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::sqlite(dir.path().join("db/huitou.db"));
    if let Ok(server_url) = std::env::var("HUITOU_TEST_POSTGRES") {
        config.database_url = fresh_postgres_database(&server_url).await;
    }
    let config = adjust(config);
    let database_url = config.database_url.clone();
    let server = huitou_server::start(config).await.expect("server starts");
    TestApp {
        database_url,
        url: server.url(),
        server,
        client: reqwest::Client::new(),
        dir,
    }
}

/// A second server over the same database as `first` (PostgreSQL: several instances, one database).
pub async fn second_instance(first: &TestApp) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Config {
        database_url: first.database_url.clone(),
        ..Config::sqlite(dir.path().join("unused.db"))
    };
    let server = huitou_server::start(config)
        .await
        .expect("second instance starts");
    TestApp {
        url: server.url(),
        server,
        client: reqwest::Client::new(),
        dir,
        database_url: first.database_url.clone(),
    }
}

/// With `HUITOU_TEST_POSTGRES=postgres://user@host/db`, each test gets a database of its own on that server.
pub async fn fresh_postgres_database(server_url: &str) -> String {
    use sqlx::Connection;
    let name = format!("huitou_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(server_url)
        .await
        .expect("postgres");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create database");
    let (base, _) = server_url
        .rsplit_once('/')
        .expect("postgres URL with a database");
    format!("{base}/{name}")
}

/// Argon2 is slow in debug builds: hash the test password once per test binary.
pub fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| huitou_server::auth::hash_password_blocking(PASSWORD).expect("hash"))
        .clone()
}

impl TestApp {
    /// Creates a user (and its organisation) directly in the store; returns the user id.
    pub async fn add_user(&self, org: &str, username: &str, role: Role) -> String {
        let store = &self.server.store;
        let org_id = store.ensure_org(org).await.expect("org");
        store
            .create_user(&org_id, username, username, role, &password_hash())
            .await
            .expect("user")
            .id
    }

    pub async fn login(&self, org: &str, username: &str) -> Session {
        let response = self
            .client
            .post(format!("{}/api/v1/auth/login", self.url))
            .json(&json!({"org": org, "username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("login request");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("login json");
        let user_id = body["user"]["id"].as_str().expect("user id").to_owned();
        let hash = huitou_server::auth::token_hash(body["token"].as_str().expect("token"));
        let used = self
            .server
            .store
            .token_user(&hash, &any_age())
            .await
            .expect("store");
        let user = used.expect("token user").user;
        Session {
            token: body["token"].as_str().expect("token").to_owned(),
            user_id,
            org_id: user.org_id,
            role: user.role,
        }
    }

    /// Adds a user and logs in.
    pub async fn user(&self, org: &str, username: &str, role: Role) -> Session {
        self.add_user(org, username, role).await;
        self.login(org, username).await
    }

    /// Opens the live stream as the app does: a single-use ticket, then `?ticket=`.
    pub async fn live(&self, session: &Session) -> reqwest::Response {
        let response = self
            .client
            .post(format!("{}/api/v1/sync/live/ticket", self.url))
            .bearer_auth(&session.token)
            .send()
            .await
            .expect("ticket request");
        assert_eq!(response.status(), StatusCode::OK);
        let ticket: huitou_shared::api::LiveTicket = response.json().await.expect("ticket json");
        let live = self
            .client
            .get(format!(
                "{}/api/v1/sync/live?ticket={}",
                self.url, ticket.ticket
            ))
            .send()
            .await
            .expect("live request");
        assert_eq!(live.status(), StatusCode::OK);
        live
    }

    pub async fn push_raw(&self, token: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}/api/v1/sync/push", self.url))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("push request");
        let status = response.status();
        (status, response.json().await.expect("push json"))
    }

    /// Pushes and expects a 200; returns the response body.
    pub async fn push(&self, session: &Session, changes: &[Value]) -> Value {
        let (status, body) = self
            .push_raw(
                &session.token,
                json!({"device": "testdevice01", "changes": changes}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn pull_raw(&self, token: &str, query: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!("{}/api/v1/sync/pull?{query}", self.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("pull request");
        let status = response.status();
        (status, response.json().await.expect("pull json"))
    }

    /// Pulls every page from the beginning.
    pub async fn pull_all(&self, session: &Session) -> Vec<Change> {
        self.pull_from(session, "").await.0
    }

    /// Pulls every page after `cursor`; returns the changes, the final cursor and the revoked ids.
    pub async fn pull_from(
        &self,
        session: &Session,
        cursor: &str,
    ) -> (Vec<Change>, String, Vec<String>) {
        let mut cursor = cursor.to_owned();
        let mut changes = Vec::new();
        let mut revoked = Vec::new();
        loop {
            let (status, body) = self
                .pull_raw(&session.token, &format!("cursor={cursor}&limit=1000"))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let page: huitou_shared::api::PullResponse =
                serde_json::from_value(body).expect("pull response");
            changes.extend(page.changes);
            revoked.extend(page.revoked.into_iter().map(|r| r.id));
            cursor = page.cursor;
            if !page.has_more {
                return (changes, cursor, revoked);
            }
        }
    }
}

pub fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).expect("time")
}

pub fn hlc_at(millis: u64, counter: u32, device: &str) -> String {
    format!("{millis:015}:{counter:05}:{device}")
}

/// A change stamped now (plus `counter` to keep several in order).
pub fn change(kind: &str, id: &str, field: &str, value: Value, counter: u32) -> Value {
    change_at(
        kind,
        id,
        field,
        value,
        &hlc_at(now_ms(), counter, "testdevice01"),
    )
}

pub fn change_at(kind: &str, id: &str, field: &str, value: Value, hlc: &str) -> Value {
    serde_json::to_value(Change::new(kind, id, field, value, hlc)).expect("change json")
}

pub fn new_id() -> String {
    huitou_shared::model::new_id()
}

pub fn ops(changes: &[Value]) -> Vec<String> {
    changes
        .iter()
        .map(|c| c["op"].as_str().expect("op").to_owned())
        .collect()
}

pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// Token cut-offs that every token passes, for reading a token's row whatever its age.
pub fn any_age() -> huitou_server::store::TokenExpiry {
    huitou_server::store::TokenExpiry {
        idle_since: "0000".into(),
        created_since: "0000".into(),
    }
}

/// Reads server-sent events until one `changed` event has arrived (5 s at most between
/// chunks); returns its cursor, or `None` when none came.
pub async fn next_event(live: &mut reqwest::Response) -> Option<String> {
    let mut seen = String::new();
    loop {
        if let Some(end) = seen.find("\n\n") {
            let event = seen[..end].to_owned();
            seen.drain(..end + 2);
            if event.contains("event: changed") {
                let data = event.lines().find_map(|l| l.strip_prefix("data: "))?;
                let data: Value = serde_json::from_str(data).ok()?;
                return data["cursor"].as_str().map(str::to_owned);
            }
            continue;
        }
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), live.chunk())
            .await
            .ok()?
            .ok()??;
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}
