//! Helpers for the black-box tests: run a real server that can be taken down and brought back
//! on the same port, and drive real headless Chromium profiles through chromedriver.

use anyhow::{Context, Result, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The built web app the server serves (made by `trunk build --release`).
pub fn app_dist() -> Result<PathBuf> {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/dist");
    if !dist.join("index.html").exists() {
        bail!(
            "{} has no index.html: build the web app first (`scripts/test` does, or `scripts/build-app`)",
            dist.display()
        );
    }
    Ok(dist)
}

/// A real Huitou server on its own runtime, so stopping it closes every connection at once
/// (dropping the runtime), as a crash or a pulled plug would.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts on `listen` (port 0 for a free one) over the SQLite file `database`, serving the app.
    pub fn start(database: &Path, listen: SocketAddr, demo: bool) -> Result<Self> {
        let mut config = huitou_server::Config::sqlite(database);
        config.listen = listen;
        config.demo = demo;
        config.static_dir = Some(app_dist()?);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready_tx.send(Err(anyhow::anyhow!(e)));
                    return;
                }
            };
            match runtime.block_on(huitou_server::start(config.clone())) {
                Ok(running) => {
                    let _ = ready_tx.send(Ok(running.addr));
                    let _ = stop_rx.recv();
                    drop(running);
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            }
            runtime.shutdown_timeout(Duration::from_millis(100));
        });
        let addr = ready_rx.recv().context("server thread died")??;
        Ok(Self {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Takes the server down: every connection closes, the port refuses.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.halt();
    }
}

/// A chromedriver process on a free port.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Driver {
    pub async fn start() -> Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("chromedriver not found: run scripts/setup --browser")?;
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if Instant::now() > deadline {
                bail!("chromedriver did not start");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(Self { child, url })
    }

    /// A new browser with its own fresh profile: one "device".
    pub async fn browser(&self, profile: &Path) -> Result<Client> {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--lang=en-US", "--window-size=1024,768",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "intl.accept_languages": "en-US,en",
                    "download.default_directory": downloads(profile).display().to_string(),
                    "download.prompt_for_download": false
                }
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .context("could not open Chromium through chromedriver")?;
        Ok(client)
    }
}

/// Where the browser of `profile` saves downloaded files.
pub fn downloads(profile: &Path) -> PathBuf {
    profile.join("downloads")
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Retries `check` until it is `Ok` or `timeout` passes; the last error explains the failure.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        match check().await {
            Ok(value) => return Ok(value),
            Err(e) if Instant::now() > deadline => return Err(e.context("gave up waiting")),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else {
        format!("concat('{}')", text.replace('\'', "', \"'\", '"))
    }
}

/// The input, select or textarea whose `<label>` says `label`.
pub async fn field(client: &Client, label: &str) -> Result<Element> {
    let xpath = format!(
        "//label[normalize-space(span)={0}]//*[self::input or self::select or self::textarea] | //*[@aria-label={0}][self::input or self::select or self::textarea]",
        xpath_literal(label)
    );
    eventually(Duration::from_secs(10), || async {
        Ok(client.find(Locator::XPath(&xpath)).await?)
    })
    .await
    .with_context(|| format!("no field labelled {label:?}"))
}

/// Sets the date field labelled `label` to `date` (`yyyy-mm-dd`) as a date picker does: the
/// value, then a `change` event (typing into a date input depends on the browser's locale).
pub async fn set_date(client: &Client, label: &str, date: &str) -> Result<()> {
    let input = field(client, label).await?;
    let element = serde_json::to_value(&input)?;
    client
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            vec![element, serde_json::json!(date)],
        )
        .await?;
    Ok(())
}

/// Types `text` into the field labelled `label`, replacing what was there.
pub async fn fill(client: &Client, label: &str, text: &str) -> Result<()> {
    let element = field(client, label).await?;
    element.clear().await?;
    element.send_keys(text).await?;
    Ok(())
}

