//! The verdict of every objective in the worked example, and targeted checks
//! of each rule.

use rampart_model::{AnyId, AssetId, AssumptionId, ControlObjectiveId, Match, SealSource, TrustBoundaryId};
use rampart_reach::{Reason, VerdictKind, reachability};
use rampart_risk::AttackVector;

use crate::fixture::{at, co, now, uploads};

fn tb(ids: &[u32]) -> Vec<TrustBoundaryId> {
    ids.iter().map(|&i| TrustBoundaryId(i)).collect()
}

#[test]
fn every_objective_gets_the_expected_verdict() {
    use Reason::*;
    /// (asset, attacker, reason, deciding boundaries, assumption)
    type Row = (u32, u32, Reason, &'static [u32], Option<u32>);
    let expected: &[Row] = &[
        (1, 1, BoundaryPasses, &[1], None),
        (1, 2, BoundaryBlocks, &[2], None),
        (1, 3, AttackerUnpositioned, &[], None),
        (2, 1, AssumptionExcludes, &[], Some(1)),
        (2, 2, BoundaryBlocks, &[2], None),
        (2, 3, AssumptionExcludes, &[], Some(1)),
        (3, 1, AssumptionExcludes, &[], Some(4)),
        (3, 2, AssetUnbounded, &[], None),
        (3, 3, AttackerUnpositioned, &[], None),
        (4, 1, AssetUnbounded, &[], None),
        (4, 2, AssetUnbounded, &[], None),
        (4, 3, AttackerUnpositioned, &[], None),
        (5, 1, NoSharedBoundary, &[], None),
        (5, 2, BoundaryPasses, &[4], None),
        (5, 3, AttackerUnpositioned, &[], None),
        (6, 1, NoSharedBoundary, &[], None),
        (6, 2, BlockUnattested, &[3], None),
        (6, 3, AttackerUnpositioned, &[], None),
    ];
    let report = reachability(&uploads(), now());
    let mut ids: Vec<ControlObjectiveId> = expected.iter().map(|e| co(e.0, e.1)).collect();
    ids.push(ControlObjectiveId(22));
    assert_eq!(report.verdicts.iter().map(|v| v.co_id).collect::<Vec<_>>(), ids);
    for &(a, t, reason, boundaries, assumption) in expected {
        let v = report.verdict(co(a, t)).unwrap();
        assert_eq!(v.reason, reason, "{}: {}", v.co_id, v.narration);
        assert_eq!(v.kind, reason.kind());
        assert_eq!(v.boundary_ids, tb(boundaries), "{}", v.co_id);
        assert_eq!(v.assumption_id, assumption.map(AssumptionId), "{}", v.co_id);
        assert!(v.missing_ids.is_empty());
        assert!(v.narration.ends_with('.') && !v.narration.contains('\n'), "{}", v.narration);
    }
    let stale = report.verdict(ControlObjectiveId(22)).unwrap();
    assert_eq!(stale.reason, Reason::MissingEntity);
    assert_eq!(stale.missing_ids, vec![AnyId::Asset(AssetId(8))]);
    assert_eq!(stale.narration, "Reachability of CO22 cannot be decided because its asset A8 does not exist.");
}

#[test]
fn every_reason_occurs_in_the_example() {
    let report = reachability(&uploads(), now());
    for reason in Reason::ALL {
        assert!(report.summary.by_reason[&reason] > 0, "{reason} missing from the example");
    }
    assert_eq!(report.summary.total, 19);
    assert_eq!(report.summary.by_kind[&VerdictKind::Reachable], 3);
    assert_eq!(report.summary.by_kind[&VerdictKind::Unreachable], 5);
    assert_eq!(report.summary.by_kind[&VerdictKind::Indeterminate], 11);
}

#[test]
fn tombstoned_objectives_get_no_verdict() {
    let model = uploads();
    let report = reachability(&model, now());
    for id in [co(7, 1), co(7, 2), co(7, 3)] {
        assert!(model.control_objective(id).unwrap().removed);
        assert!(report.verdict(id).is_none());
    }
}

#[test]
fn verdicts_carry_the_placement_they_were_decided_on() {
    let report = reachability(&uploads(), now());
    let v = report.verdict(co(1, 1)).unwrap();
    assert_eq!(v.attack_vector, Some(AttackVector::Network));
    // TB5 is soft-deleted, so it is no position of T1.
    assert_eq!(v.attacker_positions, tb(&[1]));
    // TB2 through the object store, TB1 because it crosses A1.
    assert_eq!(v.asset_boundaries, tb(&[1, 2]));
    assert_eq!(
        v.narration,
        "CO1 is reachable: TB1 lets Network attacks from External Network Attacker (T1) through to Uploaded Files (A1)."
    );
}

#[test]
fn an_expired_attestation_stops_excluding() {
    // AS1 is in force until 2027-01-15; afterwards CO4 falls back to AS4 (no
    // expiry) and CO6 to its structure.
    let later = at(2027, 6, 1);
    let report = reachability(&uploads(), later);
    assert_eq!(report.verdict(co(2, 1)).unwrap().assumption_id, Some(AssumptionId(4)));
    assert_eq!(report.verdict(co(2, 3)).unwrap().reason, Reason::AttackerUnpositioned);
    // Before AS1 was given, likewise.
    let earlier = at(2026, 1, 10);
    assert_eq!(reachability(&uploads(), earlier).verdict(co(2, 3)).unwrap().reason, Reason::AttackerUnpositioned);
}

#[test]
fn removing_an_assumption_stops_excluding() {
    let mut model = uploads();
    model.assumptions[0].removed = true;
    let report = reachability(&model, now());
    assert_eq!(report.verdict(co(2, 1)).unwrap().assumption_id, Some(AssumptionId(4)));
    assert_eq!(report.verdict(co(2, 3)).unwrap().reason, Reason::AttackerUnpositioned);
}

#[test]
fn a_non_applicability_attestation_is_not_a_ground() {
    // AS6 would exclude every objective of A4 if it counted.
    let report = reachability(&uploads(), now());
    assert_eq!(report.verdict(co(4, 1)).unwrap().reason, Reason::AssetUnbounded);
}

#[test]
fn an_unattested_seal_leaves_a_block_reachable_and_attesting_it_closes_it() {
    let mut model = uploads();
    let v = reachability(&model, now()).verdict(co(6, 2)).cloned().unwrap();
    assert_eq!(v.kind, VerdictKind::Reachable);
    assert_eq!(
        v.narration,
        "CO17 stays reachable: TB3 blocks Local attacks from Malicious Insider (T2) to Release Artifacts (A6), but \
         the seal of TB3 is not attested."
    );
    model.trust_boundaries[2].seal_source = SealSource::Attested;
    let v = reachability(&model, now()).verdict(co(6, 2)).cloned().unwrap();
    assert_eq!(v.reason, Reason::BoundaryBlocks);
    assert_eq!(v.boundary_ids, tb(&[3]));
}

#[test]
fn an_attested_source_without_a_seal_does_not_block() {
    let mut model = uploads();
    // Make TB2 unsealed but keep its attested source: the block no longer counts.
    model.trust_boundaries[1].sealed = false;
    let v = reachability(&model, now()).verdict(co(1, 2)).cloned().unwrap();
    assert_eq!(v.reason, Reason::BlockUnattested);
    assert_eq!(v.boundary_ids, tb(&[2]));
}

#[test]
fn one_passing_boundary_outweighs_blocking_ones() {
    let mut model = uploads();
    // Position T2 at TB1 as well; A2 lies in TB1 and TB2. TB1 passes only
    // Network, so for Local it blocks, unattested: still reachable.
    model.attackers[1].trust_boundary_ids.push(TrustBoundaryId(1));
    let v = reachability(&model, now()).verdict(co(2, 2)).cloned().unwrap();
    assert_eq!(v.reason, Reason::BlockUnattested);
    assert_eq!(v.boundary_ids, tb(&[1]));
    // Let TB1 pass everything: now it is the open door.
    model.trust_boundaries[0].passes = None;
    let v = reachability(&model, now()).verdict(co(2, 2)).cloned().unwrap();
    assert_eq!(v.reason, Reason::BoundaryPasses);
    assert_eq!(v.boundary_ids, tb(&[1]));
    assert_eq!(
        v.narration,
        "CO5 is reachable: TB1 lets Local attacks from Malicious Insider (T2) through to Storage Credentials (A2)."
    );
}

#[test]
fn the_lowest_matching_assumption_is_named() {
    let mut model = uploads();
    // Widen AS1 so it also covers CO7, which AS4 names outright: AS1 has the lower id.
    model.assumptions[0].exclusion.as_mut().unwrap().asset_id = Match::Any;
    model.assumptions[0].exclusion.as_mut().unwrap().attacker_vector = Match::Exactly(AttackVector::Network);
    let report = reachability(&model, now());
    assert_eq!(report.verdict(co(3, 1)).unwrap().assumption_id, Some(AssumptionId(1)));
}

#[test]
fn the_report_records_version_and_instant() {
    let model = uploads();
    let report = reachability(&model, now());
    assert_eq!(report.model_version, model.version);
    assert_eq!(report.as_of, now());
}
