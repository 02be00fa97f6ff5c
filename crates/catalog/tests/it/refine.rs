//! Targeted refinements: entity drafts and property edits from chat.

use rampart_catalog::EntityDraft;
use rampart_model::{AnyId, DeterministicJudge, Edit, SecurityProperty, ThreatModel};
use rampart_risk::AttackVector;

use crate::support::{catalog, create, example, generate};

fn model() -> ThreatModel {
    create(&generate(&example("01")))
}

fn add(model: &ThreatModel, message: &str) -> (EntityDraft, ThreatModel) {
    let draft = catalog().draft_entity(message, Some(model)).unwrap_or_else(|| panic!("no draft for {message:?}"));
    let applied = model
        .apply(&draft.clone().into_edit(), &DeterministicJudge)
        .unwrap_or_else(|e| panic!("{message:?}: the model refused the draft: {e}"));
    (draft, applied.model)
}

#[test]
fn an_insider_attacker_comes_from_the_catalog_with_the_requested_detail() {
    // The Google login model has a database but no insider yet.
    let m = create(&generate(&example("02")));
    let (draft, v2) = add(&m, "Add an insider threat attacker with database access");
    let EntityDraft::Attacker(t) = draft else { panic!("{draft:?}") };
    assert_eq!(t.name, "Malicious Insider");
    assert!(t.capability.ends_with("Has database access."), "{}", t.capability);
    assert_eq!(t.likelihood.unwrap().attack_vector, AttackVector::Local);
    // Placed at the boundaries of the database it was said to reach.
    let db = m.components.iter().find(|c| c.name == "Primary Database").unwrap();
    assert!(!t.trust_boundary_ids.is_empty());
    assert!(t.trust_boundary_ids.iter().all(|b| db.trust_boundary_ids.contains(b)));
    assert_eq!(v2.attackers.len(), m.attackers.len() + 1);
    // Where the catalog's name is taken, the request's words name it.
    let (draft, _) = add(&model(), "Add an insider threat attacker with database access");
    assert!(matches!(&draft, EntityDraft::Attacker(t) if t.name == "Insider Threat"), "{draft:?}");
}

#[test]
fn an_unknown_attacker_gets_generic_factors_from_its_words() {
    let (draft, _) = add(&model(), "Add a nation-state attacker with zero-day exploits");
    let EntityDraft::Attacker(t) = draft else { panic!("{draft:?}") };
    let l = t.likelihood.unwrap();
    assert_eq!(l.capability_prevalence, rampart_risk::CapabilityPrevalence::Rare);
    assert_eq!(t.capability, "Has zero-day exploits.");
    let (draft, _) = add(&model(), "add a DDoS attacker");
    let EntityDraft::Attacker(t) = draft else { panic!("{draft:?}") };
    assert_eq!(t.name, "Denial-of-Service Attacker");
}

#[test]
fn an_asset_for_audit_logs_is_the_catalogs_audit_log() {
    let (draft, v2) = add(&model(), "Add an asset for audit logs");
    let EntityDraft::Asset(a) = draft else { panic!("{draft:?}") };
    assert_eq!(a.name, "Security Audit Log");
    assert!(a.security_properties.contains(&SecurityProperty::Integrity));
    assert!(a.impact.is_some());
    assert_eq!(v2.assets.len(), model().assets.len() + 1);
}

#[test]
fn an_unknown_asset_gets_properties_from_its_words_and_the_default_impact() {
    let (draft, _) = add(&model(), "Add an asset called Thumbnail Cache Configuration");
    let EntityDraft::Asset(a) = draft else { panic!("{draft:?}") };
    assert_eq!(a.name, "Thumbnail Cache Configuration");
    assert_eq!(a.security_properties, [SecurityProperty::Integrity].into());
    assert!(a.impact.is_none());
}

#[test]
fn a_trust_boundary_between_two_things() {
    let (draft, _) = add(&model(), "Add a trust boundary between the API gateway and backend services");
    let EntityDraft::TrustBoundary(b) = draft else { panic!("{draft:?}") };
    assert_eq!(b.description, "API gateway to backend services");
    assert!(b.passes.is_none() && !b.sealed);
}

#[test]
fn components_and_assumptions() {
    let (draft, _) = add(&model(), "Please add a component for the thumbnail worker.");
    assert!(matches!(&draft, EntityDraft::Component(c) if c.name == "Thumbnail Worker"), "{draft:?}");
    let (draft, _) = add(&model(), "Add an assumption that the object store is only reachable from the VPC.");
    assert!(
        matches!(&draft, EntityDraft::Assumption(a) if a.description == "The object store is only reachable from the VPC."),
        "{draft:?}"
    );
}

#[test]
fn non_add_messages_and_controls_draft_nothing() {
    let m = model();
    for message in ["Remove T1", "What controls protect A1?", "Add a control for rate limiting", "thanks"] {
        assert!(catalog().draft_entity(message, Some(&m)).is_none(), "{message}");
    }
}

#[test]
fn property_edits_from_chat() {
    let m = create(&generate("An audit logging pipeline with SIEM and log retention for our API."));
    let logs = m.assets.iter().find(|a| a.name == "Operational Logs").unwrap();
    let edit = catalog().property_edit("Remove the availability property from the logging asset", &m).unwrap();
    let Edit::EditAsset { id, patch } = &edit else { panic!("{edit:?}") };
    assert_eq!(*id, logs.id);
    assert_eq!(patch.security_properties, Some([SecurityProperty::Confidentiality].into()));
    let v2 = m.apply(&edit, &DeterministicJudge).unwrap().model;
    assert_eq!(v2.asset(logs.id).unwrap().security_properties, [SecurityProperty::Confidentiality].into());
    let add = catalog().property_edit(&format!("add integrity to {}", logs.id), &v2).unwrap();
    assert!(matches!(add, Edit::EditAsset { ref patch, .. } if patch.security_properties.as_ref().unwrap().len() == 2));
    // Removing the last property, or naming none, gives nothing.
    assert!(catalog().property_edit(&format!("remove confidentiality from {}", logs.id), &v2).is_none());
    assert!(catalog().property_edit("Remove A1", &m).is_none());
    let _ = AnyId::Asset(logs.id);
}
