//! Rendering verdicts: text, JSON (the reference tool's keys), GitHub
//! annotations, SARIF 2.1.0, JUnit XML.

use std::fmt::Write as _;

use quick_xml::escape::escape;
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
        Output::Github => github(rows),
        Output::Sarif => format!("{}\n", serde_json::to_string_pretty(&sarif(rows)).unwrap_or_default()),
        Output::Junit => junit(rows),
    }
}

fn location(v: &Verdict) -> String {
    match (&v.file, v.line) {
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
            "{:<5} {} {}: {}{}",
            r.label(),
            r.id,
            r.assertion_type,
            r.verdict.details,
            location(&r.verdict)
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

/// Workflow commands need `%`, CR and LF escaped in messages (and `,` `:` in properties).
fn gh_escape(s: &str, property: bool) -> String {
    let s = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property { s.replace(':', "%3A").replace(',', "%2C") } else { s }
}

fn github(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows.iter().filter(|r| !r.counts_as_success() || r.verdict.outcome == Outcome::Skipped) {
        let level = if r.counts_as_success() { "notice" } else { "error" };
        let mut props = format!("title={}", gh_escape(&format!("{} {}", r.id, r.assertion_type), true));
        if let Some(f) = &r.verdict.file {
            props = format!("file={},{props}", gh_escape(f, true));
            if let Some(l) = r.verdict.line {
                props = format!("{props},line={l}");
            }
        }
        let _ = writeln!(out, "::{level} {props}::{}", gh_escape(&r.verdict.details, false));
    }
    let _ = writeln!(
        out,
        "{} passed, {} failed, {} skipped",
        count(rows, Outcome::Pass),
        count(rows, Outcome::Fail) + count(rows, Outcome::Error),
        count(rows, Outcome::Skipped)
    );
    out
}

fn sarif(rows: &[Row]) -> Value {
    let mut rule_ids: Vec<&str> = rows.iter().map(|r| r.assertion_type.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let text =
                rampart_assurance::AssertionType::from_name(id).map_or("unknown assertion type", |t| t.spec().summary);
            json!({"id": id, "shortDescription": {"text": text}})
        })
        .collect();
    let results: Vec<Value> = rows
        .iter()
        .map(|r| {
            let (level, kind) = match r.verdict.outcome {
                Outcome::Pass => ("none", "pass"),
                Outcome::Skipped => ("note", "notApplicable"),
                Outcome::Fail | Outcome::Error => ("error", "fail"),
            };
            let mut result = json!({
                "ruleId": r.assertion_type,
                "level": level,
                "kind": kind,
                "message": {"text": format!("{}: {}", r.id, r.verdict.details)},
                "properties": {"assertionId": r.id, "description": r.description},
            });
            if let Some(f) = &r.verdict.file {
                let mut region = json!({});
                if let Some(l) = r.verdict.line {
                    region = json!({"startLine": l});
                }
                result["locations"] = json!([{"physicalLocation": {"artifactLocation": {"uri": f}, "region": region}}]);
            }
            if let Some(h) = &r.verdict.evidence_hash {
                result["partialFingerprints"] = json!({"evidenceHash/v1": h});
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "rampart", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/rampart-security/rampart", "rules": rules}},
            "results": results,
        }],
    })
}

fn junit(rows: &[Row]) -> String {
    let failures = count(rows, Outcome::Fail) + count(rows, Outcome::Error);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"rampart\" tests=\"{}\" failures=\"{failures}\" skipped=\"{}\">",
        rows.len(),
        count(rows, Outcome::Skipped)
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"rampart check\" tests=\"{}\" failures=\"{failures}\" skipped=\"{}\">",
        rows.len(),
        count(rows, Outcome::Skipped)
    );
    for r in rows {
        let name = escape(format!("{} {}", r.id, r.description).trim()).into_owned();
        let class = escape(r.assertion_type.as_str()).into_owned();
        let details = escape(format!("{}{}", r.verdict.details, location(&r.verdict))).into_owned();
        match r.verdict.outcome {
            Outcome::Pass => {
                let _ = writeln!(out, "    <testcase classname=\"{class}\" name=\"{name}\"/>");
            }
            Outcome::Skipped => {
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"{class}\" name=\"{name}\"><skipped message=\"{details}\"/></testcase>"
                );
            }
            Outcome::Fail | Outcome::Error => {
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"{class}\" name=\"{name}\"><failure message=\"{details}\"/></testcase>"
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
