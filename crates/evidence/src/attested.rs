//! `test_attested`: a test-result attestation for the commit under
//! verification records the named test as passed.
//!
//! The attestation is evidence only if it is signed by a trusted key (or the
//! caller explicitly accepts unsigned ones and trusts no key), is about this
//! very commit, and is internally coherent: totals that agree with the
//! listed tests, at least one pass. Required environment values must be the
//! ones recorded, and a named mechanism must exist in the source, so the
//! claim ties the passing test to code that is still there.

use std::path::Path;

use rampart_assurance::Assertion;
use serde_json::{Map, Value};

use crate::attestation::{Provenance, TestResultPredicate, open};
use crate::path::{PathProblem, resolve};
use crate::verdict::{Outcome, Verdict, sha256_hex};
use crate::verifier::Cx;

/// Where attestations live, relative to the project root.
pub(crate) const ATTESTATION_DIR: &str = ".rampart/attestations";

/// At most this many attestation files are read.
const MAX_ATTESTATIONS: usize = 1_000;

/// How many rejected attestations the details explain.
const SHOWN: usize = 3;

pub(crate) fn test_attested(cx: &Cx<'_>) -> Verdict {
    run(cx).unwrap_or_else(|v| v)
}

fn run(cx: &Cx<'_>) -> Result<Verdict, Verdict> {
    let test = cx.req("test")?.trim();
    let Some(commit) = cx.v.options.commit.as_deref().map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(
            cx.fail("no commit to check attestations against: the caller must give the commit under verification")
        );
    };
    let env = env_param(cx);
    let files = attestation_files(cx)?;
    let mut rejected = Vec::new();
    for rel in &files {
        let f = cx.file(rel)?;
        let opened = open(&f.bytes, &cx.v.options.trusted_keys, cx.v.options.allow_unsigned_attestations);
        let judged = opened.and_then(|(statement, provenance)| {
            judge(&statement.predicate, test, commit, &env).map(|totals| (provenance, totals))
        });
        match judged {
            Ok((provenance, totals)) => {
                let by = match provenance {
                    Provenance::Signed(key) => format!("signed by {key}"),
                    Provenance::Unsigned => "unsigned, accepted by configuration".to_owned(),
                };
                let mut evidence = f.sha256();
                let mut details = format!("`{test}` passed at commit {commit} in `{rel}` ({by}; {totals})");
                if let Some(mechanism) = cx.str("mechanism") {
                    let m = mechanism_check(cx, mechanism);
                    if m.outcome != Outcome::Pass {
                        return Ok(cx
                            .fail(format!("{details}, but the mechanism `{mechanism}`: {}", m.details))
                            .with_file(rel));
                    }
                    details.push_str(&format!("; mechanism: {}", m.details));
                    evidence = sha256_hex(format!("{evidence}\n{}", m.evidence_hash.unwrap_or_default()).as_bytes());
                }
                return Ok(cx.pass(details).with_file(rel).with_hash(evidence));
            }
            Err(why) => rejected.push(format!("`{rel}`: {why}")),
        }
    }
    if rejected.is_empty() {
        return Ok(cx.fail(format!("no attestation in `{ATTESTATION_DIR}`")));
    }
    let more = if rejected.len() > SHOWN { format!(" (and {} more)", rejected.len() - SHOWN) } else { String::new() };
    Ok(cx.fail(format!(
        "no attestation proves `{test}` passed at commit {commit}: {}{more}",
        rejected.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("; ")
    )))
}

/// The `env` parameter: name → required value (`None`: must be unset).
fn env_param(cx: &Cx<'_>) -> Vec<(String, Option<String>)> {
    let map = match cx.a.params.get("env") {
        Some(Value::Object(m)) => m.clone(),
        Some(Value::String(s)) => serde_json::from_str::<Map<String, Value>>(s).unwrap_or_default(),
        _ => Map::new(),
    };
    map.into_iter().map(|(k, v)| (k, v.as_str().map(str::to_owned))).collect()
}

