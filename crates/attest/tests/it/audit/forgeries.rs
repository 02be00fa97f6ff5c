//! Each way a package can claim more than its signed evidence supports, and
//! what the audit makes of it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use rampart_assurance::{Sufficiency, VerificationStatus};
use rampart_attest::SigningKey;
use rampart_attest::audit::{AuditOptions, AuditPackage, AuditReport, AuditVerdict, RunCheck, audit};
use rampart_model::ControlId;
use serde_json::json;

use super::fixture::*;

fn pinned(key: &SigningKey) -> AuditOptions {
    AuditOptions { trusted_fingerprints: vec![key.public_key().fingerprint()], allow_unsigned: false }
}

fn unpinned() -> AuditOptions {
    AuditOptions::default()
}

fn key() -> SigningKey {
    SigningKey::generate().unwrap().0
}

fn control(id: &str) -> ControlId {
    id.parse().unwrap()
}

fn derived(report: &AuditReport, id: &str) -> VerificationStatus {
    report.controls.iter().find(|c| c.control_id == control(id)).unwrap().derived
}

#[test]
fn an_honest_package_verifies_against_its_pinned_key() {
    let ci = key();
    let report = audit(&all_passing(&ci), &pinned(&ci));
    assert_eq!(report.verdict, AuditVerdict::Verified, "{report:#?}");
    assert!(report.problems.is_empty() && report.overclaimed.is_empty(), "{report:#?}");
    assert_eq!((report.runs[0].check, report.runs[0].counted), (RunCheck::Verified, true));
    assert!(report.derived_posture.mitigated > 0);
}

#[test]
fn without_pinned_keys_nothing_is_verified() {
    let ci = key();
    let report = audit(&all_passing(&ci), &unpinned());
    assert_eq!(report.verdict, AuditVerdict::UnverifiedSigners, "{report:#?}");
    assert!(!report.keys_pinned && report.problems.is_empty(), "{report:#?}");
    assert_eq!(report.runs[0].check, RunCheck::UnpinnedKey);
}

#[test]
fn a_package_signed_with_a_forgers_own_key_is_not_verified() {
    let ci = key();
    let forger = key();
    // Every run re-signed with the forger's key, which the package carries.
    let forged = all_passing(&forger);
    let report = audit(&forged, &unpinned());
    assert_ne!(report.verdict, AuditVerdict::Verified);
    assert_eq!(report.verdict, AuditVerdict::UnverifiedSigners, "{report:#?}");
    // Pinned to the real CI key: no run counts, every verified claim is unsupported.
    let report = audit(&forged, &pinned(&ci));
    assert_eq!(report.verdict, AuditVerdict::Failed, "{report:#?}");
    assert_eq!((report.runs[0].check, report.runs[0].counted), (RunCheck::UntrustedKey, false));
    assert_eq!(report.overclaimed.len(), 3, "{report:#?}");
}

#[test]
fn tampering_fails_even_without_pinned_keys() {
    let ci = key();
    // The run's results edited after signing.
    let mut edited = all_passing(&ci);
    edited.runs[0].run.results[0].tier1 = "pass".into();
    edited.runs[0].run.results[0].evidence_hash = Some("sha256:other".into());
    // The signed payload edited, signature kept.
    let mut resigned = all_passing(&ci);
    let envelope = resigned.runs[0].envelope.as_mut().unwrap();
    let mut body: serde_json::Value = serde_json::from_slice(&STANDARD.decode(&envelope.payload).unwrap()).unwrap();
    body["predicate"]["commit"] = json!("feedface");
    envelope.payload = STANDARD.encode(body.to_string());
    for (name, package) in [("edited run", edited), ("edited payload", resigned)] {
        for options in [unpinned(), pinned(&ci)] {
            let report = audit(&package, &options);
            assert_eq!(report.verdict, AuditVerdict::Failed, "{name}: {report:#?}");
            assert_eq!((report.runs[0].check, report.runs[0].counted), (RunCheck::Tampered, false), "{name}");
        }
    }
}

