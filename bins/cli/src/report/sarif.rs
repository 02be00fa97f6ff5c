//! SARIF 2.1.0, valid against the OASIS schema whatever a verdict holds.

use rampart_evidence::{Outcome, Verdict};
use serde_json::{Value, json};

use super::Row;
use super::escape::uri_reference;

/// Where a verdict points, if at a file: a region only with a real
/// (1-based) line, since the schema requires a region to locate something.
fn location(v: &Verdict) -> Option<Value> {
    let file = v.file.as_deref().filter(|f| !f.is_empty())?;
    let mut physical = json!({"artifactLocation": {"uri": uri_reference(file)}});
    if let Some(line) = v.line.filter(|l| *l >= 1) {
        physical["region"] = json!({"startLine": line});
    }
    Some(json!({"physicalLocation": physical}))
}

fn result(r: &Row) -> Value {
    // SARIF §3.27.9: a result whose kind is not `fail` has level `none`.
    let (level, kind) = match r.verdict.outcome {
        Outcome::Pass => ("none", "pass"),
        Outcome::Skipped => ("none", "notApplicable"),
        Outcome::Fail | Outcome::Error => ("error", "fail"),
    };
    let mut result = json!({
        "ruleId": r.assertion_type,
        "level": level,
        "kind": kind,
        "message": {"text": format!("{}: {}", r.id, r.verdict.details)},
        "properties": {"assertionId": r.id, "description": r.description},
    });
    if let Some(location) = location(&r.verdict) {
        result["locations"] = json!([location]);
    }
    if let Some(h) = &r.verdict.evidence_hash {
        result["partialFingerprints"] = json!({"evidenceHash/v1": h});
    }
    result
}

pub(super) fn sarif(rows: &[Row]) -> Value {
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
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "rampart", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/rampart-security/rampart", "rules": rules}},
            "results": rows.iter().map(result).collect::<Vec<_>>(),
        }],
    })
}
