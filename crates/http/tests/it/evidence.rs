//! Evidence end to end over HTTP: assertions with coherence, signed runs
//! (bad key, tampering, replay, staleness refused), control status with
//! drift, posture credit, findings, and the audit export re-derived offline.

use rampart_attest::audit::{AuditOptions, AuditPackage, AuditVerdict, audit};
use rampart_attest::{ResultEntry, RunPredicate, SigningKey, sign_statement, statement};
use reqwest::Method;
use serde_json::{Value, json};

use crate::server::{Session, each_backend, file_uploads_request};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// One result line: (assertion view, tier 1, tier 2).
fn entry(a: &Value, tier1: &str, tier2: &str) -> ResultEntry {
    ResultEntry {
        assertion_id: a["id"].as_str().unwrap().to_owned(),
        assertion_type: a["type"].as_str().unwrap().to_owned(),
        tier1: tier1.to_owned(),
        tier2: tier2.to_owned(),
        evidence_hash: Some(format!("sha256:{}", a["id"].as_str().unwrap())),
        claim_hash: a["claim_hash"].as_str().map(str::to_owned),
        ..Default::default()
    }
}

fn run(model_id: &str, run_id: &str, results: Vec<ResultEntry>, age: chrono::Duration) -> RunPredicate {
    RunPredicate {
        run_id: run_id.to_owned(),
        model_id: model_id.to_owned(),
        repository: "github.com/acme/uploads".to_owned(),
        commit: "0123456789abcdef".to_owned(),
        created_at: (chrono::Utc::now() - age).to_rfc3339(),
        results,
    }
}

async fn submit_signed(s: &Session, model_id: &str, key: &SigningKey, predicate: RunPredicate) -> (u16, Value) {
    let envelope = sign_statement(&statement(predicate), key).unwrap();
    let body = json!({"envelope": envelope, "pipeline": {"provider": "local"}});
    s.json(Method::POST, &format!("/api/v1/models/{model_id}/verification/runs"), Some(body)).await
}

