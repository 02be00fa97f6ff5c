//! `rampart-api`: the Rampart server.
//!
//! With no configuration it serves on 127.0.0.1:8080 from `./rampart.db`
//! (SQLite), and on first start creates the first user and workspace and
//! prints a one-time API key. Settings come from flags, then environment
//! variables, then an optional TOML file, then the defaults.
#![allow(clippy::print_stdout)]

mod config;
mod first_key;

use anyhow::Context as _;
use clap::Parser;

use crate::config::{AdminCommand, Args, Command, EmbeddedWorker, redacted};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let mut args = Args::parse();
    let command = args.command.take();
    let config = config::config(args)?;
    let app = rampart_app::App::open(&config.database_url, config.pool_size)
        .await
        .with_context(|| format!("opening the database at {}", redacted(&config.database_url)))?;
    let backend = app.backend();
    let generator = rampart_app::Generator::configured(&config.llm)?;
    let app = app.with_generator(generator).with_daily_ai_limit(config.daily_ai_limit).with_limits(config.limits);
    if let Some(Command::Admin(admin)) = command {
        return run_admin(&app, admin).await;
    }
    if let Some(first) = app.bootstrap(&config.admin_email, "Administrator").await? {
        // Only its hash is stored: this is the one time it exists in the clear.
        first_key::hand_over(&first, &config.admin_email, &config.database_url, backend)?;
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

/// Runs an operator command against the database and exits.
async fn run_admin(app: &rampart_app::App, command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::MintKey { email, workspace, name } => {
            let key = app
                .operator_mint_key(&email, workspace.as_deref(), &name)
                .await
                .map_err(|e| anyhow::anyhow!("{} ({})", e, e.code()))?;
            tracing::info!(user = %email, workspace = %key.record.workspace_id, key_prefix = %key.record.prefix, "operator minted a key");
            println!("Owner key for {email} in workspace {} (shown once): {}", key.record.workspace_id, key.secret);
            Ok(())
        }
    }
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
