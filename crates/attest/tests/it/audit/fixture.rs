//! An honest server's audit package for the file-uploads example: four
//! assertions on C1–C3, runs signed with a CI key, the claims computed the
//! way the server computes them.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rampart_assurance::{EvidenceAssertion, assess, claim_hash, evaluate, tier_result};
use rampart_attest::audit::{AUDIT_FORMAT, AuditPackage, Claimed, PackagedAssertion, PackagedKey, PackagedRun};
use rampart_attest::{ResultEntry, RunPredicate, SigningKey, sign_statement, statement};
use rampart_model::{ModelDraft, ThreatModel};
use serde_json::{Value, json};

pub const MODEL_ID: &str = "m-uploads";

/// When the first run was created.
pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z").unwrap().with_timezone(&Utc)
}

fn model() -> ThreatModel {
    let draft: ModelDraft = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/models/file-uploads.json"
    )))
    .unwrap();
    ThreatModel::create(&draft).unwrap().model
}

pub fn assertion(id: &str, subject: &str, ty: &str, params: Value, description: &str) -> PackagedAssertion {
    let params = params.as_object().unwrap().clone();
    PackagedAssertion {
        id: id.to_owned(),
        subject_id: subject.to_owned(),
        assertion_type: ty.to_owned(),
        claim_hash: claim_hash(subject, ty, &params, description),
        params,
        description: description.to_owned(),
        removed: false,
    }
}

/// Evidence that makes every control of the example verified.
pub fn assertions() -> Vec<PackagedAssertion> {
    vec![
        assertion(
            "EV1",
            "C1",
            "function_calls",
            json!({"file": "app/upload.py", "caller": "accept_upload", "callee": "scan_for_malware"}),
            "uploads are scanned",
        ),
        assertion(
            "EV2",
            "C1",
            "function_exists",
            json!({"file": "app/scan.py", "name": "scan_for_malware"}),
            "the scanner exists",
        ),
        assertion(
            "EV3",
            "C2",
            "decorator_present",
            json!({"file": "app/upload.py", "function": "accept_upload", "decorator": "require_session"}),
            "upload requires an authenticated session",
        ),
        assertion(
            "EV4",
            "C3",
            "function_calls",
            json!({"file": "app/upload.py", "caller": "accept_upload", "callee": "log_upload"}),
            "every upload is logged with the uploader",
        ),
    ]
}

/// A result for `a`, bound to its claim.
pub fn result(a: &PackagedAssertion, tier1: &str, tier2: &str) -> ResultEntry {
    ResultEntry {
        assertion_id: a.id.clone(),
        assertion_type: a.assertion_type.clone(),
        tier1: tier1.to_owned(),
        tier2: tier2.to_owned(),
        evidence_hash: Some(format!("sha256:{}", a.id)),
        claim_hash: Some(a.claim_hash.clone()),
        ..Default::default()
    }
}

/// A run created at `created`, submitted a minute later, signed by `key`.
pub fn signed_run(key: &SigningKey, run_id: &str, results: Vec<ResultEntry>, created: DateTime<Utc>) -> PackagedRun {
    let run = RunPredicate {
        run_id: run_id.to_owned(),
        model_id: MODEL_ID.to_owned(),
        repository: "github.com/acme/uploads".to_owned(),
        commit: "0123456789abcdef".to_owned(),
        created_at: created.to_rfc3339(),
        results,
    };
    PackagedRun {
        envelope: Some(sign_statement(&statement(run.clone()), key).unwrap()),
        run,
        submitted_at: created + Duration::minutes(1),
    }
}

pub fn packaged_key(key: &SigningKey) -> PackagedKey {
    let public = key.public_key();
    PackagedKey { fingerprint: public.fingerprint(), public_key_pem: public.to_pem(), revoked_at: None }
}

/// Recomputes the claims from the runs' results (the latest per assertion)
/// and `package.sufficiency`, as the server does, and records the
/// judgements it made.
pub fn reclaim(package: &mut AuditPackage) {
    let mut latest = BTreeMap::new();
    let mut runs: Vec<&PackagedRun> = package.runs.iter().collect();
    runs.sort_by_key(|r| r.submitted_at);
    for r in runs.iter().flat_map(|r| &r.run.results) {
        latest.insert(r.assertion_id.clone(), (tier_result(&r.tier1), tier_result(&r.tier2)));
    }
    let evidence: Vec<EvidenceAssertion> = package
        .assertions
        .iter()
        .filter(|a| !a.removed)
        .map(|a| {
            let (tier1, tier2) = latest.get(&a.id).copied().unwrap_or_default();
            a.evidence(tier1, tier2)
        })
        .collect();
    let evaluation = evaluate(&package.model, &evidence, &package.sufficiency);
    package.sufficiency = evaluation.controls.iter().map(|(id, c)| (*id, c.sufficiency.clone())).collect();
    package.claimed = Claimed {
        control_status: evaluation.controls.iter().map(|(id, c)| (*id, c.status)).collect(),
        posture: assess(&package.model, &evaluation.evidence(), package.generated_at).summary,
    };
}

/// An honest package: `runs` signed by `keys`, claims as the server makes them.
pub fn package(assertions: Vec<PackagedAssertion>, runs: Vec<PackagedRun>, keys: Vec<PackagedKey>) -> AuditPackage {
    let mut package = AuditPackage {
        format: AUDIT_FORMAT.to_owned(),
        generated_at: t0() + Duration::hours(1),
        model_id: MODEL_ID.to_owned(),
        model: model(),
        assertions,
        runs,
        keys,
        sufficiency: BTreeMap::new(),
        claimed: Claimed { control_status: BTreeMap::new(), posture: Default::default() },
    };
    reclaim(&mut package);
    package
}

/// Every assertion passing both tiers in one run by `key`.
pub fn all_passing(key: &SigningKey) -> AuditPackage {
    let list = assertions();
    let results = list.iter().map(|a| result(a, "pass", "pass")).collect();
    package(list, vec![signed_run(key, "r1", results, t0())], vec![packaged_key(key)])
}