/// The button or link whose accessible name (text or aria-label) is `name`.
pub async fn button(client: &Client, name: &str) -> Result<Element> {
    let xpath = format!(
        "//*[self::button or self::a][normalize-space()={0} or @aria-label={0}]",
        xpath_literal(name)
    );
    eventually(Duration::from_secs(10), || async {
        Ok(client.find(Locator::XPath(&xpath)).await?)
    })
    .await
    .with_context(|| format!("no button named {name:?}"))
}

pub async fn click(client: &Client, name: &str) -> Result<()> {
    let element = button(client, name).await?;
    centre(client, &element).await?;
    element.click().await?;
    Ok(())
}

/// Scrolls an element to the middle of the screen, as a thumb would before tapping it.
async fn centre(client: &Client, element: &Element) -> Result<()> {
    let arg = serde_json::to_value(element)?;
    client
        .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
        .await?;
    Ok(())
}

/// Ticks the radio button or checkbox labelled `label`.
pub async fn choose(client: &Client, label: &str) -> Result<()> {
    let xpath = format!(
        "//label[normalize-space(span)={}]/input",
        xpath_literal(label)
    );
    let element = client.find(Locator::XPath(&xpath)).await?;
    centre(client, &element).await?;
    element.click().await?;
    Ok(())
}

/// Opens a customer from the list on screen by their name.
pub async fn open_customer(client: &Client, name: &str) -> Result<()> {
    let xpath = format!(
        "//a[contains(@class, 'list-item')][.//span[normalize-space()={}]]",
        xpath_literal(name)
    );
    let element = eventually(Duration::from_secs(10), || async {
        Ok(client.find(Locator::XPath(&xpath)).await?)
    })
    .await?;
    centre(client, &element).await?;
    element.click().await?;
    Ok(())
}

/// The visible text of the page body.
pub async fn page_text(client: &Client) -> Result<String> {
    Ok(client.find(Locator::Css("body")).await?.text().await?)
}

/// Waits until the page shows `text`.
pub async fn wait_for_text(client: &Client, text: &str, timeout: Duration) -> Result<()> {
    eventually(timeout, || async {
        let body = page_text(client).await?;
        if body.contains(text) {
            Ok(())
        } else {
            bail!("page does not show {text:?}; it shows:\n{body}")
        }
    })
    .await
}

/// The sync badge's text (synced / N waiting / offline / rejected).
pub async fn sync_badge(client: &Client) -> Result<String> {
    Ok(client
        .find(Locator::Css("[data-testid=sync-badge]"))
        .await?
        .text()
        .await?)
}

/// Waits (up to 40 s) until the sync badge says "Synced".
pub async fn wait_until_synced(client: &Client) -> Result<()> {
    eventually(Duration::from_secs(40), || async {
        let badge = sync_badge(client).await?;
        if badge == "Synced" {
            Ok(())
        } else {
            bail!("badge says {badge:?}")
        }
    })
    .await
}

/// Signs in through the sign-in form.
pub async fn sign_in(client: &Client, base: &str, username: &str) -> Result<()> {
    client.goto(base).await?;
    fill(client, "Organisation", "demo").await?;
    fill(client, "Username", username).await?;
    fill(client, "Password", "huitou-demo").await?;
    click(client, "Sign in").await?;
    eventually(Duration::from_secs(20), || async {
        sync_badge(client).await
    })
    .await?;
    Ok(())
}

/// Saves a PNG of what the browser shows, for a person to look at.
pub async fn screenshot(client: &Client, path: &Path) -> Result<()> {
    let png = client.screenshot().await?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, png)?;
    Ok(())
}

/// Runs a browser test body and always closes the browsers, so a failure orphans no Chromium.
pub async fn with_browsers<F, Fut>(clients: Vec<Client>, body: F) -> Result<()>
where
    F: FnOnce(Vec<Client>) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let handles = clients.clone();
    let outcome = body(clients).await;
    for client in handles {
        let _ = client.close().await;
    }
    outcome
}

