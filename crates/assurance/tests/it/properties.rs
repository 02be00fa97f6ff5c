//! Posture and finding invariants under arbitrary evidence.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rampart_assurance::{
    AssertionVerdict, Coherence, Evidence, FindingAction, FindingState, MitigatedBy, PostureStatus, Sufficiency,
    TierResult, VerificationStatus, assess, verification_status,
};
use rampart_model::{ControlId, ThreatModel};

use crate::support::{file_uploads, now};

fn status() -> impl Strategy<Value = VerificationStatus> {
    prop_oneof![
        Just(VerificationStatus::Unverified),
        Just(VerificationStatus::Pending),
        Just(VerificationStatus::PartiallyVerified),
        Just(VerificationStatus::Verified),
    ]
}

fn tier() -> impl Strategy<Value = TierResult> {
    prop_oneof![Just(TierResult::Pass), Just(TierResult::Fail), Just(TierResult::Pending)]
}

fn verdicts() -> impl Strategy<Value = Vec<AssertionVerdict>> {
    proptest::collection::vec(
        (tier(), tier(), any::<bool>()).prop_map(|(t1, t2, coherent)| AssertionVerdict {
            assertion_id: String::new(),
            tier1: t1,
            tier2: t2,
            coherence: if coherent { Coherence::Coherent } else { Coherence::Incoherent { reason: "no".into() } },
        }),
        0..6,
    )
}

/// A model with several groups per objective: the walkthrough plus extra controls.
fn model(groups: &[(u32, u32, Option<u32>)]) -> ThreatModel {
    let mut model = file_uploads();
    for (i, (co, _, group)) in groups.iter().enumerate() {
        let draft = serde_json::json!({"op": "add_control", "control": {
            "description": format!("Extra control number {i}"),
            "mappings": [{"co": format!("CO{}", co), "group": group}]}});
        let edit: rampart_model::Edit = serde_json::from_value(draft).unwrap();
        model = model.apply(&edit, &rampart_model::DeterministicJudge).unwrap().model;
    }
    model
}

