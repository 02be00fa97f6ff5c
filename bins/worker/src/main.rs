//! `rampart-worker`: runs queued jobs (model generation) from the shared
//! database until stopped. Any number can run at once, on any machines: a
//! job is claimed with a lease, and a worker that dies mid-job leaves it to
//! the next one once the lease expires. On SQLite the API runs one embedded
//! worker, so this binary is for PostgreSQL deployments that scale out.

use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use rampart_app::{App, Generator, LlmSettings, WorkerConfig};

#[derive(Debug, Parser)]
#[command(name = "rampart-worker", version, about = "Run Rampart's queued jobs")]
struct Args {
    /// Database: a SQLite path or a postgres:// URL [default: ./rampart.db]
    #[arg(long, env = "RAMPART_DATABASE_URL", default_value = "./rampart.db")]
    database_url: String,
    /// This worker's id (unique among running workers) [default: worker-<pid>]
    #[arg(long, env = "RAMPART_WORKER_ID")]
    id: Option<String>,
    /// Seconds a claimed job stays this worker's without renewal.
    #[arg(long, env = "RAMPART_WORKER_LEASE_SECS", default_value_t = 60)]
    lease_secs: u64,
    /// Milliseconds to wait when no job is due.
    #[arg(long, default_value_t = 500)]
    poll_ms: u64,
    /// An OpenAI-compatible API base; without one, models are generated offline.
    #[arg(long, env = "RAMPART_LLM_BASE_URL")]
    llm_base_url: Option<String>,
    #[arg(long, env = "RAMPART_LLM_MODEL", default_value = "gpt-4o-mini")]
    llm_model: String,
    #[arg(long, env = "RAMPART_LLM_API_KEY", hide_env_values = true)]
    llm_api_key: Option<String>,
    /// Seconds per LLM request.
    #[arg(long, env = "RAMPART_LLM_TIMEOUT_SECS", default_value_t = 120)]
    llm_timeout_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let app = App::open(&args.database_url, 4).await.context("opening the database")?;
    let generator = Generator::configured(&LlmSettings {
        base_url: args.llm_base_url,
        model: args.llm_model,
        api_key: args.llm_api_key,
        timeout: Duration::from_secs(args.llm_timeout_secs.max(1)),
    })?;
    let app = app.with_generator(generator);
    let mut config = WorkerConfig::new(args.id.unwrap_or_else(|| format!("worker-{}", std::process::id())));
    config.lease = Duration::from_secs(args.lease_secs.max(1));
    config.poll = Duration::from_millis(args.poll_ms.max(10));
    tracing::info!(worker = %config.id, "rampart-worker running");
    app.run_worker(config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}
