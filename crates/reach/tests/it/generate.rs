//! Proptest strategies for whole models, built as plain structs so any shape
//! can occur: dangling and soft-deleted references, live objectives of removed
//! entities, every attestation state.

use proptest::collection::{btree_set, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use rampart_model::{
    AssetId, Assumption, AssumptionId, AssumptionKind, AttackerId, Attestation, ComponentId, ControlObjective,
    ControlObjectiveId, ExclusionPredicate, Match, SealSource, SecurityProperty, ThreatModel,
};
use rampart_risk::AttackVector;

use crate::fixture::{asset, at, attacker, attestation, boundary, component};

/// Entities per kind at most.
const N: u32 = 5;

fn vector() -> impl Strategy<Value = AttackVector> {
    select(vec![AttackVector::Physical, AttackVector::Local, AttackVector::Adjacent, AttackVector::Network])
}

fn property() -> impl Strategy<Value = SecurityProperty> {
    select(SecurityProperty::ALL.to_vec())
}

fn removed() -> impl Strategy<Value = bool> {
    prop::bool::weighted(0.15)
}

/// A reference among `n` entities; one in ten dangles past the end.
fn one_ref(n: u32) -> impl Strategy<Value = u32> {
    prop_oneof![9 => 1..=n, 1 => n + 1..=n + 2]
}

/// A reference list: empty one time in five.
fn refs(n: u32) -> impl Strategy<Value = Vec<u32>> {
    prop_oneof![1 => Just(vec![]), 4 => vec(one_ref(n), 1..=3)]
}

fn matcher<T: std::fmt::Debug + Clone>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Match<T>> {
    option::weighted(0.3, s).prop_map(|v| v.map_or(Match::Any, Match::Exactly))
}

fn predicate(n: u32, objectives: u32) -> impl Strategy<Value = ExclusionPredicate> {
    (
        matcher(one_ref(n).prop_map(AttackerId)),
        matcher(vector()),
        matcher(one_ref(n).prop_map(AssetId)),
        matcher(one_ref(n).prop_map(ComponentId)),
        matcher(property()),
        prop_oneof![3 => Just(vec![]), 1 => vec(one_ref(objectives).prop_map(ControlObjectiveId), 1..3)],
    )
        .prop_map(|(attacker_id, attacker_vector, asset_id, asset_component_id, property_match, co_ids)| {
            ExclusionPredicate { attacker_id, attacker_vector, asset_id, asset_component_id, property_match, co_ids }
        })
}

/// None, in force (with and without expiry), expired, or dated after `now`.
fn attestation_state() -> impl Strategy<Value = Option<Attestation>> {
    prop_oneof![
        Just(None),
        Just(Some(attestation(at(2026, 1, 1), None))),
        Just(Some(attestation(at(2026, 1, 1), Some(at(2027, 1, 1))))),
        Just(Some(attestation(at(2025, 1, 1), Some(at(2025, 6, 1))))),
        Just(Some(attestation(at(2026, 6, 1), None))),
    ]
}

/// Any model with unique, sorted ids per kind: mostly well-formed, with some
/// dangling references, soft-deleted entities and inconsistent objectives.
pub(crate) fn model() -> impl Strategy<Value = ThreatModel> {
    (1..=N, 1..=N, 1..=N, 1..=N).prop_flat_map(|(nb, nc, na, nt)| {
        let boundaries = vec(
            (refs(na), option::of(btree_set(vector(), 0..=4)), any::<bool>(), any::<bool>(), removed()),
            nb as usize,
        )
        .prop_map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, (crosses, passes, sealed, attested, gone))| {
                    let source = if attested { SealSource::Attested } else { SealSource::Unattested };
                    let passes: Option<Vec<AttackVector>> = passes.map(|p| p.into_iter().collect());
                    let mut tb = boundary(i as u32 + 1, "boundary", &crosses, passes.as_deref(), sealed, source);
                    tb.removed = gone;
                    tb
                })
                .collect::<Vec<_>>()
        });
        let components = vec((refs(nb), any::<bool>(), removed()), nc as usize).prop_map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, (tbs, bound, gone))| {
                    let mut c = component(i as u32 + 1, &format!("Component {i}"), None, bound.then_some("src"), &tbs);
                    c.removed = gone;
                    c
                })
                .collect::<Vec<_>>()
        });
        let assets = vec((btree_set(property(), 1..=4), refs(nc), removed()), na as usize).prop_map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, (props, cmps, gone))| {
                    let props: Vec<SecurityProperty> = props.into_iter().collect();
                    let mut a = asset(i as u32 + 1, &format!("Asset {i}"), &props, &cmps);
                    a.removed = gone;
                    a
                })
                .collect::<Vec<_>>()
        });
        let attackers = vec((vector(), refs(nb), removed()), nt as usize).prop_map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, (v, tbs, gone))| {
                    let mut t = attacker(i as u32 + 1, &format!("Attacker {i}"), v, &tbs);
                    t.removed = gone;
                    t
                })
                .collect::<Vec<_>>()
        });
        // Objectives as the model computes them (one per pair), each with a
        // small chance of a wrong tombstone flag, plus a few strays.
        let pairs = na * nt;
        let flips = vec(prop::bool::weighted(0.1), pairs as usize);
        let strays = vec((one_ref(na), one_ref(nt), removed()), 0..=2);
        let objectives = (assets, attackers, flips, strays);
        let n = nb.max(nc).max(na).max(nt);
        let assumptions = vec(
            (
                prop_oneof![4 => Just(AssumptionKind::External), 1 => Just(AssumptionKind::NonApplicability)],
                option::weighted(0.8, predicate(n, pairs)),
                attestation_state(),
                vec(one_ref(pairs).prop_map(ControlObjectiveId), 0..3),
                removed(),
            ),
            0..=N as usize,
        )
        .prop_map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, (kind, exclusion, attestation, linked_co_ids, gone))| Assumption {
                    id: AssumptionId(i as u32 + 1),
                    description: "assumption".into(),
                    kind,
                    linked_co_ids,
                    exclusion,
                    attestation,
                    removed: gone,
                })
                .collect::<Vec<_>>()
        });
        (boundaries, components, objectives, assumptions).prop_map(
            |(trust_boundaries, components, (assets, attackers, flips, strays), assumptions)| {
                let mut control_objectives = Vec::new();
                for a in &assets {
                    for t in &attackers {
                        let i = control_objectives.len();
                        control_objectives.push(ControlObjective {
                            id: ControlObjectiveId(i as u32 + 1),
                            asset_id: a.id,
                            attacker_id: t.id,
                            properties: a.security_properties.clone(),
                            statement: "objective".into(),
                            cal: None,
                            removed: (a.removed || t.removed) != flips[i],
                        });
                    }
                }
                for (a, t, gone) in strays {
                    let i = control_objectives.len();
                    control_objectives.push(ControlObjective {
                        id: ControlObjectiveId(i as u32 + 1),
                        asset_id: AssetId(a),
                        attacker_id: AttackerId(t),
                        properties: [SecurityProperty::Confidentiality].into(),
                        statement: "stray objective".into(),
                        cal: None,
                        removed: gone,
                    });
                }
                ThreatModel {
                    version: 1,
                    trust_boundaries,
                    components,
                    assets,
                    attackers,
                    control_objectives,
                    assumptions,
                    controls: vec![],
                }
            },
        )
    })
}

