//! Rendering verdicts: text, JSON (the reference tool's keys), GitHub
//! annotations, SARIF 2.1.0, JUnit XML. Whatever a verdict holds (control
//! characters, markup, no file or line), each output stays valid for its
//! consumer.

pub(crate) mod escape;
mod github;
mod junit;
mod sarif;

use std::fmt::Write as _;

use rampart_assurance::Assertion;
use rampart_evidence::{Outcome, Verdict};
use serde_json::{Value, json};

use crate::Output;

/// One assertion with its verdict, as reported.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) assertion_type: String,
    pub(crate) description: String,
    pub(crate) verdict: Verdict,
}

impl Row {
    /// Passed, or skipped when skipping is allowed.
    pub(crate) fn counts_as_success(&self) -> bool {
        matches!(self.verdict.outcome, Outcome::Pass | Outcome::Skipped)
    }

    fn label(&self) -> &'static str {
        match self.verdict.outcome {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Skipped => "SKIP",
            Outcome::Error => "ERROR",
        }
    }
}

/// Pairs assertions with verdicts; under `strict`, a skip is a failure.
pub(crate) fn rows(assertions: &[Assertion], verdicts: Vec<Verdict>, strict: bool) -> Vec<Row> {
    assertions
        .iter()
        .zip(verdicts)
        .map(|(a, mut v)| {
            if strict && v.outcome == Outcome::Skipped {
                v.outcome = Outcome::Fail;
                v.details = format!("{} (--strict: skipped counts as failed)", v.details);
            }
            Row {
                id: a.id.clone().unwrap_or_default(),
                assertion_type: a.assertion_type.clone(),
                description: a.description.clone(),
                verdict: v,
            }
        })
        .collect()
}

fn count(rows: &[Row], outcome: Outcome) -> usize {
    rows.iter().filter(|r| r.verdict.outcome == outcome).count()
}

pub(crate) fn render(rows: &[Row], output: Output) -> String {
    match output {
        Output::Text => text(rows),
        Output::Json => format!("{}\n", serde_json::to_string_pretty(&json_report(rows)).unwrap_or_default()),
        Output::Github => github::github(rows),
        Output::Sarif => format!("{}\n", serde_json::to_string_pretty(&sarif::sarif(rows)).unwrap_or_default()),
        Output::Junit => junit::junit(rows),
    }
}

/// ` (file:line)`, ` (file)` or nothing.
fn location(v: &Verdict) -> String {
    match (v.file.as_deref().filter(|f| !f.is_empty()), v.line.filter(|l| *l >= 1)) {
        (Some(f), Some(l)) => format!(" ({f}:{l})"),
        (Some(f), None) => format!(" ({f})"),
        _ => String::new(),
    }
}

fn text(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        let _ = writeln!(
            out,
            "{:<5} {} {}: {}",
            r.label(),
            escape::one_line(&r.id),
            escape::one_line(&r.assertion_type),
            escape::one_line(&format!("{}{}", r.verdict.details, location(&r.verdict)))
        );
    }
    let failed = count(rows, Outcome::Fail) + count(rows, Outcome::Error);
    let _ = writeln!(
        out,
        "\n{} passed, {} failed, {} skipped ({} total)",
        count(rows, Outcome::Pass),
        failed,
        count(rows, Outcome::Skipped),
        rows.len()
    );
    out
}

fn json_report(rows: &[Row]) -> Value {
    let results: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "type": r.assertion_type,
                "description": r.description,
                "passed": r.verdict.passed,
                "outcome": r.verdict.outcome,
                "details": r.verdict.details,
                "file": r.verdict.file,
                "line": r.verdict.line,
                "evidence_hash": r.verdict.evidence_hash,
            })
        })
        .collect();
    json!({
        "passed": count(rows, Outcome::Pass),
        "failed": count(rows, Outcome::Fail) + count(rows, Outcome::Error),
        "skipped": count(rows, Outcome::Skipped),
        "total": rows.len(),
        "results": results,
    })
}

#[cfg(test)]
#[allow(unreachable_pub, clippy::unwrap_used)]
#[path = "../../tests/it/consumers.rs"]
mod consumers;

#[cfg(test)]
mod tests;
