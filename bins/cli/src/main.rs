//! `rampart`: verify evidence assertions against a source tree, offline
//! (`verify`, `check`) or for a Rampart server (`run`), and audit exported
//! packages offline (`audit`).
//!
//! Exit codes (per command in `--help`):
//!   0  success
//!   1  an assertion failed (or: insufficient evidence, a failed audit)
//!   2  the command itself was wrong: bad arguments or input
//!   3  `run`: the server was unreachable or refused; `audit`: not fully verified
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod audit;
mod ci;
mod input;
mod keygen;
mod report;
mod run;
mod server;
mod tier2;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rampart_assurance::Assertion;
use rampart_evidence::{Verifier, VerifyOptions};

const EXIT_CODES: &str = "Exit codes: 0 all passed (skipped allowed unless --strict); 1 an assertion failed, could not be \
verified, or was skipped under --strict; 2 bad arguments or input (unreadable or malformed file, missing project root).";

#[derive(Debug, Parser)]
#[command(
    name = "rampart",
    version,
    about = "Verify evidence assertions against a source tree, submit signed results, audit exported packages",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    /// One line per assertion and a summary.
    Text,
    /// `{passed, failed, skipped, total, results: [...]}`.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify one assertion: `rampart verify function_exists -p file=upload.py -p name=scan_upload`
    #[command(after_help = EXIT_CODES)]
    Verify {
        /// The assertion type.
        assertion_type: String,
        /// A parameter, `key=value` (repeatable). JSON arrays and objects go in as JSON text.
        #[arg(short = 'p', long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        #[arg(long, default_value = ".")]
        project_root: PathBuf,
        #[arg(long, value_enum, default_value_t = Output::Text)]
        output: Output,
        /// Fail (instead of skip) on a type this version does not know.
        #[arg(long)]
        strict: bool,
    },
    /// Verify a file of assertions (a JSON array of `{type, params, description, id?}`).
    #[command(after_help = EXIT_CODES)]
    Check {
        file: PathBuf,
        #[arg(long, default_value = ".")]
        project_root: PathBuf,
        #[arg(long, value_enum, default_value_t = Output::Text)]
        output: Output,
        /// Fail (instead of skip) on a type this version does not know.
        #[arg(long)]
        strict: bool,
    },
    /// Pull the assertions due for this repository from a Rampart server, verify, sign and submit.
    #[command(after_help = run::EXIT_CODES)]
    Run {
        /// The server, e.g. `https://rampart.example.com`.
        #[arg(long, env = "RAMPART_SERVER")]
        server: String,
        /// The API key (prefer the environment variable).
        #[arg(long, env = "RAMPART_API_KEY", hide_env_values = true)]
        api_key: String,
        /// The model whose assertions to verify.
        #[arg(long, env = "RAMPART_MODEL")]
        model: String,
        /// This repository (`owner/name` or URL); default from CI variables or `git remote`.
        #[arg(long)]
        repo: Option<String>,
        /// The commit verified; default from CI variables or `git rev-parse HEAD`.
        #[arg(long)]
        commit: Option<String>,
        #[arg(long, default_value = ".")]
        project_root: PathBuf,
        /// PEM PKCS#8 P-256 private key to sign the results with (see `rampart keygen`).
        #[arg(long, env = "RAMPART_SIGNING_KEY_FILE")]
        signing_key: Option<PathBuf>,
        /// Verify and print, but submit nothing.
        #[arg(long)]
        dry_run: bool,
        /// Only assertions reading these files (one path per line; `-` for stdin).
        #[arg(long)]
        changed_files: Option<PathBuf>,
        /// Worker threads for tier 1 (default: one per core).
        #[arg(long)]
        concurrency: Option<usize>,
        /// Re-verify every assertion, not only those due.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = RunOutput::Text)]
        output: RunOutput,
        /// Tier 2: an OpenAI-compatible API base (`https://api.openai.com/v1`, `http://localhost:11434/v1`).
        #[arg(long, env = "RAMPART_LLM_BASE_URL")]
        llm_base_url: Option<String>,
        /// Tier 2: the model name.
        #[arg(long, env = "RAMPART_LLM_MODEL")]
        llm_model: Option<String>,
        /// Tier 2: the API key (prefer the environment variable).
        #[arg(long, env = "RAMPART_LLM_API_KEY", hide_env_values = true)]
        llm_api_key: Option<String>,
        /// Tier 2: votes per assertion; it passes only if every vote is YES.
        #[arg(long, default_value_t = 1)]
        votes: u32,
        /// Tier 2: seconds per LLM request.
        #[arg(long, default_value_t = 120)]
        llm_timeout: u64,
        /// Tier 2: a file of cached verdicts (by evidence hash), read and updated.
        #[arg(long)]
        tier2_cache: Option<PathBuf>,
    },
    /// Verify an exported audit package offline and re-derive every status.
    #[command(after_help = audit::EXIT_CODES)]
    Audit {
        package: PathBuf,
        /// Fingerprint of a key to trust (repeatable); without one, the package's own keys are trusted.
        #[arg(long = "trusted-key", value_name = "FINGERPRINT")]
        trusted_keys: Vec<String>,
        /// Count unsigned runs too.
        #[arg(long)]
        allow_unsigned: bool,
        #[arg(long, value_enum, default_value_t = RunOutput::Text)]
        output: RunOutput,
    },
    /// Create a P-256 key pair for signing results; prints the public key and its fingerprint.
    Keygen {
        /// Where to write the private key (created, mode 0600; never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RunOutput {
    Text,
    Json,
}