/// The `.json` files of the attestation directory, sorted; the directory
/// itself goes through the same confinement as every path.
fn attestation_files(cx: &Cx<'_>) -> Result<Vec<String>, Verdict> {
    let dir = match resolve(cx.v.root(), ATTESTATION_DIR) {
        Ok(d) => d,
        Err(PathProblem::NotFound) => {
            return Err(cx.fail(format!("no attestations: `{ATTESTATION_DIR}` does not exist")));
        }
        Err(p) => return Err(cx.fail(p.describe(ATTESTATION_DIR))),
    };
    let entries =
        std::fs::read_dir(&dir).map_err(|e| Verdict::error(cx.ty, format!("cannot list `{ATTESTATION_DIR}`: {e}")))?;
    let mut files: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| Path::new(n).extension().is_some_and(|x| x == "json"))
        .map(|n| format!("{ATTESTATION_DIR}/{n}"))
        .collect();
    files.sort();
    if files.len() > MAX_ATTESTATIONS {
        return Err(cx.fail(format!("more than {MAX_ATTESTATIONS} files in `{ATTESTATION_DIR}`; refused")));
    }
    Ok(files)
}

/// Whether one run proves the test passed at this commit; the totals in
/// words if so.
fn judge(
    p: &TestResultPredicate,
    test: &str,
    commit: &str,
    env: &[(String, Option<String>)],
) -> Result<String, String> {
    if !p.commit.trim().eq_ignore_ascii_case(commit) {
        return Err(format!("it is for commit {}, not {commit}", p.commit));
    }
    let count = |status: &str| p.tests.iter().filter(|t| t.status == status).count() as u64;
    if let Some(odd) = p.tests.iter().find(|t| !matches!(t.status.as_str(), "passed" | "failed" | "skipped")) {
        return Err(format!("test `{}` has an unknown status `{}`", odd.id, odd.status));
    }
    let t = p.totals;
    if t.passed != count("passed") || t.failed != count("failed") || t.skipped != count("skipped") {
        return Err(format!(
            "its totals ({} passed, {} failed, {} skipped) disagree with the {} listed tests",
            t.passed,
            t.failed,
            t.skipped,
            p.tests.len()
        ));
    }
    if t.passed == 0 {
        return Err("no test passed in that run".to_owned());
    }
    let named: Vec<_> = p.tests.iter().filter(|c| c.id == test || c.name == test).collect();
    if named.is_empty() {
        return Err(format!("`{test}` is not among its {} tests", p.tests.len()));
    }
    // A test listed twice (a retry) counts only if no listing failed.
    if let Some(bad) = named.iter().find(|c| c.status != "passed") {
        return Err(format!("`{test}` {}", bad.status));
    }
    for (name, want) in env {
        match (want, p.environment.get(name)) {
            (Some(w), Some(got)) if got == w => {}
            (Some(w), Some(got)) => return Err(format!("environment `{name}` was `{got}`, required `{w}`")),
            (Some(w), None) => return Err(format!("environment `{name}` was not recorded, required `{w}`")),
            (None, Some(got)) => return Err(format!("environment `{name}` was `{got}`, required unset")),
            (None, None) => {}
        }
    }
    Ok(format!("{} passed, {} failed, {} skipped", t.passed, t.failed, t.skipped))
}

/// `<file>::<symbol>` is a function (or method) that must exist;
/// `<file>::class:<name>` a type; `<file>::function:<name>` explicit.
fn mechanism_check(cx: &Cx<'_>, mechanism: &str) -> Verdict {
    let Some((file, symbol)) = mechanism.split_once("::") else {
        return cx.fail("mechanism must be `<file>::<symbol>`");
    };
    let (ty, name) = match symbol.split_once(':') {
        Some(("class", n)) => ("class_exists", n),
        Some(("function" | "method", n)) => ("function_exists", n),
        _ => ("function_exists", symbol),
    };
    let mut params = Map::new();
    params.insert("file".to_owned(), Value::String(file.to_owned()));
    params.insert("name".to_owned(), Value::String(name.to_owned()));
    let probe =
        Assertion { id: None, assertion_type: ty.to_owned(), params, description: format!("mechanism of {}", cx.ty) };
    cx.v.verify(&probe)
}