/// Runs axe-core on the page as it is and fails on any serious or critical accessibility
/// violation, naming each with the elements it concerns.
pub async fn assert_accessible(client: &Client, page: &str) -> Result<()> {
    let axe =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&axe)
        .with_context(|| format!("{} is missing: run scripts/setup --browser", axe.display()))?;
    client.execute(&source, vec![]).await?;
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']}).then(result => done(
               result.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)
             ));",
            vec![],
        )
        .await?;
    let violations: Vec<String> = serde_json::from_value(found)?;
    if !violations.is_empty() {
        bail!("{page}: axe-core found\n{}", violations.join("\n"));
    }
    Ok(())
}

/// A signed-in API client, for what another device or an integration does meanwhile.
pub struct Api {
    pub base: String,
    pub token: String,
    http: reqwest::Client,
}

impl Api {
    /// Signs `username` of the demo organisation in.
    pub async fn sign_in(base: &str, username: &str) -> Result<Self> {
        let http = reqwest::Client::new();
        let login: serde_json::Value = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"org": "demo", "username": username, "password": "huitou-demo"}))
            .send()
            .await?
            .json()
            .await?;
        let token = login["token"]
            .as_str()
            .with_context(|| format!("no token in {login}"))?
            .to_owned();
        Ok(Self {
            base: base.to_owned(),
            token,
            http,
        })
    }

    /// Every change the user may read, page after page.
    pub async fn pull_all(&self) -> Result<Vec<serde_json::Value>> {
        let mut changes = Vec::new();
        let mut cursor = String::new();
        loop {
            let pulled: serde_json::Value = self
                .http
                .get(format!("{}/api/v1/sync/pull?limit=5000", self.base))
                .query(&[("cursor", &cursor)])
                .bearer_auth(&self.token)
                .send()
                .await?
                .json()
                .await?;
            changes.extend(pulled["changes"].as_array().cloned().unwrap_or_default());
            cursor = pulled["cursor"]
                .as_str()
                .with_context(|| format!("no cursor in {pulled}"))?
                .to_owned();
            if pulled["has_more"] != serde_json::json!(true) {
                return Ok(changes);
            }
        }
    }

    /// Everything the user may read, folded with the merge rule (the server's book as they
    /// see it).
    pub async fn folded(&self) -> Result<huitou_shared::State> {
        let changes: Vec<huitou_shared::Change> = self
            .pull_all()
            .await?
            .into_iter()
            .map(serde_json::from_value)
            .collect::<Result<_, _>>()?;
        Ok(huitou_shared::State::fold(&changes))
    }

    /// The customers whose winning `owner` is `user` (not in the trash).
    pub async fn owned_by(&self, user: &str) -> Result<std::collections::BTreeSet<String>> {
        let state = self.folded().await?;
        Ok(state
            .records("customer")
            .filter(|(_, record)| record.text("owner") == Some(user) && !record.is_deleted())
            .map(|(id, _)| id.clone())
            .collect())
    }

    /// The id of the first record of `kind` whose `field` is `value`.
    pub async fn find(&self, kind: &str, field: &str, value: &str) -> Result<String> {
        let changes = self.pull_all().await?;
        changes
            .iter()
            .find(|c| c["kind"] == kind && c["field"] == field && c["value"] == value)
            .and_then(|c| c["id"].as_str().map(str::to_owned))
            .with_context(|| format!("no {kind} with {field} = {value}"))
    }

    /// Pushes `(kind, id, field, value)` edits stamped now by `device`; fails unless all are
    /// accepted.
    pub async fn push(
        &self,
        device: &str,
        edits: &[(&str, &str, &str, serde_json::Value)],
    ) -> Result<serde_json::Value> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis();
        let changes: Vec<serde_json::Value> = edits
            .iter()
            .enumerate()
            .map(|(n, (kind, id, field, value))| {
                serde_json::json!({
                    "op": uuid::Uuid::now_v7().to_string(), "kind": kind, "id": id,
                    "field": field, "value": value, "hlc": format!("{now:015}:{n:05}:{device}")
                })
            })
            .collect();
        let answer: serde_json::Value = self
            .http
            .post(format!("{}/api/v1/sync/push", self.base))
            .bearer_auth(&self.token)
            .json(&serde_json::json!({"device": device, "changes": changes}))
            .send()
            .await?
            .json()
            .await?;
        if answer["rejected"].as_array().is_none_or(|r| !r.is_empty()) {
            bail!("push refused: {answer}");
        }
        Ok(answer)
    }

    /// `GET {path}` (under the server's base URL) as JSON.
    pub async fn get(&self, path: &str) -> Result<serde_json::Value> {
        Ok(self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?
            .json()
            .await?)
    }

    /// The integration summary of a customer (`GET /api/v1/customers/{id}/summary`).
    pub async fn summary(&self, customer_id: &str) -> Result<serde_json::Value> {
        Ok(self
            .http
            .get(format!(
                "{}/api/v1/customers/{customer_id}/summary",
                self.base
            ))
            .bearer_auth(&self.token)
            .send()
            .await?
            .json()
            .await?)
    }
}

