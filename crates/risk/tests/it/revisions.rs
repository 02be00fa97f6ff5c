//! Factor revisions: validation, overlay, history.

use chrono::{TimeZone, Utc};
use rampart_risk::{
    CurrentFactors, FactorPatch, FactorRevision, FactorSubject, ImpactFactors, ImpactPatch, LikelihoodFactors,
    LikelihoodPatch, RevisionError, RevisionRequest, Subscore, VersionFactors, factor_history, overlay_impact,
};

fn request(seq: u64, version: u32, reason: &str, patch: FactorPatch) -> RevisionRequest {
    RevisionRequest {
        seq,
        subject: FactorSubject::Asset("A1".into()),
        model_version: version,
        editor: "alice".into(),
        at: Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
        change_reason: reason.into(),
        patch,
    }
}

fn integrity(s: Subscore) -> FactorPatch {
    FactorPatch::Impact(ImpactPatch { integrity: Some(s), ..Default::default() })
}

#[test]
fn a_reason_is_required_and_the_edit_must_change_something() {
    let base = CurrentFactors::Impact(ImpactFactors::default());
    assert_eq!(
        FactorRevision::record(request(1, 1, "  ", integrity(Subscore::High)), base),
        Err(RevisionError::MissingReason)
    );
    assert_eq!(
        FactorRevision::record(request(1, 1, "why", integrity(Subscore::Low)), base),
        Err(RevisionError::NoChange)
    );
    let long = "x".repeat(2_001);
    assert_eq!(
        FactorRevision::record(request(1, 1, &long, integrity(Subscore::High)), base),
        Err(RevisionError::ReasonTooLong)
    );
    let wrong = FactorPatch::Likelihood(LikelihoodPatch::default());
    assert!(matches!(
        FactorRevision::record(request(1, 1, "why", wrong), base),
        Err(RevisionError::WrongFactorKind { .. })
    ));
}

#[test]
fn the_overlay_applies_only_this_versions_revisions_in_order() {
    let base = ImpactFactors::default();
    let cur = CurrentFactors::Impact(base);
    let r1 = FactorRevision::record(request(1, 3, "raise", integrity(Subscore::High)), cur).unwrap();
    let r2 = FactorRevision::record(request(2, 3, "lower again", integrity(Subscore::None)), cur).unwrap();
    let old = FactorRevision::record(request(3, 2, "older version", integrity(Subscore::High)), cur).unwrap();
    // Out of order on purpose: seq decides.
    let revisions = [r2.clone(), old, r1.clone()];
    assert_eq!(overlay_impact(base, "A1", 3, &revisions).integrity, Subscore::None);
    assert_eq!(overlay_impact(base, "A1", 3, &[r1]).integrity, Subscore::High);
    assert_eq!(overlay_impact(base, "A2", 3, &revisions), base, "other assets are untouched");
    assert_eq!(r2.changes[0].factor, "integrity");
}

#[test]
fn history_lists_versions_in_order_with_ratings() {
    let base = ImpactFactors::default();
    let r = FactorRevision::record(request(1, 1, "raise", integrity(Subscore::High)), CurrentFactors::Impact(base))
        .unwrap();
    let points = [
        VersionFactors { version: 2, impact: r.patch_impact(base), likelihood: LikelihoodFactors::default() },
        VersionFactors { version: 1, impact: base, likelihood: LikelihoodFactors::default() },
    ];
    let history = factor_history(&points, "A1", "T1", &[r]);
    assert_eq!(history.iter().map(|h| h.version).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(history[0].steps.len(), 1);
    assert!(history[0].steps[0].rating.impact >= history[0].rating_at_creation.impact);
    assert!(history[1].steps.is_empty());
}

trait PatchImpact {
    fn patch_impact(&self, base: ImpactFactors) -> ImpactFactors;
}

impl PatchImpact for FactorRevision {
    fn patch_impact(&self, base: ImpactFactors) -> ImpactFactors {
        match self.patch {
            FactorPatch::Impact(p) => p.apply(&base),
            FactorPatch::Likelihood(_) => base,
        }
    }
}
