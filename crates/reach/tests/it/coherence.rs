//! The coherence report of the worked example, and the findings it cannot
//! show (contradictions the model's edits refuse).

use std::collections::BTreeSet;

use rampart_model::{
    AnyId, AssetId, AssumptionId, AttackerId, ComponentId, ControlObjective, ControlObjectiveId, ExclusionPredicate,
    Match, ThreatModel,
};
use rampart_reach::{CoherenceSeverity, FindingKind, coherence_report, reachability};

use crate::fixture::{asset, attacker, boundary, component, now, uploads};

fn ids(report: &rampart_reach::CoherenceReport, kind: FindingKind) -> Vec<Vec<String>> {
    report.of_kind(kind).map(|f| f.ids.iter().map(ToString::to_string).collect()).collect()
}

#[test]
fn the_example_has_the_expected_findings() {
    use FindingKind::*;
    let report = coherence_report(&uploads(), now());
    let expected: &[(FindingKind, &[&[&str]])] = &[
        (DuplicateId, &[]),
        (BoundaryCrossesUnknownAsset, &[&["TB1", "A7"]]),
        (SealUnattested, &[&["TB3"]]),
        (SealAttestedUnsealed, &[&["TB4"]]),
        (ComponentUnbound, &[&["CMP2"]]),
        (ComponentUnplaced, &[&["CMP3"]]),
        (ComponentBoundaryUnknown, &[&["CMP4", "TB5"]]),
        (AssetComponentUnknown, &[&["A5", "CMP6"]]),
        (AssetUnscoped, &[&["A4"]]),
        (AttackerBoundaryUnknown, &[&["T1", "TB5"]]),
        (AssumptionUnattested, &[&["AS3"]]),
        (AssumptionExpired, &[&["AS2"]]),
        (AssumptionAttestationIgnored, &[&["AS6"]]),
        (AssumptionCoUnknown, &[]),
        (AssumptionCoTombstoned, &[&["AS5", "CO19"]]),
        (AssumptionPredicateUnknown, &[]),
        (AssumptionExcludesNothing, &[&["AS7"]]),
        (CoMissingEntity, &[&["CO22", "A8"]]),
        (CoAttackerUnpositioned, &[&["CO3", "T3"], &["CO9", "T3"], &["CO12", "T3"], &["CO15", "T3"], &["CO18", "T3"]]),
        (CoAssetUnbounded, &[&["CO8", "A3"], &["CO10", "A4"], &["CO11", "A4"]]),
        (CoNoSharedBoundary, &[&["CO13", "A5", "T1"], &["CO16", "A6", "T1"]]),
        (CoBlockUnattested, &[&["CO17", "TB3"]]),
    ];
    assert_eq!(expected.len(), FindingKind::ALL.len());
    for (kind, want) in expected {
        let want: Vec<Vec<String>> = want.iter().map(|f| f.iter().map(|s| s.to_string()).collect()).collect();
        assert_eq!(ids(&report, *kind), want, "{kind:?}");
    }
    assert_eq!(report.summary.total, report.findings.len());
    assert_eq!(report.summary.by_kind.values().sum::<usize>(), report.findings.len());
    assert_eq!(report.summary.by_severity.values().sum::<usize>(), report.findings.len());
}

