//! `rampart run`: pull the assertions due for this repository from a Rampart
//! server, verify them (tier 1, then tier 2 when a judge is configured),
//! sign the results and submit them, then show what the server made of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rampart_assurance::{Assertion, AssertionType, ParamKind};
use rampart_attest::{ResultEntry, RunPredicate, SigningKey, sign_statement, statement};
use rampart_evidence::{Outcome, Verdict, Verifier};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::ci;
use crate::report::escape::one_line;
use crate::server::{CallError, Server};
use crate::tier2::{JudgeConfig, Tier2};

/// Exit codes of `run`.
pub(crate) const EXIT_CODES: &str = "Exit codes: 0 every verified assertion passed and no control is insufficient; \
1 an assertion failed or a control's evidence is insufficient; 2 bad arguments or configuration (missing key, \
unreadable signing key or changed-files list, bad project root); 3 the server was unreachable or refused the run.";

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Pulled {
    pub id: String,
    pub subject_id: String,
    #[serde(rename = "type")]
    pub assertion_type: String,
    #[serde(default)]
    pub params: Map<String, Value>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
struct Pending {
    model_id: String,
    controls: BTreeMap<String, Vec<Pulled>>,
    assumptions: BTreeMap<String, Vec<Pulled>>,
}

/// The flags of `rampart run`.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// The server, e.g. `https://rampart.example.com`.
    #[arg(long, env = "RAMPART_SERVER")]
    pub server: String,
    /// The API key (prefer the environment variable).
    #[arg(long, env = "RAMPART_API_KEY", hide_env_values = true)]
    pub api_key: String,
    /// The model whose assertions to verify.
    #[arg(long, env = "RAMPART_MODEL")]
    pub model: String,
    /// This repository (`owner/name` or URL); default from CI variables or `git remote`.
    #[arg(long)]
    pub repo: Option<String>,
    /// The commit verified; default from CI variables or `git rev-parse HEAD`.
    #[arg(long)]
    pub commit: Option<String>,
    /// Also trust test attestations signed by this PEM public key (repeatable); the workspace's
    /// registered signing keys are always trusted.
    #[arg(long = "attestation-key", value_name = "PEM_FILE")]
    pub attestation_keys: Vec<PathBuf>,
    #[arg(long, help = crate::ALLOW_TEST_EXECUTION_SHORT, long_help = crate::ALLOW_TEST_EXECUTION)]
    pub allow_test_execution: bool,
    #[arg(long, default_value = ".")]
    pub project_root: PathBuf,
    /// PEM PKCS#8 P-256 private key to sign the results with (see `rampart keygen`).
    #[arg(long, env = "RAMPART_SIGNING_KEY_FILE")]
    pub signing_key: Option<PathBuf>,
    /// Verify and print, but submit nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only assertions reading these files (one path per line; `-` for stdin).
    #[arg(long)]
    pub changed_files: Option<PathBuf>,
    /// Worker threads for tier 1 (default: one per core).
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Re-verify every assertion, not only those due.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t = crate::RunOutput::Text)]
    pub output: crate::RunOutput,
    /// Tier 2: an OpenAI-compatible API base (`https://api.openai.com/v1`, `http://localhost:11434/v1`).
    #[arg(long, env = "RAMPART_LLM_BASE_URL")]
    pub llm_base_url: Option<String>,
    /// Tier 2: the model name.
    #[arg(long, env = "RAMPART_LLM_MODEL")]
    pub llm_model: Option<String>,
    /// Tier 2: the API key (prefer the environment variable).
    #[arg(long, env = "RAMPART_LLM_API_KEY", hide_env_values = true)]
    pub llm_api_key: Option<String>,
    /// Tier 2: votes per assertion; it passes only if every vote is YES.
    #[arg(long, default_value_t = 1)]
    pub votes: u32,
    /// Tier 2: seconds per LLM request.
    #[arg(long, default_value_t = 120)]
    pub llm_timeout: u64,
    /// Tier 2: a file of cached verdicts (by evidence hash), read and updated.
    #[arg(long)]
    pub tier2_cache: Option<PathBuf>,
}

/// One assertion's outcome on this run.
#[derive(Debug, Clone)]
pub(crate) struct Outcomes {
    pub pulled: Pulled,
    pub verdict: Verdict,
    pub tier2: String,
    pub tier2_details: Option<String>,
    pub tier2_reviewer: Option<String>,
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Skipped => "skipped",
        Outcome::Error => "error",
    }
}

