//! `rampart`: verify evidence assertions against a source tree, offline
//! (`verify`, `check`) or for a Rampart server (`run`), and audit exported
//! packages offline (`audit`).
//!
//! Exit codes (per command in `--help`):
//!   0  success
//!   1  an assertion failed (or: insufficient evidence, a failed audit)
//!   2  the command itself was wrong: bad arguments or input
//!   3  `run`: the server was unreachable or refused; `audit`: not fully verified
//!   4  `audit`: no key pinned, so the signers are unverified
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
        #[command(flatten)]
        verifier: VerifierArgs,
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
        #[command(flatten)]
        verifier: VerifierArgs,
    },
    /// Pull the assertions due for this repository from a Rampart server, verify, sign and submit.
    #[command(after_help = run::EXIT_CODES)]
    Run(run::RunArgs),
    /// Verify an exported audit package offline and re-derive every status.
    #[command(after_help = audit::EXIT_CODES)]
    Audit {
        package: PathBuf,
        /// Fingerprint of a key to trust (repeatable). Without one the package's own keys only detect
        /// tampering, and the verdict is at best UNVERIFIED SIGNERS (exit 4).
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

/// Help of `--allow-test-execution`, the same on every command that verifies.
pub(crate) const ALLOW_TEST_EXECUTION_SHORT: &str =
    "Run the project's own tests for `test_passes` (off by default: it executes project code)";
pub(crate) const ALLOW_TEST_EXECUTION: &str = "Run the project's own tests for `test_passes` assertions (pytest \
or unittest, npm test, cargo test or go test, chosen from the project's files). Off by default, since it executes \
code from the tree under verification; without it `test_passes` is skipped. A pass needs the selected tests to have \
run: a pattern that selects none fails. The tests run as one process group, killed whole after 300 s.";

/// How the verifier runs: whether it may execute the project's tests, and
/// what `test_attested` checks attestations against.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct VerifierArgs {
    #[arg(long, help = ALLOW_TEST_EXECUTION_SHORT, long_help = ALLOW_TEST_EXECUTION)]
    pub(crate) allow_test_execution: bool,
    /// The commit under verification (default: `git rev-parse HEAD` in the project root).
    #[arg(long)]
    pub(crate) commit: Option<String>,
    /// A PEM public key whose signed test attestations count (repeatable).
    #[arg(long = "attestation-key", value_name = "PEM_FILE")]
    pub(crate) attestation_keys: Vec<PathBuf>,
}

impl VerifierArgs {
    /// Verifier options for `root`: test execution, the commit and the trusted keys.
    pub(crate) fn options(&self, root: &Path, extra_keys: Vec<Vec<u8>>) -> Result<VerifyOptions, String> {
        let mut keys = extra_keys;
        for path in &self.attestation_keys {
            let pem =
                std::fs::read_to_string(path).map_err(|e| format!("--attestation-key {}: {e}", path.display()))?;
            let key = rampart_attest::PublicKey::from_pem(&pem)
                .map_err(|e| format!("--attestation-key {}: {e}", path.display()))?;
            keys.push(key.spki_der());
        }
        Ok(VerifyOptions {
            allow_test_execution: self.allow_test_execution,
            commit: ci::commit(self.commit.as_deref(), root),
            trusted_keys: keys,
            ..VerifyOptions::default()
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RunOutput {
    Text,
    Json,
}

fn run(
    assertions: Vec<Assertion>,
    root: &Path,
    output: Output,
    strict: bool,
    verifier_args: &VerifierArgs,
) -> ExitCode {
    let options = match verifier_args.options(root, Vec::new()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("rampart: {e}");
            return ExitCode::from(2);
        }
    };
    let verifier = match Verifier::new(root, options) {
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
        Command::Verify { assertion_type, params, project_root, output, strict, verifier } => {
            match input::from_params(&assertion_type, &params) {
                Ok(a) => run(vec![a], &project_root, output, strict, &verifier),
                Err(message) => {
                    eprintln!("rampart verify: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check { file, project_root, output, strict, verifier } => match input::from_file(&file) {
            Ok(assertions) => run(assertions, &project_root, output, strict, &verifier),
            Err(message) => {
                eprintln!("rampart check: {message}");
                ExitCode::from(2)
            }
        },
        Command::Run(args) => run::start(args),
        Command::Audit { package, trusted_keys, allow_unsigned, output } => {
            audit::run(&package, trusted_keys, allow_unsigned, output == RunOutput::Json)
        }
        Command::Keygen { out } => keygen::run(&out),
    }
}
