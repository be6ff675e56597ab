//! Huitou sync server: accounts, the change log of SYNC.md and its HTTP API, over SQLite.
//!
//! [`start`] runs a server in-process (tests, scripts); `main.rs` is only its command line.

pub mod auth;
pub mod demo;
pub mod directory;
pub mod error;
pub mod import;
pub mod jobs;
pub mod permissions;
pub mod pool;
pub mod routes;
pub mod store;

use axum::serve::ListenerExt as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::sync::{broadcast, oneshot};
use tokio::task::JoinHandle;

pub use store::{DynStore, Store};

pub use store::Stored;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub live: broadcast::Sender<Stored>,
    pub auth: std::sync::Arc<auth::Guard>,
}

impl AppState {
    pub fn new(store: DynStore, policy: auth::Policy) -> Self {
        let (live, _) = broadcast::channel(256);
        Self {
            store,
            live,
            auth: std::sync::Arc::new(auth::Guard::new(policy)),
        }
    }
}

/// How to run a server.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// `sqlite://path/to/file.db` (file and folder created when missing).
    pub database_url: String,
    /// The built web app to serve at `/`, with `index.html` as the fallback.
    pub static_dir: Option<PathBuf>,
    /// Create the `demo` organisation and fill an empty database with samples.
    pub demo: bool,
    /// With `demo`: add a year of the demo restaurant's history (`demo::year`).
    pub demo_year: bool,
    /// Token lifetimes and sign-in throttling.
    pub auth: auth::Policy,
    /// Background jobs run once across every instance over the database (`jobs`).
    pub jobs: Vec<jobs::Job>,
}

impl Config {
    /// A config for an ephemeral port on localhost with a SQLite file.
    pub fn sqlite(path: impl Into<PathBuf>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: format!("sqlite://{}", path.into().display()),
            static_dir: None,
            demo: false,
            demo_year: false,
            auth: auth::Policy::default(),
            jobs: Vec::new(),
        }
    }
}

/// A server running in this process.
pub struct Running {
    pub addr: SocketAddr,
    pub store: DynStore,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    jobs: Option<JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(jobs) = self.jobs.take() {
            jobs.abort();
        }
    }
}

impl Running {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for the open ones to finish.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(jobs) = self.jobs.take() {
            jobs.abort();
        }
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // Live (SSE) streams never finish on their own: give them a moment, then stop waiting.
        match tokio::time::timeout(std::time::Duration::from_secs(2), &mut self.task).await {
            Ok(joined) => joined.map_err(std::io::Error::other)?,
            Err(_) => {
                self.task.abort();
                Ok(())
            }
        }
    }
}

/// Opens the database (running migrations), seeds the demo when asked, binds, and serves in a task.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    let store = store::open(&config.database_url).await?;
    if config.demo {
        demo::seed(store.as_ref(), config.demo_year).await?;
    }
    let state = AppState::new(store.clone(), config.auth.clone());
    // Pushes stored through other instances over the same database wake this one's streams.
    store.relay(state.live.clone()).await?;
    let router = routes::router(state.clone(), config.static_dir.as_deref());
    // TCP_NODELAY: an answer's last small segment is sent at once instead of waiting for the
    // client's (delayed, up to 40 ms) acknowledgement of the one before (Nagle's algorithm).
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await?
        .tap_io(|stream| {
            if let Err(e) = stream.set_nodelay(true) {
                tracing::debug!("TCP_NODELAY not set on a connection: {e}");
            }
        });
    let addr = axum::serve::Listener::local_addr(&listener)?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        })
        .await
    });
    // Each process is one instance in `job_runs`.
    let instance = format!("{addr}/{}", uuid::Uuid::new_v4());
    let jobs = jobs::spawn(state, config.jobs, instance);
    Ok(Running {
        addr,
        store,
        shutdown: Some(shutdown),
        task,
        jobs,
    })
}