proptest! {
    #[test]
    fn posture_does_not_depend_on_the_order_of_controls(
        extra in proptest::collection::vec((1u32..=4, 0u32..1, proptest::option::of(1u32..4)), 0..8),
        statuses in proptest::collection::vec(status(), 12),
        seed in any::<u64>(),
    ) {
        let model = model(&extra);
        let evidence = Evidence {
            controls: model.controls.iter().zip(&statuses).map(|(c, s)| (c.id, *s)).collect(),
            ..Evidence::default()
        };
        let report = assess(&model, &evidence, now());
        let mut shuffled = model.clone();
        // A deterministic shuffle of the control list.
        let n = shuffled.controls.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            shuffled.controls.swap(i, j);
        }
        prop_assert_eq!(assess(&shuffled, &evidence, now()), report);
    }

    #[test]
    fn a_mitigated_objective_has_a_verified_group_or_an_attested_assumption(
        extra in proptest::collection::vec((1u32..=4, 0u32..1, proptest::option::of(1u32..4)), 0..8),
        statuses in proptest::collection::vec(status(), 12),
    ) {
        let model = model(&extra);
        let evidence = Evidence {
            controls: model.controls.iter().zip(&statuses).map(|(c, s)| (c.id, *s)).collect(),
            ..Evidence::default()
        };
        for p in assess(&model, &evidence, now()).objectives() {
            match (p.status, p.mitigated_by) {
                (PostureStatus::Mitigated, Some(MitigatedBy::Controls { group })) => {
                    let members: Vec<ControlId> = model.live_controls()
                        .filter(|c| c.mapping_for(p.co_id).is_some_and(|m| m.group == Some(group)))
                        .map(|c| c.id).collect();
                    prop_assert!(!members.is_empty());
                    for id in members {
                        prop_assert_eq!(evidence.controls.get(&id), Some(&VerificationStatus::Verified));
                    }
                }
                (PostureStatus::Mitigated, Some(MitigatedBy::Assumption { assumption_id })) => {
                    let a = model.assumption(assumption_id).unwrap();
                    prop_assert!(a.attestation.as_ref().is_some_and(|att| att.is_current(now())));
                }
                (PostureStatus::Mitigated, None) => prop_assert!(false, "mitigated without a cause"),
                (_, by) => prop_assert!(by.is_none()),
            }
        }
    }

    #[test]
    fn verification_status_ignores_assertion_order(mut vs in verdicts(), suff in prop_oneof![
        Just(Sufficiency::Sufficient), Just(Sufficiency::Insufficient), Just(Sufficiency::Pending), Just(Sufficiency::Stale)]) {
        let status = verification_status(&vs, suff);
        vs.reverse();
        prop_assert_eq!(verification_status(&vs, suff), status);
        if status == VerificationStatus::Verified {
            prop_assert!(!vs.is_empty() && suff == Sufficiency::Sufficient);
            prop_assert!(vs.iter().all(|v| v.tier1 == TierResult::Pass && v.tier2 == TierResult::Pass && v.coherence.admits()));
        }
    }

    #[test]
    fn a_finding_never_moves_backwards(actions in proptest::collection::vec(0u8..4, 0..12)) {
        let mut f = crate::findings::finding();
        let order = |s: FindingState| match s {
            FindingState::Discovered => 0,
            FindingState::Acknowledged => 1,
            FindingState::Remediated => 2,
            FindingState::Verified | FindingState::Dismissed => 3,
        };
        for a in actions {
            let before = f.state;
            let next = match a {
                0 => f.act(&FindingAction::Acknowledge, "p", now()),
                1 => f.act(&FindingAction::Remediate { assertion_ids: vec!["x".into()] }, "p", now()),
                2 => f.act(&FindingAction::Dismiss { reason: "r".into() }, "p", now()),
                _ => Ok(f.reconcile(&BTreeMap::from([("x".to_owned(), (TierResult::Pass, TierResult::Pass))]), now())),
            };
            if let Ok(next) = next {
                prop_assert!(order(next.state) >= order(before));
                if before.is_terminal() { prop_assert_eq!(next.state, before); }
                f = next;
            }
        }
    }
}

/// A model whose assumptions carry attestations at the given offsets (hours
/// from `now()`): (attested_at, expires_at).
fn attested_model(attestations: &[(i64, Option<i64>)]) -> ThreatModel {
    let mut model = file_uploads();
    for (i, (from, until)) in attestations.iter().enumerate() {
        let at = |h: i64| now() + chrono::Duration::hours(h);
        let draft = serde_json::json!({"op": "add_assumption", "assumption": {
            "description": format!("Boundary assumption number {i}"),
            "linked_co_ids": [format!("CO{}", i % 4 + 1)],
            "attestation": {"attested_by": "ciso@example.com", "statement": "Reviewed",
                            "attested_at": at(*from), "expires_at": until.map(|u| at(from + u.abs() + 1))}}});
        let edit: rampart_model::Edit = serde_json::from_value(draft).unwrap();
        model = model.apply(&edit, &rampart_model::DeterministicJudge).unwrap().model;
    }
    model
}

proptest! {
    /// Posture computed at `t` holds at every instant before the model's next
    /// time boundary: the server's cache of assessments relies on it.
    #[test]
    fn posture_holds_until_the_next_time_boundary(
        attestations in proptest::collection::vec((-48i64..48, proptest::option::of(0i64..48)), 0..5),
        start in -72i64..72,
        step_minutes in 1i64..(96 * 60),
    ) {
        let model = attested_model(&attestations);
        let evidence = Evidence::default();
        let t = now() + chrono::Duration::hours(start);
        let later = t + chrono::Duration::minutes(step_minutes);
        let before = assess(&model, &evidence, t);
        match model.next_time_boundary(t) {
            Some(boundary) if later >= boundary => {}
            _ => prop_assert_eq!(before, assess(&model, &evidence, later)),
        }
        if let Some(boundary) = model.next_time_boundary(t) {
            prop_assert!(boundary > t);
        }
    }
}
