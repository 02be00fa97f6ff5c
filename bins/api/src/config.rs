//! Settings: flags, then environment variables, then an optional TOML file,
//! then the defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use serde::Deserialize;

#[derive(Debug, Parser)]
#[command(name = "rampart-api", version, about = "The Rampart server (REST API under /api/v1)")]
pub(crate) struct Args {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "RAMPART_BIND")]
    bind: Option<SocketAddr>,
    /// Database: a SQLite path (or sqlite://PATH) or a postgres:// URL [default: ./rampart.db]
    #[arg(long, env = "RAMPART_DATABASE_URL", global = true)]
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
    /// Most entities of one kind in a model, soft-deleted ones included [default: 1000]
    #[arg(long, env = "RAMPART_MAX_ENTITIES_PER_KIND")]
    max_entities_per_kind: Option<usize>,
    /// Most control objectives in a model (assets × attackers) [default: 10000]
    #[arg(long, env = "RAMPART_MAX_OBJECTIVES_PER_MODEL")]
    max_objectives_per_model: Option<usize>,
    /// Most live assertions on one control or assumption [default: 200]
    #[arg(long, env = "RAMPART_MAX_ASSERTIONS_PER_SUBJECT")]
    max_assertions_per_subject: Option<usize>,
    /// A TOML file with any of: bind, database_url, pool_size, admin_email, embedded_worker, llm_base_url, llm_model,
    /// daily_ai_limit, max_entities_per_kind, max_objectives_per_model, max_assertions_per_subject
    #[arg(long, env = "RAMPART_CONFIG", global = true)]
    config: Option<PathBuf>,
}

/// What to do instead of serving.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Operator commands, run on the server's host against its database.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum AdminCommand {
    /// Mint a new owner key for a user (a lost first key): for their personal workspace, or for a workspace they
    /// own. The key is printed once.
    MintKey {
        /// The user's email.
        #[arg(long)]
        email: String,
        /// A workspace the user owns [default: their personal workspace].
        #[arg(long)]
        workspace: Option<String>,
        /// A name to recognise the key by.
        #[arg(long, default_value = "minted by an operator")]
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EmbeddedWorker {
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
    max_entities_per_kind: Option<usize>,
    max_objectives_per_model: Option<usize>,
    max_assertions_per_subject: Option<usize>,
}

pub(crate) struct Config {
    pub(crate) bind: SocketAddr,
    pub(crate) database_url: String,
    pub(crate) pool_size: u32,
    pub(crate) admin_email: String,
    pub(crate) embedded_worker: EmbeddedWorker,
    pub(crate) llm: rampart_app::LlmSettings,
    pub(crate) daily_ai_limit: u32,
    pub(crate) limits: rampart_app::Limits,
}

pub(crate) fn config(args: Args) -> anyhow::Result<Config> {
    let file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            toml::from_str::<FileConfig>(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => FileConfig::default(),
    };
    let limits = limits(&args, &file)?;
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
        limits,
    })
}

/// The size limits: each at least 1.
fn limits(args: &Args, file: &FileConfig) -> anyhow::Result<rampart_app::Limits> {
    let defaults = rampart_app::Limits::default();
    let pick = |name: &str, flag: Option<usize>, file: Option<usize>, default: usize| match flag.or(file) {
        Some(0) => anyhow::bail!("{name} must be at least 1"),
        Some(n) => Ok(n),
        None => Ok(default),
    };
    Ok(rampart_app::Limits {
        model: rampart_app::ModelLimits {
            entities_per_kind: pick(
                "max_entities_per_kind",
                args.max_entities_per_kind,
                file.max_entities_per_kind,
                defaults.model.entities_per_kind,
            )?,
            objectives_per_model: pick(
                "max_objectives_per_model",
                args.max_objectives_per_model,
                file.max_objectives_per_model,
                defaults.model.objectives_per_model,
            )?,
        },
        assertions_per_subject: pick(
            "max_assertions_per_subject",
            args.max_assertions_per_subject,
            file.max_assertions_per_subject,
            defaults.assertions_per_subject,
        )?,
    })
}

/// Where the URL points, without any password it may carry.
pub(crate) fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
