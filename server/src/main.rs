//! The `huitou-server` command line: `serve` and `user add`.

use clap::{Parser, Subcommand};
use huitou_server::{Config, auth, store};
use huitou_shared::Role;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

/// mimalloc instead of glibc's allocator: a push parses and drops thousands of small JSON
/// values, and glibc's malloc/free took about 17% of the server's CPU under peerbench's push.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "huitou-server", version, about = "Huitou sync server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (and the web app with --static).
    Serve {
        #[arg(long, env = "HUITOU_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[arg(
            long,
            env = "HUITOU_DATABASE_URL",
            default_value = "sqlite://data/huitou.db"
        )]
        database: String,
        /// The built web app (e.g. app/dist).
        #[arg(long = "static", env = "HUITOU_STATIC")]
        static_dir: Option<PathBuf>,
        /// Create the demo organisation and fill an empty database with a year of a
        /// restaurant's customers, visits and follow-ups.
        #[arg(long)]
        demo: bool,
        /// With --demo: only a dozen sample customers, not the year of history.
        #[arg(long, requires = "demo")]
        demo_small: bool,
        /// Days a token may go unused before it stops working.
        #[arg(long, env = "HUITOU_TOKEN_IDLE_DAYS", default_value_t = 30)]
        token_idle_days: u64,
        /// Days after sign-in a token stops working, used or not.
        #[arg(long, env = "HUITOU_TOKEN_MAX_DAYS", default_value_t = 90)]
        token_max_days: u64,
        /// Sign-in attempts per minute from one address.
        #[arg(long, env = "HUITOU_LOGINS_PER_MINUTE", default_value_t = 20)]
        logins_per_minute: u32,
        /// Minutes between runs of the shared-pool release (once across every instance).
        #[arg(long, env = "HUITOU_POOL_EVERY_MINUTES", default_value_t = 60,
              value_parser = clap::value_parser!(u64).range(1..))]
        pool_every_minutes: u64,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from the first line of stdin.
    Add {
        #[arg(long)]
        org: String,
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = |s: &str| Role::parse(s))]
        role: Role,
        /// Display name (defaults to the user name).
        #[arg(long)]
        name: Option<String>,
        #[arg(
            long,
            env = "HUITOU_DATABASE_URL",
            default_value = "sqlite://data/huitou.db"
        )]
        database: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve {
            listen,
            database,
            static_dir,
            demo,
            demo_small,
            token_idle_days,
            token_max_days,
            logins_per_minute,
            pool_every_minutes,
        } => {
            let day = |n: u64| std::time::Duration::from_secs(n.saturating_mul(24 * 3600));
            let running = huitou_server::start(Config {
                listen,
                database_url: database,
                static_dir,
                demo,
                demo_year: demo && !demo_small,
                auth: auth::Policy {
                    token_idle: day(token_idle_days),
                    token_lifetime: day(token_max_days),
                    logins_per_minute,
                    ..auth::Policy::default()
                },
                jobs: vec![huitou_server::pool::job(std::time::Duration::from_secs(
                    pool_every_minutes.saturating_mul(60),
                ))],
            })
            .await?;
            println!("Huitou is running at http://{}/", running.addr);
            shutdown_signal().await?;
            running.stop().await?;
        }
        Command::User {
            command:
                UserCommand::Add {
                    org,
                    username,
                    role,
                    name,
                    database,
                },
        } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            anyhow::ensure!(!password.is_empty(), "no password on stdin");
            let store = store::open(&database).await?;
            let org_id = store.ensure_org(&org).await?;
            let hash = auth::hash_password(password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let name = name.unwrap_or_else(|| username.clone());
            let user = store
                .create_user(&org_id, &username, &name, role, &hash)
                .await?;
            huitou_server::directory::publish_user(store.as_ref(), &user).await?;
            println!(
                "added user {} ({}) to {org}: {}",
                user.username,
                role.as_str(),
                user.id
            );
        }
    }
    Ok(())
}

/// Ctrl-C or SIGTERM (what service managers and `kill` send).
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}
