//! The audit package (what a server exports) and its offline audit: check
//! every run's signature against pinned keys (honouring revocation), bind
//! each result to the claim hash recomputed from its packaged claim, replay
//! the runs into the latest verdicts, and re-derive every control's status,
//! its sufficiency (with the deterministic judge) and the posture with the
//! domain crates. A server that claims more than its signed evidence
//! supports is caught here; without pinned keys nothing is called verified.

mod derive;
mod package;
mod report;
mod runs;

use std::collections::BTreeMap;

use rampart_assurance::{VerificationStatus, claim_hash};

pub use package::{AUDIT_FORMAT, AuditPackage, Claimed, PackagedAssertion, PackagedKey, PackagedRun};
pub use report::{AuditOptions, AuditReport, AuditVerdict, ControlAudit, RefusedResult, RunAudit, RunCheck};

/// Each packaged assertion with the claim hash recomputed from its claim;
/// a stored hash that differs is a problem.
fn claims<'a>(
    package: &'a AuditPackage,
    problems: &mut Vec<String>,
) -> BTreeMap<&'a str, (&'a PackagedAssertion, String)> {
    let mut out = BTreeMap::new();
    for a in &package.assertions {
        let recomputed = claim_hash(&a.subject_id, &a.assertion_type, &a.params, &a.description);
        if recomputed != a.claim_hash {
            problems.push(format!(
                "assertion {}: its stored claim hash {} is not the hash of its subject, type, parameters and description ({recomputed})",
                a.id, a.claim_hash
            ));
        }
        out.insert(a.id.as_str(), (a, recomputed));
    }
    out
}

/// Audits a package. Pure: the same package and options give the same report.
pub fn audit(package: &AuditPackage, options: &AuditOptions) -> AuditReport {
    let mut problems = Vec::new();
    if package.format != AUDIT_FORMAT {
        problems.push(format!("unknown package format `{}` (expected {AUDIT_FORMAT})", package.format));
    }
    let keys = runs::Keys::new(&package.keys, &options.trusted_fingerprints, &mut problems);
    let claims = claims(package, &mut problems);

    let mut ordered: Vec<&PackagedRun> = package.runs.iter().collect();
    ordered.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at).then_with(|| a.run.run_id.cmp(&b.run.run_id)));
    let mut latest = derive::Latest::new();
    let mut run_audits = Vec::new();
    let mut all_counted = true;
    for p in ordered {
        let mut ra = runs::check_run(p, &package.model_id, &keys, &claims);
        ra.counted = matches!(ra.check, RunCheck::Verified | RunCheck::UnpinnedKey)
            || (ra.check == RunCheck::Unsigned && options.allow_unsigned);
        all_counted &= ra.counted && ra.refused.is_empty();
        if ra.check == RunCheck::Tampered {
            problems.push(format!("run {}: {}", ra.run_id, ra.detail));
        }
        derive::replay(&mut latest, p, &ra);
        run_audits.push(ra);
    }

    let d = derive::derive(package, &latest);
    // With every result counted, the server's statuses must be exactly what
    // its own judgements give.
    if all_counted && d.claims_differ {
        problems.push("the claimed control statuses differ from those re-derived from the runs".to_owned());
    }
    if !d.overclaimed.is_empty() {
        problems.push(format!("{} control(s) claimed verified without trusted evidence", d.overclaimed.len()));
    }
    let claimed_mitigated = package.claimed.posture.mitigated;
    if claimed_mitigated > d.posture_as_judged.mitigated {
        problems.push(format!(
            "posture claims {claimed_mitigated} mitigated objective(s); the evidence supports {}",
            d.posture_as_judged.mitigated
        ));
    }
    let verified = d.controls.iter().filter(|c| c.derived == VerificationStatus::Verified).count();
    let verdict = if !problems.is_empty() {
        AuditVerdict::Failed
    } else if !keys.pinned() {
        AuditVerdict::UnverifiedSigners
    } else if verified > 0 && verified == d.controls.len() {
        AuditVerdict::Verified
    } else if verified > 0 {
        AuditVerdict::PartiallyVerified
    } else {
        AuditVerdict::Unverified
    };
    AuditReport {
        verdict,
        model_id: package.model_id.clone(),
        keys_pinned: keys.pinned(),
        runs: run_audits,
        controls: d.controls,
        overclaimed: d.overclaimed,
        sufficiency_not_reproducible: d.not_reproducible,
        claimed_posture: package.claimed.posture,
        derived_posture: d.posture,
        problems,
    }
}
