//! Objective posture, including the seeds' walkthrough: the refactor that
//! removes the scanner call flips the objective from mitigated to at risk.

use chrono::Duration;
use rampart_assurance::{
    Evidence, MitigatedBy, PostureStatus, RiskReason, Sufficiency, TierResult, VerificationStatus, assess, transition,
    verification_status,
};
use rampart_model::{ControlId, ControlObjectiveId, DeterministicJudge, Edit, ThreatModel};
use serde_json::json;

use crate::support::{file_uploads, now, verdict};

fn c(n: u32) -> ControlId {
    ControlId(n)
}

fn status_of(report: &rampart_assurance::PostureReport, co: u32) -> &rampart_assurance::CoPosture {
    report.objectives().find(|p| p.co_id == ControlObjectiveId(co)).expect("objective assessed")
}

#[test]
fn walkthrough_the_refactor_that_removes_the_scanner_call() {
    let model = file_uploads();
    // C1 "Virus-scan uploads" carries two assertions: function_exists(scan_upload) and
    // function_calls(handle_upload → scan_upload). Both pass both tiers; sufficiency holds.
    let before = [verdict("a1", TierResult::Pass, TierResult::Pass), verdict("a2", TierResult::Pass, TierResult::Pass)];
    let c1_before = verification_status(&before, Sufficiency::Sufficient);
    assert_eq!(c1_before, VerificationStatus::Verified);
    let mut evidence = Evidence::default();
    evidence.controls.insert(c(1), c1_before);
    let report_before = assess(&model, &evidence, now());
    // CO1 = Uploaded Files × External Network Attacker: group 1 is C1 alone.
    assert_eq!(status_of(&report_before, 1).status, PostureStatus::Mitigated);
    assert_eq!(status_of(&report_before, 1).mitigated_by, Some(MitigatedBy::Controls { group: 1 }));

    // A refactor drops the call: tier 1 still finds scan_upload defined, tier 2 fails the call site.
    let after = [verdict("a1", TierResult::Pass, TierResult::Pass), verdict("a2", TierResult::Pass, TierResult::Fail)];
    let c1_after = verification_status(&after, Sufficiency::Sufficient);
    assert_eq!(c1_after, VerificationStatus::PartiallyVerified);
    let drift = transition(c(1), c1_before, c1_after, now(), "run 42").expect("status changed");
    assert!(drift.is_drift());
    evidence.controls.insert(c(1), c1_after);
    let report_after = assess(&model, &evidence, now());
    let co1 = status_of(&report_after, 1);
    assert_eq!(co1.status, PostureStatus::AtRisk);
    assert_eq!(co1.reason, Some(RiskReason::MissingControls));
    assert_eq!(co1.groups[0].missing, [c(1)]);

    insta::assert_json_snapshot!("walkthrough_posture_before", report_before);
    insta::assert_json_snapshot!("walkthrough_posture_after", report_after);
    insta::assert_json_snapshot!("walkthrough_drift", drift);
}

#[test]
fn any_complete_group_mitigates_and_defense_in_depth_earns_nothing() {
    let model = file_uploads();
    // CO1 has group 1 = {C1} and group 2 = {C2}. Completing group 2 alone mitigates.
    let mut evidence = Evidence::default();
    evidence.controls.insert(c(2), VerificationStatus::Verified);
    let report = assess(&model, &evidence, now());
    assert_eq!(status_of(&report, 1).mitigated_by, Some(MitigatedBy::Controls { group: 2 }));
    // CO2 (Uploaded Files × Malicious Tenant) has C1 in group 1 and C3 as defense in depth.
    evidence.controls.insert(c(3), VerificationStatus::Verified);
    let report = assess(&model, &evidence, now());
    let co2 = status_of(&report, 2);
    assert_eq!(co2.status, PostureStatus::AtRisk, "a verified DiD control earns nothing");
    assert_eq!(co2.defense_in_depth, [c(3)]);
    // CO4 (Session Tokens × Malicious Tenant) has no control at all.
    assert_eq!(status_of(&report, 4).status, PostureStatus::Unassessed);
}

fn apply(model: &ThreatModel, edit: serde_json::Value) -> ThreatModel {
    let edit: Edit = serde_json::from_value(edit).unwrap();
    model.apply(&edit, &DeterministicJudge).unwrap().model
}