/// Reads a changed-files list (one path per line; `-` = stdin).
fn read_changed(path: &Path) -> Result<BTreeSet<String>, String> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("--changed-files -: {e}"))?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("--changed-files {}: {e}", path.display()))?
    };
    Ok(text.lines().map(|l| l.trim().trim_start_matches("./").to_owned()).filter(|l| !l.is_empty()).collect())
}

/// Whether an assertion reads any changed file. An assertion with no path
/// parameter (its locality unknown) is always verified.
fn touches(p: &Pulled, changed: &BTreeSet<String>) -> bool {
    let Some(kind) = AssertionType::from_name(&p.assertion_type) else { return true };
    let mut has_path = false;
    for spec in kind.spec().params {
        let Some(value) = p.params.get(spec.name) else { continue };
        match spec.kind {
            ParamKind::Path => {
                has_path = true;
                if value.as_str().is_some_and(|v| changed.contains(v.trim_start_matches("./"))) {
                    return true;
                }
            }
            ParamKind::Glob | ParamKind::PathList => {
                has_path = true;
                let patterns: Vec<String> = match value {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect(),
                    _ => Vec::new(),
                };
                for pattern in patterns {
                    let Ok(glob) = globset::Glob::new(&pattern) else { return true };
                    let matcher = glob.compile_matcher();
                    if changed.iter().any(|c| matcher.is_match(c) || c.starts_with(pattern.trim_end_matches('/'))) {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    !has_path
}

fn verify(verifier: &Verifier, pulled: &[Pulled], interactive: bool) -> Vec<Verdict> {
    let bar = crate::ci::progress(pulled.len(), "tier 1", interactive);
    let verdicts = pulled
        .par_iter()
        .map(|p| {
            let assertion = Assertion {
                id: Some(p.id.clone()),
                assertion_type: p.assertion_type.clone(),
                params: p.params.clone(),
                description: p.description.clone(),
            };
            let v = verifier.verify(&assertion);
            bar.inc(1);
            v
        })
        .collect();
    bar.finish_and_clear();
    verdicts
}

/// The claim a result is bound to, hashed from what was verified (subject,
/// type, parameters, description). Never the hash the server sent: it could
/// name another claim than the parameters this run checked.
fn verified_claim(p: &Pulled) -> String {
    rampart_assurance::claim_hash(&p.subject_id, &p.assertion_type, &p.params, &p.description)
}

fn entry(o: &Outcomes) -> ResultEntry {
    ResultEntry {
        assertion_id: o.pulled.id.clone(),
        assertion_type: o.pulled.assertion_type.clone(),
        tier1: outcome_word(o.verdict.outcome).to_owned(),
        tier2: o.tier2.clone(),
        evidence_hash: o.verdict.evidence_hash.as_ref().map(|h| format!("sha256:{h}")),
        claim_hash: Some(verified_claim(&o.pulled)),
        tier1_details: Some(o.verdict.details.clone()),
        tier2_details: o.tier2_details.clone(),
        tier2_reviewer: o.tier2_reviewer.clone(),
        file: o.verdict.file.clone(),
        line: o.verdict.line,
    }
}

fn new_run_id() -> String {
    let mut bytes = [0u8; 16];
    // A run id only needs to be unique; if the OS refuses randomness the
    // clock still makes it so for one runner.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes = nanos.to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("rampart run: {message}");
    ExitCode::from(code)
}

fn refused(e: &CallError) -> ExitCode {
    fail(3, &e.to_string())
}

/// Builds the judge, starts the async runtime (only `run` talks to the
/// network, so the offline commands start in milliseconds) and runs.
pub(crate) fn start(args: RunArgs) -> ExitCode {
    let tier2 = match (&args.llm_base_url, &args.llm_model) {
        (None, _) => None,
        (Some(_), None) => return fail(2, "--llm-base-url needs --llm-model"),
        (Some(base_url), Some(model)) => match Tier2::new(JudgeConfig {
            base_url: base_url.clone(),
            model: model.clone(),
            api_key: args.llm_api_key.clone(),
            votes: args.votes,
            cache_file: args.tier2_cache.clone(),
            timeout: std::time::Duration::from_secs(args.llm_timeout.max(1)),
            concurrency: args.concurrency.unwrap_or(4),
        }) {
            Ok(t) => Some(t),
            Err(e) => return fail(2, &e),
        },
    };
    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt.block_on(run(args, tier2)),
        Err(e) => fail(2, &e.to_string()),
    }
}

/// Runs the whole flow.
async fn run(args: RunArgs, tier2: Option<Tier2>) -> ExitCode {
    let json = args.output == crate::RunOutput::Json;
    let server = match Server::new(&args.server, &args.api_key) {
        Ok(s) => s,
        Err(e) => return fail(2, &e),
    };
    let key = match &args.signing_key {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|pem| SigningKey::from_pem(&pem).map_err(|e| e.to_string()))
        {
            Ok(k) => Some(k),
            Err(e) => return fail(2, &format!("--signing-key {}: {e}", path.display())),
        },
        None => None,
    };
    let changed = match &args.changed_files {
        Some(p) => match read_changed(p) {
            Ok(c) => Some(c),
            Err(e) => return fail(2, &e),
        },
        None => None,
    };
    // Test attestations count when signed by a key the workspace registered.
    let registered: Vec<Value> = match server.get("/signing-keys").await {
        Ok(keys) => keys,
        Err(e) => return refused(&e),
    };
    let workspace_keys: Vec<Vec<u8>> = registered
        .iter()
        .filter(|k| k.get("revoked_at").is_none_or(Value::is_null))
        .filter_map(|k| rampart_attest::PublicKey::from_pem(k["public_key_pem"].as_str()?).ok())
        .map(|k| k.spki_der())
        .collect();
    let verifier_args = crate::VerifierArgs {
        allow_test_execution: args.allow_test_execution,
        commit: args.commit.clone(),
        attestation_keys: args.attestation_keys.clone(),
    };
    let options = match verifier_args.options(&args.project_root, workspace_keys) {
        Ok(o) => o,
        Err(e) => return fail(2, &e),
    };
    let verifier = match Verifier::new(&args.project_root, options) {
        Ok(v) => v,
        Err(e) => return fail(2, &format!("project root {}: {e}", args.project_root.display())),
    };
    let repository = ci::repository(args.repo.as_deref(), &args.project_root);
    let mut query = format!("/models/{}/verification/pending?all={}", args.model, args.all);
    if let Some(r) = &repository {
        query.push_str(&format!("&repo={}", url_encode(r)));
    }
    let pending: Pending = match server.get(&query).await {
        Ok(p) => p,
        Err(e) => return refused(&e),
    };
    let mut pulled: Vec<Pulled> =
        pending.controls.into_values().chain(pending.assumptions.into_values()).flatten().collect();
    pulled.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(changed) = &changed {
        pulled.retain(|p| touches(p, changed));
    }
    if pulled.is_empty() {
        if json {
            println!("{}", json!({"model_id": pending.model_id, "verified": 0, "submitted": false}));
        } else {
            println!("[{}] nothing to verify", pending.model_id);
        }
        return ExitCode::SUCCESS;
    }

    let interactive = ci::interactive() && !json;
    let verdicts = match args.concurrency {
        Some(n) => match rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build() {
            Ok(pool) => pool.install(|| verify(&verifier, &pulled, interactive)),
            Err(e) => return fail(2, &format!("--concurrency: {e}")),
        },
        None => verify(&verifier, &pulled, interactive),
    };
    let mut outcomes: Vec<Outcomes> = pulled
        .into_iter()
        .zip(verdicts)
        .map(|(pulled, verdict)| Outcomes {
            pulled,
            verdict,
            tier2: "skipped".to_owned(),
            tier2_details: None,
            tier2_reviewer: None,
        })
        .collect();
    if let Some(judge) = &tier2 {
        judge.judge_all(&verifier, &mut outcomes, interactive).await;
    } else if !json {
        eprintln!(
            "rampart run: no tier-2 judge configured (--llm-base-url): controls cannot become verified without tier 2"
        );
    }

    let results: Vec<ResultEntry> = outcomes.iter().map(entry).collect();
    let predicate = RunPredicate {
        run_id: new_run_id(),
        model_id: pending.model_id.clone(),
        repository: repository.clone().unwrap_or_default(),
        commit: ci::commit(args.commit.as_deref(), &args.project_root).unwrap_or_default(),
        created_at: chrono::Utc::now().to_rfc3339(),
        results,
    };
    let results_hash = rampart_attest::results_hash(&predicate.results);
    let failed = outcomes.iter().filter(|o| o.verdict.outcome == Outcome::Fail || o.tier2 == "fail").count();

    let mut submission = Value::Null;
    let mut report = Value::Null;
    if !args.dry_run {
        let body = match &key {
            Some(k) => match sign_statement(&statement(predicate.clone()), k) {
                Ok(envelope) => json!({"envelope": envelope, "pipeline": ci::pipeline()}),
                Err(e) => return fail(2, &format!("signing failed: {e}")),
            },
            None => json!({"run": predicate, "pipeline": ci::pipeline()}),
        };
        submission = match server.post(&format!("/models/{}/verification/runs", args.model), &body).await {
            Ok(s) => s,
            Err(e) => return refused(&e),
        };
        report = match server.get(&format!("/models/{}/verification/report", args.model)).await {
            Ok(r) => r,
            Err(e) => return refused(&e),
        };
    }
    let insufficient: Vec<&Value> = report["controls"]
        .as_array()
        .map(|cs| cs.iter().filter(|c| c["sufficiency"]["status"] == "insufficient").collect())
        .unwrap_or_default();

    if json {
        let details: Vec<Value> = outcomes
            .iter()
            .map(|o| {
                json!({"assertion_id": o.pulled.id, "subject_id": o.pulled.subject_id, "type": o.pulled.assertion_type,
                "tier1": outcome_word(o.verdict.outcome), "tier2": o.tier2, "details": o.verdict.details,
                "file": o.verdict.file, "line": o.verdict.line})
            })
            .collect();
        println!(
            "{}",
            json!({"model_id": pending.model_id, "run_id": predicate.run_id, "results_hash": results_hash,
                "signed": key.is_some(), "dry_run": args.dry_run, "failed": failed, "results": details,
                "submission": submission, "summary": report["summary"],
                "insufficient": insufficient.iter().map(|c| &c["control_id"]).collect::<Vec<_>>()})
        );
    } else {
        // What the server and the project hold reaches the CI log as one
        // line each, with no terminal control sequence.
        let prefix = format!("[{}]", one_line(&pending.model_id));
        for o in &outcomes {
            let place = o.verdict.file.as_deref().map(|f| match o.verdict.line {
                Some(l) => format!(" ({f}:{l})"),
                None => format!(" ({f})"),
            });
            println!(
                "{prefix} {} {:<8} tier1={:<7} tier2={:<7} {}",
                one_line(&o.pulled.subject_id),
                one_line(&o.pulled.id),
                outcome_word(o.verdict.outcome),
                one_line(&o.tier2),
                one_line(&format!("{}{}", o.verdict.details, place.unwrap_or_default()))
            );
        }
        for c in &insufficient {
            for gap in c["sufficiency"]["uncovered"].as_array().into_iter().flatten() {
                println!(
                    "{prefix} {} insufficient: \"{}\" — {}",
                    one_line(c["control_id"].as_str().unwrap_or("?")),
                    one_line(gap["clause"].as_str().unwrap_or_default()),
                    one_line(gap["suggestion"].as_str().unwrap_or_default())
                );
            }
        }
        let signed = if key.is_some() { "signed" } else { "unsigned" };
        if args.dry_run {
            println!(
                "{prefix} dry run: {} result(s), {failed} failed, not submitted; results {results_hash}",
                outcomes.len()
            );
        } else {
            println!(
                "{prefix} submitted run {} ({signed}, {} result(s), {failed} failed); controls: {} verified, {} partially verified, {} pending, {} unverified",
                predicate.run_id,
                outcomes.len(),
                report["summary"]["verified"],
                report["summary"]["partially_verified"],
                report["summary"]["pending"],
                report["summary"]["unverified"]
            );
        }
    }
    if failed > 0 || !insufficient.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use rampart_evidence::{Outcome, Verdict};
    use serde_json::json;

    use super::{Outcomes, Pulled, entry};

    fn outcomes(claim_hash: Option<&str>) -> Outcomes {
        let pulled: Pulled = serde_json::from_value(json!({
            "id": "EV1", "subject_id": "C1", "type": "function_exists",
            "params": {"file": "app/scan.py", "name": "scan_for_malware"}, "description": "the scanner exists",
            "claim_hash": claim_hash,
        }))
        .unwrap();
        let verdict = Verdict {
            passed: true,
            outcome: Outcome::Pass,
            details: "found".into(),
            file: None,
            line: None,
            evidence_hash: None,
            assertion_type: "function_exists".into(),
        };
        Outcomes { pulled, verdict, tier2: "skipped".into(), tier2_details: None, tier2_reviewer: None }
    }

    #[test]
    fn results_are_bound_to_the_claim_that_was_verified() {
        let verified = rampart_assurance::claim_hash(
            "C1",
            "function_exists",
            json!({"file": "app/scan.py", "name": "scan_for_malware"}).as_object().unwrap(),
            "the scanner exists",
        );
        // A server that names another claim, or none, does not change what is signed.
        for sent in [Some("sha256:another-claim"), None, Some(verified.as_str())] {
            assert_eq!(entry(&outcomes(sent)).claim_hash.as_deref(), Some(verified.as_str()), "{sent:?}");
        }
    }
}
