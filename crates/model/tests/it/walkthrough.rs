//! The seeds' walkthrough (file uploads to an API) through a sequence of edits.

use rampart_model::{ControlObjectiveId, DeterministicJudge, Edit, diff};
use serde_json::json;

use crate::support::{apply, file_uploads, refuse};

#[test]
fn version_one_computes_the_objective_matrix() {
    let model = file_uploads();
    assert_eq!(model.version, 1);
    assert_eq!(model.control_objectives.len(), 4, "2 assets × 2 attackers");
    let co = model.objective_for("A1".parse().unwrap(), "T1".parse().unwrap()).unwrap();
    assert_eq!(
        co.statement,
        "Confidentiality and Integrity of Uploaded Files shall be protected from External Network Attacker"
    );
    insta::assert_json_snapshot!("file_uploads_v1", model);
}

#[test]
fn sequence_of_edits_keeps_ids_and_versions() {
    let v1 = file_uploads();
    // Add an insider: two new objectives, CO5 and CO6.
    let v2 = apply(
        &v1,
        json!({"op": "add_attacker", "attacker": {
        "name": "Malicious Operator", "capability": "Has shell access to the storage hosts.",
        "position": "Operations network", "archetype": "insider", "trust_boundary_ids": ["TB2"],
        "likelihood": {"attack_vector": "Local", "privileges_required": "High", "attack_complexity": "Low",
                       "user_interaction": "None", "capability_prevalence": "Rare"}}}),
    );
    assert_eq!(v2.version, 2);
    let new: Vec<String> = v2.live_objectives().map(|c| c.id.to_string()).collect();
    assert_eq!(new, ["CO1", "CO2", "CO3", "CO4", "CO5", "CO6"]);

    // Tighten properties: availability of uploads matters too.
    let v3 = apply(&v2, json!({"op": "edit_asset", "id": "A1", "patch": {"security_properties": ["C", "I", "A"]}}));
    assert_eq!(
        v3.control_objective(ControlObjectiveId(1)).unwrap().statement,
        "Confidentiality, Integrity and Availability of Uploaded Files shall be protected from External Network Attacker"
    );

    // Soft-delete the insider: its objectives are tombstoned, not dropped.
    let v4 = apply(&v3, json!({"op": "remove", "id": "T3"}));
    assert!(v4.control_objective(ControlObjectiveId(5)).unwrap().removed);
    assert_eq!(v4.live_objectives().count(), 4);

    // Restore: the same ids come back.
    let v5 = apply(&v4, json!({"op": "restore", "id": "T3"}));
    assert!(!v5.control_objective(ControlObjectiveId(5)).unwrap().removed);
    assert_eq!(v5.live_objectives().count(), 6);

    // An identity-changing rename is refused.
    let err = refuse(&v5, json!({"op": "edit_asset", "id": "A2", "patch": {"name": "CI Attestation Bundle"}}));
    assert_eq!(err.code(), "identity_change");
    insta::assert_snapshot!("identity_change_message", err.to_string());

    // Regeneration folds the same mechanism into C1 and adds a genuinely new control as C4.
    let merge: Edit = serde_json::from_value(json!({"op": "merge_controls", "controls": [
        {"description": "Virus scan uploads before accepting them",
         "mappings": [{"co": "CO5", "group": 1}], "framework_refs": ["iso27001:A.8.7"]},
        {"description": "Encrypt stored uploads with per-tenant keys",
         "mappings": [{"co": "CO5", "group": 2}, {"co": "CO1", "group": 3}]}
    ]}))
    .unwrap();
    let applied = v5.apply(&merge, &DeterministicJudge).unwrap();
    let v6 = applied.model;
    let c1 = v6.control("C1".parse().unwrap()).unwrap();
    assert!(c1.mapping_for(ControlObjectiveId(5)).is_some(), "folded mapping");
    assert!(c1.framework_refs.contains("iso27001:A.8.7") && c1.framework_refs.contains("asvs-5.0:V5.2.1"));
    assert_eq!(v6.controls.len(), 4);
    insta::assert_json_snapshot!("merge_effects", applied.effects);

    insta::assert_json_snapshot!("file_uploads_v6", v6);
    insta::assert_json_snapshot!("diff_v1_v6", diff(&v1, &v6));
}