#[test]
fn only_defense_in_depth_means_no_mitigation_group() {
    let model = apply(
        &file_uploads(),
        json!({"op": "add_control", "control": {
        "description": "Alert on unusual token use", "mappings": [{"co": "CO4"}]}}),
    );
    let mut evidence = Evidence::default();
    evidence.controls.insert(c(4), VerificationStatus::Verified);
    let co4 = assess(&model, &evidence, now()).objectives().find(|p| p.co_id == ControlObjectiveId(4)).unwrap().clone();
    assert_eq!((co4.status, co4.reason), (PostureStatus::AtRisk, Some(RiskReason::NoMitigationGroup)));
}

#[test]
fn assumptions_mitigate_only_while_attested_and_unexpired() {
    let attested_at = now() - Duration::days(30);
    let model = apply(
        &file_uploads(),
        json!({"op": "add_assumption", "assumption": {
        "description": "Session tokens are issued by the corporate IdP and never reach tenants",
        "linked_co_ids": ["CO4"],
        "attestation": {"attested_by": "ciso@example.com", "statement": "Verified in the IdP configuration review",
                        "attested_at": attested_at, "expires_at": now() + Duration::days(1)}}}),
    );
    let evidence = Evidence::default();
    let co4 =
        |at| assess(&model, &evidence, at).objectives().find(|p| p.co_id == ControlObjectiveId(4)).unwrap().clone();
    let live = co4(now());
    assert_eq!(live.mitigated_by, Some(MitigatedBy::Assumption { assumption_id: "AS1".parse().unwrap() }));
    let expired = co4(now() + Duration::days(2));
    assert_eq!((expired.status, expired.reason), (PostureStatus::AtRisk, Some(RiskReason::ExpiredAttestation)));
    assert_eq!(expired.expired_assumption_ids.len(), 1);

    let unattested = apply(
        &model,
        json!({"op": "edit_assumption", "id": "AS1", "patch": {"description": "Tokens never reach tenants"}}),
    );
    assert!(
        unattested.assumption("AS1".parse().unwrap()).unwrap().attestation.is_none(),
        "new words retire the attestation"
    );
    let report = assess(&unattested, &evidence, now());
    let co4 = report.objectives().find(|p| p.co_id == ControlObjectiveId(4)).unwrap();
    assert_eq!((co4.status, co4.reason), (PostureStatus::AtRisk, Some(RiskReason::PendingAttestation)));
}

#[test]
fn orphaned_controls_earn_no_credit() {
    let model = apply(&file_uploads(), json!({"op": "remove", "id": "A1"}));
    let mut evidence = Evidence::default();
    evidence.controls.insert(c(1), VerificationStatus::Verified);
    let report = assess(&model, &evidence, now());
    assert_eq!(report.orphaned_controls, [c(1), c(3)]);
    assert!(report.objectives().all(|p| p.asset_id.to_string() == "A2"));
    assert_eq!(report.summary.mitigated, 0);
}

#[test]
fn verification_status_rules() {
    use TierResult::{Fail, Pass, Pending};
    assert_eq!(verification_status(&[], Sufficiency::Sufficient), VerificationStatus::Unverified);
    let pass = verdict("a", Pass, Pass);
    assert_eq!(verification_status(std::slice::from_ref(&pass), Sufficiency::Pending), VerificationStatus::Pending);
    assert_eq!(verification_status(std::slice::from_ref(&pass), Sufficiency::Stale), VerificationStatus::Pending);
    assert_eq!(
        verification_status(std::slice::from_ref(&pass), Sufficiency::Insufficient),
        VerificationStatus::PartiallyVerified
    );
    assert_eq!(
        verification_status(&[pass.clone(), verdict("b", Pass, Pending)], Sufficiency::Sufficient),
        VerificationStatus::Pending
    );
    assert_eq!(
        verification_status(&[pass.clone(), verdict("b", Fail, Pending)], Sufficiency::Sufficient),
        VerificationStatus::PartiallyVerified
    );
    let mut incoherent = pass.clone();
    incoherent.coherence =
        rampart_assurance::Coherence::Incoherent { reason: "file_hash cannot prove validation".into() };
    assert_eq!(
        verification_status(&[pass, incoherent], Sufficiency::Sufficient),
        VerificationStatus::PartiallyVerified
    );
}
