//! The exclusion predicate on its own.

use rampart_model::{
    AssetId, AttackerId, ComponentId, ControlObjectiveId, ExclusionPredicate, Match, SecurityProperty,
};
use rampart_reach::predicate_matches;
use rampart_risk::AttackVector;

use crate::fixture::{asset, attacker, uploads};

#[test]
fn fields_default_to_anything() {
    let m = uploads();
    let co = m.control_objective(ControlObjectiveId(1)).unwrap();
    let (a, t) = (m.asset(co.asset_id).unwrap(), m.attacker(co.attacker_id).unwrap());
    assert!(predicate_matches(&ExclusionPredicate::default(), co, a, t));
}

#[test]
fn every_field_must_match() {
    let m = uploads();
    // CO1: Uploaded Files (A1, C+I, held by CMP2) against T1 (Network).
    let co = m.control_objective(ControlObjectiveId(1)).unwrap();
    let (a, t) = (m.asset(co.asset_id).unwrap(), m.attacker(co.attacker_id).unwrap());
    let all = ExclusionPredicate {
        attacker_id: Match::Exactly(AttackerId(1)),
        attacker_vector: Match::Exactly(AttackVector::Network),
        asset_id: Match::Exactly(AssetId(1)),
        asset_component_id: Match::Exactly(ComponentId(2)),
        property_match: Match::Exactly(SecurityProperty::Integrity),
        co_ids: vec![],
    };
    assert!(predicate_matches(&all, co, a, t));
    let miss = [
        ExclusionPredicate { attacker_id: Match::Exactly(AttackerId(2)), ..all.clone() },
        ExclusionPredicate { attacker_vector: Match::Exactly(AttackVector::Local), ..all.clone() },
        ExclusionPredicate { asset_id: Match::Exactly(AssetId(2)), ..all.clone() },
        ExclusionPredicate { asset_component_id: Match::Exactly(ComponentId(1)), ..all.clone() },
        ExclusionPredicate { property_match: Match::Exactly(SecurityProperty::Availability), ..all.clone() },
    ];
    for p in miss {
        assert!(!predicate_matches(&p, co, a, t), "{p:?}");
    }
}

#[test]
fn an_objective_list_overrides_the_fields() {
    let m = uploads();
    let co = m.control_objective(ControlObjectiveId(1)).unwrap();
    let (a, t) = (m.asset(co.asset_id).unwrap(), m.attacker(co.attacker_id).unwrap());
    // The fields would not match, but the list names CO1.
    let listed = ExclusionPredicate {
        asset_id: Match::Exactly(AssetId(6)),
        co_ids: vec![ControlObjectiveId(1)],
        ..Default::default()
    };
    assert!(predicate_matches(&listed, co, a, t));
    // The fields would match, but the list names only CO2.
    let other = ExclusionPredicate { co_ids: vec![ControlObjectiveId(2)], ..Default::default() };
    assert!(!predicate_matches(&other, co, a, t));
}

#[test]
fn the_vector_is_the_attackers() {
    let m = uploads();
    let co = m.control_objective(ControlObjectiveId(1)).unwrap();
    let a = asset(1, "Uploaded Files", &[SecurityProperty::Confidentiality], &[2]);
    let physical = attacker(1, "External Network Attacker", AttackVector::Physical, &[1]);
    let p = ExclusionPredicate { attacker_vector: Match::Exactly(AttackVector::Physical), ..Default::default() };
    assert!(predicate_matches(&p, co, &a, &physical));
    assert!(!predicate_matches(&p, co, &a, m.attacker(AttackerId(1)).unwrap()));
}