async fn add(s: &Session, m: &str, subject: &str, assertions: Value) -> (u16, Value) {
    s.json(Method::POST, &format!("{m}/assertions"), Some(json!({"subject_id": subject, "assertions": assertions})))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_lifecycle_over_http() {
    each_backend(|server| async move {
        let s = server.user("dev@example.com").await;
        let (_, created) = s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        let id = created["id"].as_str().unwrap().to_owned();
        let m = format!("/api/v1/models/{id}");

        // Bad assertions: every problem named, nothing stored.
        let (status, err) = add(&s, &m, "C1", json!([
            {"type": "no_such_type", "params": {}},
            {"type": "function_calls", "params": {"file": "../etc/passwd", "caller": "upload"}}
        ]))
        .await;
        assert_eq!((status, code(&err)), (422, "invalid_assertions"), "{err}");
        let fields: Vec<&str> = err["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"type") && fields.contains(&"params.file") && fields.contains(&"params.callee"), "{fields:?}");
        let (status, err) = add(&s, &m, "C99", json!([{"type": "function_exists", "params": {"file": "a.py", "name": "f"}}])).await;
        assert_eq!((status, code(&err)), (422, "unknown_subject"), "{err}");
        assert_eq!(s.json(Method::GET, &format!("{m}/assertions"), None).await.1, json!([]));

        // Good ones; a file hash cannot prove logging: flagged incoherent.
        let (status, c1) = add(&s, &m, "C1", json!([
            {"type": "function_calls", "params": {"file": "app/upload.py", "caller": "accept_upload", "callee": "scan_for_malware"}, "description": "the upload handler scans before accepting"},
            {"type": "function_exists", "params": {"file": "app/scan.py", "name": "scan_for_malware"}, "description": "the scanner exists"}
        ]))
        .await;
        assert_eq!(status, 201, "{c1}");
        assert_eq!(c1[0]["id"], "EV1");
        assert_eq!(c1[0]["coherence"]["status"], "coherent");
        let (_, c3) = add(&s, &m, "C3", json!([{"type": "file_hash", "params": {"file": "app/log.py", "scope_file": "app/log.py", "expected_hash": "a".repeat(64)}}])).await;
        assert_eq!(c3[0]["coherence"]["status"], "incoherent", "{c3}");
        let (_, pending) = s.json(Method::GET, &format!("{m}/verification/pending?repo=acme/uploads"), None).await;
        assert_eq!(pending["controls"]["C1"].as_array().unwrap().len(), 2, "{pending}");
        assert_eq!(pending["controls"]["C3"].as_array().unwrap().len(), 1);

        // Keys: register one, require signatures.
        let (ci_key, _) = SigningKey::generate().unwrap();
        let (other_key, _) = SigningKey::generate().unwrap();
        let (status, key) = s
            .json(Method::POST, "/api/v1/signing-keys", Some(json!({"public_key_pem": ci_key.public_key().to_pem(), "label": "ci"})))
            .await;
        assert_eq!(status, 201, "{key}");
        assert_eq!(key["fingerprint"], ci_key.public_key().fingerprint());
        let (status, _) = s.json(Method::PUT, "/api/v1/verification/settings", Some(json!({"require_signed_results": true}))).await;
        assert_eq!(status, 200);

        let passing = vec![entry(&c1[0], "pass", "pass"), entry(&c1[1], "pass", "pass")];
        let hour = chrono::Duration::hours(1);
        let zero = chrono::Duration::zero();
        // Unsigned: refused. Unknown key: refused. Tampered: refused. Stale: refused.
        let unsigned = json!({"run": run(&id, "r0", passing.clone(), zero)});
        let (status, err) = s.json(Method::POST, &format!("{m}/verification/runs"), Some(unsigned)).await;
        assert_eq!((status, code(&err)), (403, "forbidden"), "{err}");
        let (status, err) = submit_signed(&s, &id, &other_key, run(&id, "r0", passing.clone(), zero)).await;
        assert_eq!((status, code(&err)), (403, "forbidden"), "{err}");
        let mut forged = sign_statement(&statement(run(&id, "r0", passing.clone(), zero)), &ci_key).unwrap();
        let mut failing_run = run(&id, "r0", passing.clone(), zero);
        failing_run.results[0].tier1 = "fail".into();
        forged.payload = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(&statement(failing_run)).unwrap())
        };
        let (status, err) = s.json(Method::POST, &format!("{m}/verification/runs"), Some(json!({"envelope": forged}))).await;
        assert_eq!((status, code(&err)), (422, "bad_signature"), "{err}");
        let (status, err) = submit_signed(&s, &id, &ci_key, run(&id, "r0", passing.clone(), hour * 48)).await;
        assert_eq!((status, code(&err)), (422, "stale_run"), "{err}");
        let mut moved = passing.clone();
        moved[0].claim_hash = Some("sha256:other".into());
        let (status, err) = submit_signed(&s, &id, &ci_key, run(&id, "r0", moved, zero)).await;
        assert_eq!((status, code(&err)), (422, "invalid_results"), "{err}");
        // A result that names no claim could be replayed onto an edited assertion.
        let mut unbound = passing.clone();
        unbound[0].claim_hash = None;
        let (status, err) = submit_signed(&s, &id, &ci_key, run(&id, "r0", unbound, zero)).await;
        assert_eq!((status, code(&err)), (422, "invalid_results"), "{err}");
        assert!(err.to_string().contains("claim_hash is required"), "{err}");

        // A good signed run: C1 verified, its objectives mitigated.
        let (status, accepted) = submit_signed(&s, &id, &ci_key, run(&id, "r1", passing.clone(), zero)).await;
        assert_eq!(status, 201, "{accepted}");
        assert_eq!(accepted["signed_by"], ci_key.public_key().fingerprint());
        assert!(accepted["transitions"].as_array().unwrap().iter().any(|t| t["control_id"] == "C1" && t["to"] == "verified"), "{accepted}");
        let (status, err) = submit_signed(&s, &id, &ci_key, run(&id, "r1", passing.clone(), zero)).await;
        assert_eq!((status, code(&err)), (409, "replayed_run"), "{err}");
        let (_, report) = s.json(Method::GET, &format!("{m}/verification/report"), None).await;
        let status_of = |report: &Value, c: &str| {
            report["controls"].as_array().unwrap().iter().find(|x| x["control_id"] == c).unwrap()["status"].clone()
        };
        assert_eq!(status_of(&report, "C1"), "verified", "{report}");
        assert_eq!(status_of(&report, "C3"), "partially_verified");
        let (_, posture) = s.json(Method::GET, &format!("{m}/posture"), None).await;
        let mitigated: Vec<&Value> = posture["objectives"].as_array().unwrap().iter().filter(|o| o["status"] == "mitigated").collect();
        assert!(!mitigated.is_empty(), "{posture}");

        // The code regresses: tier 1 fails, C1 drifts.
        let regressed = vec![entry(&c1[0], "fail", "skipped"), entry(&c1[1], "pass", "skipped")];
        let (status, out) = submit_signed(&s, &id, &ci_key, run(&id, "r2", regressed, zero)).await;
        assert_eq!(status, 201, "{out}");
        let (_, history) = s.json(Method::GET, &format!("{m}/controls/C1/verification/history"), None).await;
        let steps: Vec<(&str, &str)> = history.as_array().unwrap().iter().map(|t| (t["from"].as_str().unwrap(), t["to"].as_str().unwrap())).collect();
        assert_eq!(steps, vec![("unverified", "pending"), ("pending", "verified"), ("verified", "partially_verified")]);
        let (_, activity) = s.json(Method::GET, &format!("/api/v1/activity?model_id={id}"), None).await;
        assert!(activity["items"].as_array().unwrap().iter().any(|e| e["action"] == "control_drifted"));

        // A finding, its lifecycle, and verification by its remediation evidence.
        let (status, finding) = s
            .json(Method::POST, &format!("{m}/findings"), Some(json!({
                "control_id": "C2", "title": "No auth on upload", "description": "POST /upload has no auth check",
                "severity": "high", "checked_locations": ["app/upload.py"]})))
            .await;
        assert_eq!((status, finding["id"].as_str(), finding["state"].as_str()), (201, Some("F1"), Some("discovered")), "{finding}");
        let f = format!("{m}/findings/F1/actions");
        assert_eq!(s.json(Method::POST, &f, Some(json!({"action": "acknowledge"}))).await.0, 201);
        let (status, err) = s.json(Method::POST, &f, Some(json!({"action": "acknowledge"}))).await;
        assert_eq!((status, code(&err)), (409, "finding_backwards"), "{err}");
        let (_, c2) = add(&s, &m, "C2", json!([{"type": "decorator_present", "params": {"file": "app/upload.py", "function": "accept_upload", "decorator": "require_session"}, "description": "upload requires an authenticated session"}])).await;
        let (status, out) = s.json(Method::POST, &f, Some(json!({"action": "remediate", "assertion_ids": ["EV4"]}))).await;
        assert_eq!((status, out["state"].as_str()), (201, Some("remediated")), "{out}");
        let (status, out) = submit_signed(&s, &id, &ci_key, run(&id, "r3", vec![entry(&c2[0], "pass", "pass")], zero)).await;
        assert_eq!(status, 201, "{out}");
        assert_eq!(s.json(Method::GET, &format!("{m}/findings/F1"), None).await.1["state"], "verified");
        let (status, err) = s.json(Method::POST, &f, Some(json!({"action": "dismiss", "reason": "x"}))).await;
        assert_eq!((status, code(&err)), (409, "finding_terminal"), "{err}");
        let (_, prompt) = s.json(Method::GET, &format!("{m}/findings/scan-prompt"), None).await;
        assert!(prompt["prompt"].as_str().unwrap().contains("C3"), "{prompt}");

        // The audit package re-derives the same statuses offline.
        let (status, package) = s.json(Method::GET, &format!("{m}/verification/export"), None).await;
        assert_eq!(status, 200);
        let package: AuditPackage = serde_json::from_value(package).unwrap();
        assert_eq!(package.runs.len(), 3);
        let pinned = AuditOptions { trusted_fingerprints: vec![ci_key.public_key().fingerprint()], allow_unsigned: false };
        let report = audit(&package, &pinned);
        assert_eq!(report.verdict, AuditVerdict::PartiallyVerified, "{report:?}");
        assert!(report.problems.is_empty(), "{report:?}");
        // A server claiming more than the evidence supports is caught.
        let mut inflated = package.clone();
        let c3_id = "C3".parse().unwrap();
        inflated.claimed.control_status.insert(c3_id, rampart_assurance::VerificationStatus::Verified);
        let report = audit(&inflated, &pinned);
        assert_eq!((report.verdict, report.overclaimed.clone()), (AuditVerdict::Failed, vec![c3_id]));
        // Pinning a different key: no run counts, the claims are unsupported.
        let stranger = AuditOptions { trusted_fingerprints: vec![other_key.public_key().fingerprint()], allow_unsigned: false };
        assert_eq!(audit(&package, &stranger).verdict, AuditVerdict::Failed);
    })
    .await;
}
