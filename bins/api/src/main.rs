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
    /// Run queued jobs in this process: `auto` (on SQLite), `on` or `off` [default: auto]
    #[arg(long, env = "RAMPART_EMBEDDED_WORKER")]
    embedded_worker: Option<EmbeddedWorker>,
    /// An OpenAI-compatible API base for generation; without one, models are generated offline
    #[arg(long, env = "RAMPART_LLM_BASE_URL")]
    llm_base_url: Option<String>,
    /// The LLM model name [default: gpt-4o-mini]
    #[arg(long, env = "RAMPART_LLM_MODEL")]
    llm_model: Option<String>,
    /// The LLM API key (prefer the environment variable; never read from the config file)
    #[arg(long, env = "RAMPART_LLM_API_KEY", hide_env_values = true)]
    llm_api_key: Option<String>,
    /// AI requests a user may make per UTC day (cache hits are free) [default: 2000]
    #[arg(long, env = "RAMPART_DAILY_AI_LIMIT")]
    daily_ai_limit: Option<u32>,
    /// A TOML file with any of: bind, database_url, pool_size, admin_email, embedded_worker, llm_base_url, llm_model,
    /// daily_ai_limit
    #[arg(long, env = "RAMPART_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
enum EmbeddedWorker {
    Auto,
    On,
    Off,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<SocketAddr>,
    database_url: Option<String>,
    pool_size: Option<u32>,
    admin_email: Option<String>,
    embedded_worker: Option<EmbeddedWorker>,
    llm_base_url: Option<String>,
    llm_model: Option<String>,
    daily_ai_limit: Option<u32>,
}

struct Config {
    bind: SocketAddr,
    database_url: String,
    pool_size: u32,
    admin_email: String,
    embedded_worker: EmbeddedWorker,
    llm: rampart_app::LlmSettings,
    daily_ai_limit: u32,
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
        embedded_worker: args.embedded_worker.or(file.embedded_worker).unwrap_or(EmbeddedWorker::Auto),
        daily_ai_limit: args.daily_ai_limit.or(file.daily_ai_limit).unwrap_or(rampart_app::DEFAULT_DAILY_AI_LIMIT),
        llm: rampart_app::LlmSettings {
            base_url: args.llm_base_url.or(file.llm_base_url),
            model: args.llm_model.or(file.llm_model).unwrap_or_else(|| "gpt-4o-mini".to_owned()),
            api_key: args.llm_api_key,
            timeout: std::time::Duration::from_secs(120),
        },
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
    let backend = store.backend();
    let generator = rampart_app::Generator::configured(&config.llm)?;
    let app = rampart_app::App::new(store).with_generator(generator).with_daily_ai_limit(config.daily_ai_limit);
    if let Some(first) = app.bootstrap(&config.admin_email, "Administrator").await? {
        // Shown once, on the console only; only its hash is stored.
        println!("Created the first user {} with a personal workspace.", config.admin_email);
        println!("API key (shown once, keep it safe): {}", first.secret);
    }
    let listener =
        tokio::net::TcpListener::bind(config.bind).await.with_context(|| format!("binding {}", config.bind))?;
    tracing::info!(address = %listener.local_addr()?, database = %redacted(&config.database_url), "rampart-api listening");
    println!("Rampart API on http://{}/api/v1 (OpenAPI: /api/v1/openapi.json)", listener.local_addr()?);
    let embedded = match config.embedded_worker {
        EmbeddedWorker::On => true,
        EmbeddedWorker::Off => false,
        // One process is the whole product on one machine.
        EmbeddedWorker::Auto => backend == rampart_app::Backend::Sqlite,
    };
    let (stop_worker, worker_stopped) = tokio::sync::watch::channel(false);
    let worker = embedded.then(|| {
        let app = app.clone();
        let mut stopped = worker_stopped.clone();
        tokio::spawn(async move {
            let config = rampart_app::WorkerConfig::new(format!("api-{}", std::process::id()));
            app.run_worker(config, async move {
                let _ = stopped.wait_for(|s| *s).await;
            })
            .await;
        })
    });
    tracing::info!(embedded_worker = embedded, generator = ?app_generator_label(&config.llm), "jobs");
    axum::serve(listener, rampart_http::router(app)).with_graceful_shutdown(shutdown()).await?;
    let _ = stop_worker.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    Ok(())
}

fn app_generator_label(llm: &rampart_app::LlmSettings) -> String {
    match &llm.base_url {
        Some(base) => format!("llm {} at {}", llm.model, base),
        None => "offline catalog".to_owned(),
    }
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
