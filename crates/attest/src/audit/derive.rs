//! From counted results to control statuses: replay the runs into the latest
//! verdicts, evaluate once as the server would (with its sufficiency
//! judgements) to check its claims, and once with the deterministic judge
//! alone for what the audit itself concludes.

use std::collections::{BTreeMap, HashMap};

use rampart_assurance::{
    ControlEvaluation, Evidence, EvidenceAssertion, EvidenceEvaluation, StatusCounts, Sufficiency, TierResult,
    VerificationStatus, assess, evaluate, fold_result, tier_result,
};
use rampart_model::ControlId;

use super::package::{AuditPackage, PackagedRun};
use super::report::{ControlAudit, RunAudit};

/// Each assertion's latest (tier 1, tier 2, evidence hash of the tier-2 pass).
pub(super) type Latest = BTreeMap<String, (TierResult, TierResult, Option<String>)>;

/// Folds the results of one run into `latest` if the run counts, leaving
/// out its refused results. Runs come in submission order.
pub(super) fn replay(latest: &mut Latest, run: &PackagedRun, audit: &RunAudit) {
    if !audit.counted {
        return;
    }
    for r in &run.run.results {
        if audit.refused.iter().any(|x| x.assertion_id == r.assertion_id) {
            continue;
        }
        let prev = latest.get(&r.assertion_id).cloned().unwrap_or_default();
        let (t1, t2) = fold_result(
            (prev.0, prev.1, prev.2.as_deref()),
            tier_result(&r.tier1),
            tier_result(&r.tier2),
            r.evidence_hash.as_deref(),
        );
        // The evidence hash a carried-over tier-2 pass stands on is the old one.
        let hash = if t2 == TierResult::Pass && tier_result(&r.tier2) != TierResult::Pass {
            prev.2
        } else {
            r.evidence_hash.clone()
        };
        latest.insert(r.assertion_id.clone(), (t1, t2, hash));
    }
}

/// The re-derived state and how it compares with the package's claims.
pub(super) struct Derivation {
    pub(super) controls: Vec<ControlAudit>,
    /// Claimed verified, but not verified even with the server's judgements.
    pub(super) overclaimed: Vec<ControlId>,
    /// A claimed status differs from the one the server's own judgements give.
    pub(super) claims_differ: bool,
    pub(super) not_reproducible: Vec<ControlId>,
    /// Posture from the audit's statuses.
    pub(super) posture: StatusCounts,
    /// Posture from the server's judgements over the counted results.
    pub(super) posture_as_judged: StatusCounts,
}

/// Posture with the given control statuses (assumptions as evaluated).
fn posture(
    package: &AuditPackage,
    evaluation: &EvidenceEvaluation,
    controls: impl Iterator<Item = (ControlId, VerificationStatus)>,
) -> StatusCounts {
    let evidence =
        Evidence { controls: controls.collect::<HashMap<_, _>>(), assumptions: evaluation.evidence().assumptions };
    assess(&package.model, &evidence, package.generated_at).summary
}

fn audited_control(
    id: ControlId,
    claimed: VerificationStatus,
    offline: &ControlEvaluation,
    judged: &ControlEvaluation,
) -> ControlAudit {
    let not_reproducible =
        judged.sufficiency.status == Sufficiency::Sufficient && offline.sufficiency.status != Sufficiency::Sufficient;
    // Verified only if both judges agree; otherwise never better than either.
    let derived = if offline.status == VerificationStatus::Verified { judged.status } else { offline.status };
    ControlAudit {
        control_id: id,
        claimed,
        derived,
        sufficiency: offline.sufficiency.status,
        sufficiency_not_reproducible: not_reproducible,
    }
}

pub(super) fn derive(package: &AuditPackage, latest: &Latest) -> Derivation {
    let evidence: Vec<EvidenceAssertion> = package
        .assertions
        .iter()
        .filter(|a| !a.removed)
        .map(|a| {
            let (tier1, tier2, _) = latest.get(&a.id).cloned().unwrap_or_default();
            a.evidence(tier1, tier2)
        })
        .collect();
    let offline = evaluate(&package.model, &evidence, &BTreeMap::new());
    let as_judged = evaluate(&package.model, &evidence, &package.sufficiency);
    let mut d = Derivation {
        controls: Vec::new(),
        overclaimed: Vec::new(),
        claims_differ: false,
        not_reproducible: Vec::new(),
        posture: StatusCounts::default(),
        posture_as_judged: posture(package, &as_judged, as_judged.controls.iter().map(|(id, c)| (*id, c.status))),
    };
    for (id, c) in &offline.controls {
        let Some(judged) = as_judged.controls.get(id) else { continue };
        let claimed = package.claimed.control_status.get(id).copied().unwrap_or(VerificationStatus::Unverified);
        if claimed == VerificationStatus::Verified && judged.status != VerificationStatus::Verified {
            d.overclaimed.push(*id);
        }
        d.claims_differ |= claimed != judged.status;
        let control = audited_control(*id, claimed, c, judged);
        if control.sufficiency_not_reproducible {
            d.not_reproducible.push(*id);
        }
        d.controls.push(control);
    }
    d.posture = posture(package, &offline, d.controls.iter().map(|c| (c.control_id, c.derived)));
    d
}
