//! Every invalid edit gets a typed error naming the problem; the model is untouched.

use rampart_model::{Edit, ModelDraft, ThreatModel};
use serde_json::json;

use crate::support::{FILE_UPLOADS, file_uploads, refuse};

fn code(edit: serde_json::Value) -> (String, String) {
    let err = refuse(&file_uploads(), edit);
    (err.code().to_owned(), err.to_string())
}

#[test]
fn unknown_ids_are_named() {
    let (c, m) = code(json!({"op": "edit_asset", "id": "A9", "patch": {"notes": "x"}}));
    assert_eq!((c.as_str(), m.as_str()), ("unknown_id", "A9 does not exist in this model"));
    let (c, m) = code(
        json!({"op": "add_asset", "asset": {"name": "Audit Log", "security_properties": ["I"], "component_ids": ["CMP7"]}}),
    );
    assert_eq!((c.as_str(), m.as_str()), ("unknown_id", "CMP7 does not exist in this model"));
    let (c, _) = code(json!({"op": "remove", "id": "C42"}));
    assert_eq!(c, "unknown_id");
}

#[test]
fn duplicate_names_are_refused() {
    let (c, m) = code(json!({"op": "add_asset", "asset": {"name": "uploaded files", "security_properties": ["C"]}}));
    assert_eq!(c, "duplicate_name");
    assert!(m.contains("A1"), "{m}");
    let (c, _) = code(json!({"op": "edit_attacker", "id": "T2", "patch": {"name": "External Network Attackers"}}));
    assert_eq!(c, "duplicate_name");
}

#[test]
fn the_last_live_asset_and_attacker_cannot_be_removed() {
    let model = file_uploads();
    let v2 = crate::support::apply(&model, json!({"op": "remove", "id": "A2"}));
    let err = refuse(&v2, json!({"op": "remove", "id": "A1"}));
    assert_eq!(err.code(), "last_live_entity");
    assert_eq!(
        err.to_string(),
        "A1 is the last live asset: a model needs at least one live asset and one live attacker"
    );
    let v3 = crate::support::apply(&model, json!({"op": "remove", "id": "T1"}));
    assert_eq!(refuse(&v3, json!({"op": "remove", "id": "T2"})).code(), "last_live_entity");
}

#[test]
fn identity_changes_are_refused_and_wording_fixes_apply() {
    let (c, _) = code(json!({"op": "edit_attacker", "id": "T1", "patch": {"name": "Supply Chain Compromise"}}));
    assert_eq!(c, "identity_change");
    let model = crate::support::apply(
        &file_uploads(),
        json!({"op": "edit_asset", "id": "A2", "patch": {"name": "Session Bearer Tokens"}}),
    );
    assert_eq!(model.asset("A2".parse().unwrap()).unwrap().name, "Session Bearer Tokens");
}