fn run(assertions: Vec<Assertion>, root: &Path, output: Output, strict: bool) -> ExitCode {
    let verifier = match Verifier::new(root, VerifyOptions::default()) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("rampart: project root {}: {e}", root.display());
            return ExitCode::from(2);
        }
    };
    let verdicts = verifier.verify_all(&assertions);
    let rows = report::rows(&assertions, verdicts, strict);
    print!("{}", report::render(&rows, output));
    if rows.iter().all(|r| r.counts_as_success()) { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Verify { assertion_type, params, project_root, output, strict } => {
            match input::from_params(&assertion_type, &params) {
                Ok(a) => run(vec![a], &project_root, output, strict),
                Err(message) => {
                    eprintln!("rampart verify: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check { file, project_root, output, strict } => match input::from_file(&file) {
            Ok(assertions) => run(assertions, &project_root, output, strict),
            Err(message) => {
                eprintln!("rampart check: {message}");
                ExitCode::from(2)
            }
        },
        Command::Run {
            server,
            api_key,
            model,
            repo,
            commit,
            project_root,
            signing_key,
            dry_run,
            changed_files,
            concurrency,
            all,
            output,
            llm_base_url,
            llm_model,
            llm_api_key,
            votes,
            llm_timeout,
            tier2_cache,
        } => {
            let tier2 = match (llm_base_url, llm_model) {
                (None, _) => None,
                (Some(_), None) => {
                    eprintln!("rampart run: --llm-base-url needs --llm-model");
                    return ExitCode::from(2);
                }
                (Some(base_url), Some(model)) => match tier2::Tier2::new(tier2::JudgeConfig {
                    base_url,
                    model,
                    api_key: llm_api_key,
                    votes,
                    cache_file: tier2_cache,
                    timeout: std::time::Duration::from_secs(llm_timeout.max(1)),
                    concurrency: concurrency.unwrap_or(4),
                }) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        eprintln!("rampart run: {e}");
                        return ExitCode::from(2);
                    }
                },
            };
            let args = run::RunArgs {
                server,
                api_key,
                model,
                repo,
                commit,
                project_root,
                signing_key,
                dry_run,
                changed_files,
                concurrency,
                all,
                json: output == RunOutput::Json,
                tier2,
            };
            // Only `run` talks to the network: the runtime starts here, so the
            // offline commands start in milliseconds.
            match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt.block_on(run::run(args)),
                Err(e) => {
                    eprintln!("rampart run: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Audit { package, trusted_keys, allow_unsigned, output } => {
            audit::run(&package, trusted_keys, allow_unsigned, output == RunOutput::Json)
        }
        Command::Keygen { out } => keygen::run(&out),
    }
}
