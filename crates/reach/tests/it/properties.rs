//! Properties over arbitrary models.

use std::collections::BTreeSet;

use proptest::prelude::*;
use rampart_model::{AssumptionKind, ControlObjectiveId, SealSource};
use rampart_reach::{CoherenceReport, ReachabilityReport, Reason, VerdictKind, coherence_report, reachability};

use crate::fixture::now;
use crate::generate::{model, model_and_shuffle, raw_model, unattested};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// (i) Every live objective gets exactly one verdict, tombstoned ones none,
    /// in id order.
    #[test]
    fn one_verdict_per_live_objective(m in model()) {
        let report = reachability(&m, now());
        let live: Vec<ControlObjectiveId> = m.live_objectives().map(|co| co.id).collect();
        let judged: Vec<ControlObjectiveId> = report.verdicts.iter().map(|v| v.co_id).collect();
        prop_assert_eq!(judged, live);
        prop_assert_eq!(report.summary.total, report.verdicts.len());
    }

    /// (ii) Without any attestation nothing is unreachable; and taking
    /// attestations away changes no verdict that was not unreachable.
    #[test]
    fn only_attested_grounds_remove_objectives(m in model()) {
        let before = reachability(&m, now());
        let after = reachability(&unattested(&m), now());
        prop_assert_eq!(after.summary.by_kind[&VerdictKind::Unreachable], 0);
        for (b, a) in before.verdicts.iter().zip(&after.verdicts) {
            prop_assert_eq!(b.co_id, a.co_id);
            if b.kind != VerdictKind::Unreachable {
                prop_assert_eq!(b.reason, a.reason, "{}", b.co_id);
            }
        }
    }

    /// (iii) The reports depend on ids, not on the order of the lists.
    #[test]
    fn list_order_does_not_matter((m, shuffled) in model_and_shuffle()) {
        prop_assert_eq!(reachability(&m, now()), reachability(&shuffled, now()));
        prop_assert_eq!(coherence_report(&m, now()), coherence_report(&shuffled, now()));
    }

    /// (iv) Nothing panics on any structure, and the reports survive a JSON
    /// round trip.
    #[test]
    fn arbitrary_structures_are_handled(m in raw_model()) {
        let reach = reachability(&m, now());
        let coherence = coherence_report(&m, now());
        let back: ReachabilityReport = serde_json::from_value(serde_json::to_value(&reach).unwrap()).unwrap();
        prop_assert_eq!(&back, &reach);
        let back: CoherenceReport = serde_json::from_value(serde_json::to_value(&coherence).unwrap()).unwrap();
        prop_assert_eq!(&back, &coherence);
        let live: BTreeSet<ControlObjectiveId> = m.live_objectives().map(|co| co.id).collect();
        prop_assert!(reach.verdicts.len() <= live.len());
    }

    /// Every verdict is internally consistent: the kind follows the reason,
    /// the deciding ids are where the reason says, and they exist.
    #[test]
    fn verdicts_are_consistent(m in model()) {
        let report = reachability(&m, now());
        for v in &report.verdicts {
            prop_assert_eq!(v.kind, v.reason.kind());
            prop_assert_eq!(v.assumption_id.is_some(), v.reason == Reason::AssumptionExcludes);
            prop_assert_eq!(!v.missing_ids.is_empty(), v.reason == Reason::MissingEntity);
            let decided_by_boundaries =
                matches!(v.reason, Reason::BoundaryPasses | Reason::BoundaryBlocks | Reason::BlockUnattested);
            prop_assert_eq!(!v.boundary_ids.is_empty(), decided_by_boundaries);
            for tb in &v.boundary_ids {
                prop_assert!(v.attacker_positions.contains(tb) && v.asset_boundaries.contains(tb));
                let boundary = m.trust_boundary(*tb).unwrap();
                prop_assert!(!boundary.removed);
                let vector = v.attack_vector.unwrap();
                let passes = boundary.passes.as_ref().is_none_or(|p| p.contains(&vector));
                let attested = boundary.sealed && boundary.seal_source == SealSource::Attested;
                match v.reason {
                    Reason::BoundaryPasses => prop_assert!(passes),
                    Reason::BoundaryBlocks => prop_assert!(!passes && attested),
                    _ => prop_assert!(!passes && !attested),
                }
            }
            if let Some(id) = v.assumption_id {
                let a = m.assumption(id).unwrap();
                prop_assert!(!a.removed && a.kind == AssumptionKind::External);
                prop_assert!(a.attestation.as_ref().unwrap().is_current(now()));
            }
        }
        let kinds: usize = report.summary.by_kind.values().sum();
        let reasons: usize = report.summary.by_reason.values().sum();
        prop_assert_eq!(kinds, report.verdicts.len());
        prop_assert_eq!(reasons, report.verdicts.len());
    }

    /// Coherence findings are sorted, counted, and each names its subject.
    #[test]
    fn coherence_is_sorted_and_counted(m in model()) {
        let report = coherence_report(&m, now());
        let keys: Vec<_> = report.findings.iter().map(|f| (f.kind, f.ids.clone())).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        prop_assert_eq!(keys, sorted);
        prop_assert_eq!(report.summary.total, report.findings.len());
        prop_assert_eq!(report.summary.by_kind.values().sum::<usize>(), report.findings.len());
        prop_assert_eq!(report.summary.by_severity.values().sum::<usize>(), report.findings.len());
        for f in &report.findings {
            prop_assert!(!f.ids.is_empty() && !f.message.is_empty() && !f.suggested_fix.is_empty());
        }
    }
}