#[test]
fn findings_are_sorted_and_summarised() {
    let report = coherence_report(&uploads(), now());
    let keys: Vec<_> = report.findings.iter().map(|f| (f.kind, f.ids.clone())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(report.summary.by_severity[&CoherenceSeverity::Error], 1);
    assert_eq!(report.summary.by_severity[&CoherenceSeverity::Info], 3);
}

#[test]
fn fixes_name_the_concrete_action() {
    let report = coherence_report(&uploads(), now());
    let fix = |kind: FindingKind| report.of_kind(kind).next().unwrap().suggested_fix.clone();
    assert_eq!(fix(FindingKind::ComponentUnplaced), "add CMP3 to a trust boundary");
    assert_eq!(fix(FindingKind::CoBlockUnattested), "attest the seal of TB3 or let it pass Local");
    assert_eq!(fix(FindingKind::CoAttackerUnpositioned), "add T3 to the trust boundary it attacks from");
    assert_eq!(
        fix(FindingKind::CoAssetUnbounded),
        "add CMP3 to a trust boundary, or list A3 in the crosses of the boundary its data crosses"
    );
    assert_eq!(
        fix(FindingKind::ComponentBoundaryUnknown),
        "remove TB5 from the trust boundaries of CMP4, or restore TB5"
    );
    assert_eq!(fix(FindingKind::AssumptionCoTombstoned), "unlink CO19 from AS5, or restore A7");
    assert_eq!(fix(FindingKind::AssumptionExpired), "re-attest AS2, or remove it if the assumption no longer holds");
    for f in &report.findings {
        assert!(!f.suggested_fix.is_empty() && !f.message.is_empty(), "{f:?}");
        let subject = f.ids[0].to_string();
        assert!(f.message.contains(&subject) || f.suggested_fix.contains(&subject), "{f:?}");
    }
}

#[test]
fn soft_deleted_references_warn_and_unknown_ones_are_errors() {
    let report = coherence_report(&uploads(), now());
    let severity = |kind: FindingKind| report.of_kind(kind).next().unwrap().severity;
    assert_eq!(severity(FindingKind::ComponentBoundaryUnknown), CoherenceSeverity::Warning);
    assert_eq!(severity(FindingKind::AssetComponentUnknown), CoherenceSeverity::Warning);
    assert_eq!(severity(FindingKind::CoMissingEntity), CoherenceSeverity::Error);
}

#[test]
fn per_objective_findings_agree_with_the_verdicts() {
    let model = uploads();
    let reach = reachability(&model, now());
    let report = coherence_report(&model, now());
    let pairs = [
        (rampart_reach::Reason::MissingEntity, FindingKind::CoMissingEntity),
        (rampart_reach::Reason::AttackerUnpositioned, FindingKind::CoAttackerUnpositioned),
        (rampart_reach::Reason::AssetUnbounded, FindingKind::CoAssetUnbounded),
        (rampart_reach::Reason::NoSharedBoundary, FindingKind::CoNoSharedBoundary),
        (rampart_reach::Reason::BlockUnattested, FindingKind::CoBlockUnattested),
    ];
    for (reason, kind) in pairs {
        let from_verdicts: Vec<AnyId> = reach.with_reason(reason).map(|v| AnyId::ControlObjective(v.co_id)).collect();
        let from_findings: Vec<AnyId> = report.of_kind(kind).map(|f| f.ids[0]).collect();
        assert_eq!(from_verdicts, from_findings, "{kind:?}");
    }
}

/// A model no edit would produce: duplicate ids, references to nothing.
fn broken() -> ThreatModel {
    let mut dup_asset = asset(1, "Second Copy", &[rampart_model::SecurityProperty::Integrity], &[]);
    dup_asset.description = "a duplicate".into();
    let t1 = attacker(1, "Outsider", rampart_risk::AttackVector::Network, &[1, 9]);
    ThreatModel {
        version: 3,
        trust_boundaries: vec![boundary(1, "Edge", &[1, 9], None, false, Default::default())],
        components: vec![component(1, "Api", None, Some("api"), &[1, 8])],
        assets: vec![asset(1, "Tokens", &[rampart_model::SecurityProperty::Confidentiality], &[1, 7]), dup_asset],
        attackers: vec![t1],
        control_objectives: vec![ControlObjective {
            id: ControlObjectiveId(1),
            asset_id: AssetId(1),
            attacker_id: AttackerId(1),
            properties: BTreeSet::from([rampart_model::SecurityProperty::Confidentiality]),
            statement: "Confidentiality of Tokens shall be protected from Outsider".into(),
            cal: None,
            removed: false,
        }],
        assumptions: vec![rampart_model::Assumption {
            id: AssumptionId(1),
            description: "Tokens never leave the edge".into(),
            kind: Default::default(),
            linked_co_ids: vec![ControlObjectiveId(5)],
            exclusion: Some(ExclusionPredicate {
                attacker_id: Match::Exactly(AttackerId(4)),
                asset_component_id: Match::Exactly(ComponentId(3)),
                co_ids: vec![],
                ..Default::default()
            }),
            attestation: Some(crate::fixture::attestation(crate::fixture::at(2026, 1, 1), None)),
            removed: false,
        }],
        controls: vec![],
    }
}

#[test]
fn contradictions_are_errors() {
    use FindingKind::*;
    let report = coherence_report(&broken(), now());
    let errors: Vec<(FindingKind, Vec<String>)> = report
        .findings
        .iter()
        .filter(|f| f.severity == CoherenceSeverity::Error)
        .map(|f| (f.kind, f.ids.iter().map(ToString::to_string).collect()))
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        errors,
        vec![
            (DuplicateId, s(&["A1"])),
            (BoundaryCrossesUnknownAsset, s(&["TB1", "A9"])),
            (ComponentBoundaryUnknown, s(&["CMP1", "TB8"])),
            (AssetComponentUnknown, s(&["A1", "CMP7"])),
            (AttackerBoundaryUnknown, s(&["T1", "TB9"])),
            (AssumptionCoUnknown, s(&["AS1", "CO5"])),
            (AssumptionPredicateUnknown, s(&["AS1", "CMP3"])),
            (AssumptionPredicateUnknown, s(&["AS1", "T4"])),
        ]
    );
    // The predicate names an attacker that does not exist, so it covers nothing.
    assert_eq!(ids(&report, AssumptionExcludesNothing), vec![vec!["AS1".to_string()]]);
    // The first asset listed as A1 is the one used.
    assert!(reachability(&broken(), now()).verdicts[0].narration.contains("Tokens (A1)"));
}