#[test]
fn removing_an_asset_orphans_controls_that_only_cover_it_and_restore_reattaches() {
    let v1 = file_uploads();
    // C2 covers A2×T1 and A1×T1; C1 and C3 cover only A1.
    let v2 = apply(&v1, json!({"op": "remove", "id": "A1"}));
    let orphans: Vec<String> = v2.orphaned_controls().iter().map(ToString::to_string).collect();
    assert_eq!(orphans, ["C1", "C3"]);
    let v3 = apply(&v2, json!({"op": "restore", "id": "A1"}));
    assert!(v3.orphaned_controls().is_empty());
    let live = |m: &rampart_model::ThreatModel| {
        m.live_objectives().map(|c| (c.id, c.asset_id, c.attacker_id)).collect::<Vec<_>>()
    };
    assert_eq!(live(&v1), live(&v3));
}

#[test]
fn re_adding_a_soft_deleted_asset_reanimates_it() {
    let v1 = file_uploads();
    let v2 = apply(&v1, json!({"op": "remove", "id": "A2"}));
    let v3 = apply(
        &v2,
        json!({"op": "add_asset", "asset": {
        "name": "session tokens", "description": "Bearer tokens for uploads.", "security_properties": ["C", "I"],
        "component_ids": ["CMP1"]}}),
    );
    assert_eq!(v3.assets.len(), 2, "no duplicate asset");
    let a2 = v3.asset("A2".parse().unwrap()).unwrap();
    assert!(!a2.removed);
    assert_eq!(a2.description, "Bearer tokens for uploads.");
    // The objectives revive with their original ids.
    assert_eq!(v3.objective_for(a2.id, "T1".parse().unwrap()).unwrap().id.to_string(), "CO3");

    // A plausible but uncertain match is refused with a suggestion.
    let err = refuse(
        &v2,
        json!({"op": "add_asset", "asset": {
        "name": "Upload Session Tokens", "security_properties": ["C"]}}),
    );
    assert_eq!(err.code(), "possible_reanimation");
    assert!(err.to_string().contains("restore A2"), "{err}");
}

#[test]
fn factor_edits_overlay_without_a_version_and_history_is_per_objective() {
    use chrono::{TimeZone, Utc};
    use rampart_risk::{FactorPatch, FactorSubject, ImpactPatch, RevisionRequest, Subscore, factor_history};

    let v1 = file_uploads();
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    let revision = v1
        .record_factor_edit(RevisionRequest {
            seq: 1,
            subject: FactorSubject::Asset("A2".into()),
            model_version: 1,
            editor: "alice".into(),
            at,
            change_reason: "Tokens also grant delete rights".into(),
            patch: FactorPatch::Impact(ImpactPatch { integrity: Some(Subscore::High), ..Default::default() }),
        })
        .unwrap();
    let live = v1.overlaid(std::slice::from_ref(&revision), &[]);
    assert_eq!(live.version, 1, "factor edits never bump the version");
    assert_eq!(live.asset("A2".parse().unwrap()).unwrap().impact.integrity, Subscore::High);
    assert_eq!(v1.asset("A2".parse().unwrap()).unwrap().impact.integrity, Subscore::Low, "the snapshot is untouched");

    // The next structural version is taken from the live view.
    let v2 = apply(&live, json!({"op": "add_trust_boundary", "boundary": {"description": "Admin VPN"}}));
    let co = v2.objective_for("A2".parse().unwrap(), "T1".parse().unwrap()).unwrap().id;
    let points = [v1.version_factors(co).unwrap(), v2.version_factors(co).unwrap()];
    let history = factor_history(&points, "A2", "T1", std::slice::from_ref(&revision));
    insta::assert_json_snapshot!("factor_history_co2", history);
}
