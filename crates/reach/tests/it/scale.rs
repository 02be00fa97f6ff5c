//! A model at the size the design allows: 100 assets × 100 attackers = 10,000
//! objectives, every verdict and the coherence report computed and checked.

use rampart_model::{
    AssetId, Assumption, AssumptionId, AttackerId, ControlObjective, ControlObjectiveId, ExclusionPredicate, Match,
    SealSource, SecurityProperty, ThreatModel,
};
use rampart_reach::{VerdictKind, coherence_report, reachability};
use rampart_risk::AttackVector;

use crate::fixture::{asset, at, attacker, attestation, boundary, component, now};

fn large() -> ThreatModel {
    let n = 100u32;
    let trust_boundaries = (1..=n)
        .map(|i| boundary(i, "zone", &[], Some(&[AttackVector::Network]), i % 2 == 0, SealSource::Attested))
        .collect();
    let components =
        (1..=n).map(|i| component(i, &format!("Service {i}"), None, Some("src"), &[i, (i % n) + 1])).collect();
    let assets = (1..=n).map(|i| asset(i, &format!("Asset {i}"), &[SecurityProperty::Integrity], &[i])).collect();
    let vectors = [AttackVector::Network, AttackVector::Local];
    let attackers = (1..=n)
        .map(|i| attacker(i, &format!("Attacker {i}"), vectors[i as usize % 2], &[i, (i * 7) % n + 1]))
        .collect();
    let mut control_objectives = Vec::new();
    for a in 1..=n {
        for t in 1..=n {
            control_objectives.push(ControlObjective {
                id: ControlObjectiveId((a - 1) * n + t),
                asset_id: AssetId(a),
                attacker_id: AttackerId(t),
                properties: [SecurityProperty::Integrity].into(),
                statement: String::new(),
                cal: None,
                removed: false,
            });
        }
    }
    let assumptions = (1..=200)
        .map(|i| Assumption {
            id: AssumptionId(i),
            description: "scoped out".into(),
            kind: Default::default(),
            linked_co_ids: vec![],
            exclusion: Some(if i % 2 == 0 {
                ExclusionPredicate { co_ids: vec![ControlObjectiveId(i * 37)], ..Default::default() }
            } else {
                ExclusionPredicate {
                    asset_id: Match::Exactly(AssetId(i % n + 1)),
                    attacker_id: Match::Exactly(AttackerId(i % 13 + 1)),
                    ..Default::default()
                }
            }),
            attestation: Some(attestation(at(2026, 1, 1), None)),
            removed: false,
        })
        .collect();
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
}

#[test]
fn ten_thousand_objectives() {
    let model = large();
    let report = reachability(&model, now());
    let coherence = coherence_report(&model, now());
    assert_eq!(report.verdicts.len(), 10_000);
    assert!(report.summary.by_kind[&VerdictKind::Unreachable] > 0);
    assert!(report.summary.by_kind[&VerdictKind::Reachable] > 0);
    assert!(coherence.summary.total > 0);
    // Correct at the size the design allows; speed is for benchmarks, not tests.
}