#[test]
fn unknown_properties_are_refused_when_parsing_and_empty_ones_by_the_model() {
    let err = serde_json::from_value::<Edit>(
        json!({"op": "edit_asset", "id": "A1", "patch": {"security_properties": ["C", "Q"]}}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("unknown security property `Q`: expected one of C, I, A, U"), "{err}");
    let (c, m) = code(json!({"op": "edit_asset", "id": "A1", "patch": {"security_properties": []}}));
    assert_eq!(c, "invalid_field");
    assert_eq!(m, "security_properties: an asset needs at least one of C, I, A, U");
}

#[test]
fn lifecycle_errors() {
    assert_eq!(code(json!({"op": "restore", "id": "A1"})).0, "not_removed");
    let model = crate::support::apply(&file_uploads(), json!({"op": "remove", "id": "C3"}));
    assert_eq!(refuse(&model, json!({"op": "remove", "id": "C3"})).code(), "already_removed");
    assert_eq!(
        refuse(&model, json!({"op": "edit_control", "id": "C3", "patch": {"description": "x"}})).code(),
        "removed_reference"
    );
    assert_eq!(code(json!({"op": "remove", "id": "CO1"})).0, "computed_entity");
}

#[test]
fn references_to_soft_deleted_entities_cannot_be_created() {
    let model = crate::support::apply(&file_uploads(), json!({"op": "remove", "id": "CMP2"}));
    let err = refuse(&model, json!({"op": "edit_asset", "id": "A2", "patch": {"component_ids": ["CMP1", "CMP2"]}}));
    assert_eq!(err.code(), "removed_reference");
    // A1 already referred to CMP2 before the removal: keeping it is fine.
    crate::support::apply(&model, json!({"op": "edit_asset", "id": "A1", "patch": {"notes": "kept"}}));
}

#[test]
fn control_mappings_are_checked() {
    let (c, m) = code(json!({"op": "add_control", "control": {"description": "Rate-limit uploads", "mappings": []}}));
    assert_eq!(
        (c.as_str(), m.as_str()),
        ("invalid_field", "mappings: a control must map to at least one control objective")
    );
    let (c, _) =
        code(json!({"op": "add_control", "control": {"description": "x", "mappings": [{"co": "CO1", "group": 0}]}}));
    assert_eq!(c, "invalid_field");
    let (c, m) =
        code(json!({"op": "add_control", "control": {"description": "x", "mappings": [{"co": "CO1"}, {"co": "CO1"}]}}));
    assert_eq!(c, "invalid_field");
    assert!(m.contains("CO1 more than once"), "{m}");
}

#[test]
fn an_edit_that_changes_nothing_is_refused() {
    assert_eq!(code(json!({"op": "edit_asset", "id": "A1", "patch": {"name": "Uploaded Files"}})).0, "no_change");
}

#[test]
fn non_applicability_assumptions_cannot_be_attested_by_a_person() {
    let (c, _) = code(json!({"op": "add_assumption", "assumption": {
        "description": "Uploads are never shared between tenants", "kind": "non_applicability",
        "attestation": {"attested_by": "bob", "statement": "true", "attested_at": "2026-01-01T00:00:00Z"}}}));
    assert_eq!(c, "invalid_field");
}

#[test]
fn model_drafts_are_validated() {
    let mut draft: ModelDraft = serde_json::from_str(FILE_UPLOADS).unwrap();
    draft.assets[1].id = draft.assets[0].id;
    assert_eq!(ThreatModel::create(&draft).unwrap_err().code(), "duplicate_id");
    let mut draft: ModelDraft = serde_json::from_str(FILE_UPLOADS).unwrap();
    draft.attackers.clear();
    assert_eq!(ThreatModel::create(&draft).unwrap_err().to_string(), "attackers: a model needs at least one attacker");
    let mut draft: ModelDraft = serde_json::from_str(FILE_UPLOADS).unwrap();
    draft.attackers[1].name = "external network attackers".into();
    let err = ThreatModel::create(&draft).unwrap_err();
    assert_eq!(err.to_string(), "a live attacker named \"external network attackers\" already exists (T1)");
    let mut draft: ModelDraft = serde_json::from_str(FILE_UPLOADS).unwrap();
    draft.components[0].path = Some("../../etc".into());
    assert_eq!(ThreatModel::create(&draft).unwrap_err().code(), "invalid_field");
    draft.components[0].path = Some("C:\\Windows".into());
    assert_eq!(ThreatModel::create(&draft).unwrap_err().code(), "invalid_field");
}

#[test]
fn malformed_ids_are_refused_when_parsing() {
    for bad in ["A0", "A01", "a1", "X1", "A", "A1x", "A99999999999"] {
        let err = serde_json::from_value::<Edit>(json!({"op": "remove", "id": bad})).unwrap_err();
        assert!(err.to_string().contains("not an entity id"), "{bad}: {err}");
    }
}

#[test]
fn exclusion_predicates_must_narrow_and_changing_them_retires_the_attestation() {
    let (c, m) = code(json!({"op": "add_assumption", "assumption": {
        "description": "Nothing is reachable", "exclusion": {"attacker_id": "*"}}}));
    assert_eq!(c, "invalid_field");
    assert!(m.contains("would exclude every objective"), "{m}");

    let model = crate::support::apply(
        &file_uploads(),
        json!({"op": "add_assumption", "assumption": {
        "description": "Storage hosts are only reachable over the VPN",
        "exclusion": {"attacker_vector": "Network", "asset_component_id": "CMP2"},
        "attestation": {"attested_by": "ops@example.com", "statement": "Checked the firewall rules",
                        "attested_at": "2026-11-01T00:00:00Z"}}}),
    );
    let widened = crate::support::apply(
        &model,
        json!({"op": "edit_assumption", "id": "AS1",
        "patch": {"exclusion": {"attacker_vector": "Network"}}}),
    );
    assert!(widened.assumption("AS1".parse().unwrap()).unwrap().attestation.is_none());
}