/// A model and the same model with every list shuffled.
pub(crate) fn model_and_shuffle() -> impl Strategy<Value = (ThreatModel, ThreatModel)> {
    model().prop_flat_map(|m| {
        let shuffled = (
            Just(m.trust_boundaries.clone()).prop_shuffle(),
            Just(m.components.clone()).prop_shuffle(),
            Just(m.assets.clone()).prop_shuffle(),
            Just(m.attackers.clone()).prop_shuffle(),
            Just(m.control_objectives.clone()).prop_shuffle(),
            Just(m.assumptions.clone()).prop_shuffle(),
        );
        (Just(m), shuffled).prop_map(|(m, (tb, c, a, t, co, asm))| {
            let s = ThreatModel {
                trust_boundaries: tb,
                components: c,
                assets: a,
                attackers: t,
                control_objectives: co,
                assumptions: asm,
                ..m.clone()
            };
            (m, s)
        })
    })
}

/// Anything at all: a model whose lists are shuffled and may hold the same id
/// twice.
pub(crate) fn raw_model() -> impl Strategy<Value = ThreatModel> {
    (model_and_shuffle(), any::<[bool; 6]>()).prop_map(|((_, mut m), dup)| {
        fn twice<E: Clone>(list: &mut Vec<E>, yes: bool) {
            if yes && let Some(first) = list.first().cloned() {
                list.push(first);
            }
        }
        twice(&mut m.trust_boundaries, dup[0]);
        twice(&mut m.components, dup[1]);
        twice(&mut m.assets, dup[2]);
        twice(&mut m.attackers, dup[3]);
        twice(&mut m.control_objectives, dup[4]);
        twice(&mut m.assumptions, dup[5]);
        m
    })
}

/// The model with every attestation taken away.
pub(crate) fn unattested(model: &ThreatModel) -> ThreatModel {
    let mut m = model.clone();
    for a in &mut m.assumptions {
        a.attestation = None;
    }
    for tb in &mut m.trust_boundaries {
        tb.seal_source = SealSource::Unattested;
    }
    m
}