#[test]
fn a_claim_edited_under_its_original_hash_is_caught() {
    let ci = key();
    let mut package = all_passing(&ci);
    // The packaged claim now says something else; the stored hash string and
    // the signed result still name the original claim.
    package.assertions[0].params.insert("callee".into(), json!("log_upload"));
    let report = audit(&package, &pinned(&ci));
    assert_eq!(report.verdict, AuditVerdict::Failed, "{report:#?}");
    assert!(report.problems.iter().any(|p| p.starts_with("assertion EV1: its stored claim hash")), "{report:#?}");
    assert_eq!(report.runs[0].check, RunCheck::Tampered);
    assert!(report.runs[0].detail.contains("EV1 was made for another claim"), "{}", report.runs[0].detail);

    // The stored hash updated too: the signed result still binds the old claim.
    let mut package = all_passing(&ci);
    let a = &mut package.assertions[0];
    a.description = "uploads are scanned, and logged".into();
    a.claim_hash = rampart_assurance::claim_hash(&a.subject_id, &a.assertion_type, &a.params, &a.description);
    let report = audit(&package, &unpinned());
    assert_eq!(report.verdict, AuditVerdict::Failed, "{report:#?}");
    assert_eq!(report.runs[0].check, RunCheck::Tampered);
}

#[test]
fn a_result_without_a_claim_hash_is_refused() {
    let ci = key();
    let list = assertions();
    let mut results: Vec<_> = list.iter().map(|a| result(a, "pass", "pass")).collect();
    results[3].claim_hash = None;
    let package = package(list, vec![signed_run(&ci, "r1", results, t0())], vec![packaged_key(&ci)]);
    assert_eq!(package.claimed.control_status[&control("C3")], VerificationStatus::Verified);
    let report = audit(&package, &pinned(&ci));
    let run = &report.runs[0];
    assert!(run.counted, "{report:#?}");
    assert_eq!(run.refused.len(), 1, "{report:#?}");
    assert_eq!(run.refused[0].assertion_id, "EV4");
    assert!(run.refused[0].reason.contains("no claim hash"));
    // The other results count; EV4's does not, so C3 has no verdict.
    assert_eq!(derived(&report, "C1"), VerificationStatus::Verified);
    assert_eq!(derived(&report, "C3"), VerificationStatus::Pending);
    assert_eq!(report.verdict, AuditVerdict::Failed, "C3 is claimed verified: {report:#?}");
    assert_eq!(report.overclaimed, vec![control("C3")]);
}

fn with_revocation(package: &mut AuditPackage, after_t0: Duration) {
    package.keys[0].revoked_at = Some(t0() + after_t0);
}

#[test]
fn a_run_signed_after_its_key_was_revoked_does_not_count() {
    let ci = key();
    // Revoked before the run was created.
    let mut package = all_passing(&ci);
    with_revocation(&mut package, Duration::minutes(-5));
    // Created before the revocation, submitted after it.
    let mut late = all_passing(&ci);
    with_revocation(&mut late, Duration::seconds(30));
    for package in [package, late] {
        for options in [pinned(&ci), unpinned()] {
            let report = audit(&package, &options);
            let run = &report.runs[0];
            assert_eq!((run.check, run.counted), (RunCheck::RevokedKey, false), "{report:#?}");
            assert!(run.detail.contains("revoked at"), "{}", run.detail);
            assert_eq!(derived(&report, "C1"), VerificationStatus::Pending);
            assert_eq!(report.verdict, AuditVerdict::Failed, "the claims rest on the revoked run: {report:#?}");
        }
    }
    // Revoked after the run was submitted: the run counts.
    let mut earlier = all_passing(&ci);
    with_revocation(&mut earlier, Duration::minutes(2));
    let report = audit(&earlier, &pinned(&ci));
    assert_eq!((report.runs[0].check, report.verdict), (RunCheck::Verified, AuditVerdict::Verified), "{report:#?}");
}

#[test]
fn a_run_whose_time_is_not_rfc3339_is_refused() {
    let ci = key();
    let mut package = all_passing(&ci);
    let mut run = package.runs[0].run.clone();
    run.created_at = "yesterday".into();
    package.runs[0] = signed_run(&ci, "r1", run.results, t0());
    package.runs[0].run.created_at = "yesterday".into();
    package.runs[0].envelope =
        Some(rampart_attest::sign_statement(&rampart_attest::statement(package.runs[0].run.clone()), &ci).unwrap());
    let report = audit(&package, &pinned(&ci));
    assert_eq!(report.runs[0].check, RunCheck::Tampered);
    assert!(report.runs[0].detail.contains("created_at `yesterday` is not an RFC 3339 time"), "{report:#?}");
}