/// Where browser tests leave their screenshots (`target/screenshots`).
pub fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots")
}

/// The path of the wasm bundle the page runs: `/huitou-app-….wasm` (everyone) or
/// `/manage/huitou-manager-….wasm` (managers).
pub async fn loaded_bundle(client: &Client) -> Result<String> {
    let found = client
        .execute(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.endsWith('.wasm'));",
            vec![],
        )
        .await?;
    let paths: Vec<String> = serde_json::from_value(found)?;
    match paths.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!("expected one wasm bundle, the page loaded {paths:?}"),
    }
}

/// Names of the IndexedDB databases this browser profile holds for the page's origin.
pub async fn databases(client: &Client) -> Result<Vec<String>> {
    let names = client
        .execute(
            "return (await indexedDB.databases()).map(d => d.name).filter(n => n.startsWith('huitou-'));",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(names)?)
}

/// The release server as its own process, so its peak memory is its own.
pub struct ReleaseServer {
    child: Child,
    pub url: String,
}

impl ReleaseServer {
    /// Starts it with `--demo` over a fresh SQLite file in `dir`, serving the built app.
    pub fn start(dir: &std::path::Path) -> Result<Self> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let binary = root.join("target/release/huitou-server");
        anyhow::ensure!(
            binary.exists(),
            "{} is missing: cargo build --release -p huitou-server",
            binary.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(binary)
            .args([
                "serve",
                "--demo",
                "--demo-small",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .arg("--database")
            .arg(format!("sqlite://{}", dir.join("huitou.db").display()))
            .arg("--static")
            .arg(app_dist()?)
            .stdout(Stdio::null())
            .stderr(match std::env::var_os("HUITOU_BENCH_SERVER_LOG") {
                // e.g. HUITOU_BENCH_SERVER_LOG=/tmp/server.log RUST_LOG=tower_http=debug
                Some(path) => Stdio::from(std::fs::File::create(path)?),
                None => Stdio::null(),
            })
            .spawn()?;
        Ok(Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// Waits until it answers `/healthz`.
    pub async fn ready(&self) -> Result<()> {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while http
            .get(format!("{}/healthz", self.url))
            .send()
            .await
            .is_err()
        {
            if Instant::now() > deadline {
                bail!("the release server did not start");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// Peak resident memory so far (VmHWM), in MB.
    pub fn peak_mb(&self) -> Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kb: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmHWM")?;
        Ok(kb / 1024.0)
    }
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How many records the page's Huitou database holds in IndexedDB.
pub async fn stored_records(client: &Client) -> Result<u64> {
    Ok(serde_json::from_value(
        client
            .execute_async(
                "const done = arguments[arguments.length - 1]; indexedDB.databases().then(list => list.find(d => d.name.startsWith('huitou'))).then(info => { if (!info) { done(0); return; } const r = indexedDB.open(info.name); r.onsuccess = () => { const c = r.result.transaction('records').objectStore('records').count(); c.onsuccess = () => { done(c.result); r.result.close(); }; }; });",
                vec![],
            )
            .await?,
    )?)
}
