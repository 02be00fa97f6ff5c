//! `rampart-api`: the Rampart server.
//!
//! With no configuration it serves on 127.0.0.1:8080 from `./rampart.db`
//! (SQLite), and on first start creates the first user and workspace and
//! prints a one-time API key. Settings come from flags, then environment
//! variables, then an optional TOML file, then the defaults.
#![allow(clippy::print_stdout)]

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use serde::Deserialize;

#[derive(Debug, Parser)]
#[command(name = "rampart-api", version, about = "The Rampart server (REST API under /api/v1)")]
struct Args {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "RAMPART_BIND")]
    bind: Option<SocketAddr>,
    /// Database: a SQLite path (or sqlite://PATH) or a postgres:// URL [default: ./rampart.db]
    #[arg(long, env = "RAMPART_DATABASE_URL")]
    database_url: Option<String>,
    /// Database connections in the pool [default: 8]
    #[arg(long, env = "RAMPART_POOL_SIZE")]
    pool_size: Option<u32>,
    /// Email of the first user, created on an empty database [default: admin@localhost]
    #[arg(long, env = "RAMPART_ADMIN_EMAIL")]
    admin_email: Option<String>,
    /// A TOML file with any of: bind, database_url, pool_size, admin_email
    #[arg(long, env = "RAMPART_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<SocketAddr>,
    database_url: Option<String>,
    pool_size: Option<u32>,
    admin_email: Option<String>,
}

struct Config {
    bind: SocketAddr,
    database_url: String,
    pool_size: u32,
    admin_email: String,
}

fn config(args: Args) -> anyhow::Result<Config> {
    let file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            toml::from_str::<FileConfig>(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => FileConfig::default(),
    };
    Ok(Config {
        bind: args.bind.or(file.bind).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
        database_url: args.database_url.or(file.database_url).unwrap_or_else(|| "./rampart.db".to_owned()),
        pool_size: args.pool_size.or(file.pool_size).unwrap_or(8).clamp(1, 256),
        admin_email: args.admin_email.or(file.admin_email).unwrap_or_else(|| "admin@localhost".to_owned()),
    })
}

/// Where the URL points, without any password it may carry.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let config = config(Args::parse())?;
    let store = rampart_app::Store::open(&config.database_url, config.pool_size)
        .await
        .with_context(|| format!("opening the database at {}", redacted(&config.database_url)))?;
    let app = rampart_app::App::new(store);
    if let Some(first) = app.bootstrap(&config.admin_email, "Administrator").await? {
        // Shown once, on the console only; only its hash is stored.
        println!("Created the first user {} with a personal workspace.", config.admin_email);
        println!("API key (shown once, keep it safe): {}", first.secret);
    }
    let listener =
        tokio::net::TcpListener::bind(config.bind).await.with_context(|| format!("binding {}", config.bind))?;
    tracing::info!(address = %listener.local_addr()?, database = %redacted(&config.database_url), "rampart-api listening");
    println!("Rampart API on http://{}/api/v1 (OpenAPI: /api/v1/openapi.json)", listener.local_addr()?);
    axum::serve(listener, rampart_http::router(app)).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