#[test]
fn an_inflated_sufficiency_is_not_counted() {
    let ci = key();
    // C3 now asks for two things; its one assertion covers the first only.
    let list = vec![
        assertions().remove(0),
        assertions().remove(1),
        assertions().remove(2),
        assertion("EV4", "C3", "no_plaintext_secret", json!({}), "no secret in the source"),
    ];
    let results = list.iter().map(|a| result(a, "pass", "pass")).collect();
    let mut package = package(list, vec![signed_run(&ci, "r1", results, t0())], vec![packaged_key(&ci)]);
    let c3 = control("C3");
    package.model.controls.iter_mut().find(|c| c.id == c3).unwrap().description =
        "Keep secrets out of the source tree. Log every upload with the uploader's identity.".into();
    super::fixture::reclaim(&mut package);
    assert_eq!(package.sufficiency[&c3].status, Sufficiency::Insufficient, "the deterministic judge");
    let honest = audit(&package, &pinned(&ci));
    assert_eq!(honest.verdict, AuditVerdict::PartiallyVerified, "{honest:#?}");
    assert!(honest.sufficiency_not_reproducible.is_empty());

    // The server says an LLM judged it sufficient, and claims C3 verified
    // consistently with that.
    package.sufficiency.get_mut(&c3).unwrap().status = Sufficiency::Sufficient;
    package.sufficiency.get_mut(&c3).unwrap().uncovered.clear();
    package.sufficiency.get_mut(&c3).unwrap().judge = "llm:openai/gpt-4o".into();
    super::fixture::reclaim(&mut package);
    assert_eq!(package.claimed.control_status[&c3], VerificationStatus::Verified);
    let report = audit(&package, &pinned(&ci));
    assert_eq!(report.sufficiency_not_reproducible, vec![c3], "{report:#?}");
    let audited = report.controls.iter().find(|c| c.control_id == c3).unwrap();
    assert!(audited.sufficiency_not_reproducible);
    assert_eq!(
        (audited.derived, audited.sufficiency),
        (VerificationStatus::PartiallyVerified, Sufficiency::Insufficient)
    );
    assert_ne!(report.verdict, AuditVerdict::Verified, "{report:#?}");
    assert_eq!(report.verdict, AuditVerdict::PartiallyVerified, "{report:#?}");
    assert_eq!(report.derived_posture, honest.derived_posture);
}

#[test]
fn an_inflated_status_fails() {
    let ci = key();
    let list = assertions();
    let mut results: Vec<_> = list.iter().map(|a| result(a, "pass", "pass")).collect();
    results[3].tier1 = "fail".into();
    let mut package = package(list, vec![signed_run(&ci, "r1", results, t0())], vec![packaged_key(&ci)]);
    assert_eq!(audit(&package, &pinned(&ci)).verdict, AuditVerdict::PartiallyVerified);
    package.claimed.control_status.insert(control("C3"), VerificationStatus::Verified);
    for options in [pinned(&ci), unpinned()] {
        let report = audit(&package, &options);
        assert_eq!((report.verdict, report.overclaimed.clone()), (AuditVerdict::Failed, vec![control("C3")]));
    }
    // An inflated posture alone fails too.
    let mut package = all_passing(&ci);
    package.runs[0].run.results.truncate(3);
    package.runs[0] = signed_run(&ci, "r1", package.runs[0].run.results.clone(), t0());
    super::fixture::reclaim(&mut package);
    package.claimed.posture.mitigated += 1;
    let report = audit(&package, &pinned(&ci));
    assert_eq!(report.verdict, AuditVerdict::Failed, "{report:#?}");
    assert!(report.problems.iter().any(|p| p.starts_with("posture claims")), "{report:#?}");
}

#[test]
fn a_key_whose_fingerprint_is_not_its_own_is_refused() {
    let ci = key();
    let other = key();
    let mut package = all_passing(&ci);
    package.keys[0].fingerprint = other.public_key().fingerprint();
    let report = audit(&package, &unpinned());
    assert_eq!(report.verdict, AuditVerdict::Failed, "{report:#?}");
    assert_eq!(report.runs[0].check, RunCheck::UntrustedKey);
}
