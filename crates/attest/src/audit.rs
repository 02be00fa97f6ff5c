//! The audit package (what a server exports) and its offline audit: check
//! every run's signature against pinned keys, bind each result to the claim
//! it was made for, replay the runs into the latest verdicts, and re-derive
//! every control's status and the posture with the domain crates. A server
//! that claims more than its signed evidence supports is caught here.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_assurance::{
    EvidenceAssertion, StatusCounts, SufficiencyJudgement, TierResult, VerificationStatus, assess, evaluate,
    fold_result, tier_result,
};
use rampart_model::{ControlId, ThreatModel};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::dsse::{Envelope, verify_envelope};
use crate::keys::PublicKey;
use crate::results::RunPredicate;

/// The package format this version writes and reads.
pub const AUDIT_FORMAT: &str = "rampart-audit/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PackagedAssertion {
    pub id: String,
    pub subject_id: String,
    #[serde(rename = "type")]
    pub assertion_type: String,
    pub params: Map<String, Value>,
    pub description: String,
    pub claim_hash: String,
    pub removed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PackagedRun {
    pub run: RunPredicate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope: Option<Envelope>,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackagedKey {
    pub fingerprint: String,
    pub public_key_pem: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What the server says the evidence means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Claimed {
    pub control_status: BTreeMap<ControlId, VerificationStatus>,
    pub posture: StatusCounts,
}

/// Everything needed to re-derive a model's verification state offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuditPackage {
    pub format: String,
    pub generated_at: DateTime<Utc>,
    pub model_id: String,
    /// The live view of the model at export.
    pub model: ThreatModel,
    pub assertions: Vec<PackagedAssertion>,
    /// In the order the server received them.
    pub runs: Vec<PackagedRun>,
    pub keys: Vec<PackagedKey>,
    pub sufficiency: BTreeMap<ControlId, SufficiencyJudgement>,
    pub claimed: Claimed,
}

/// Which keys the auditor trusts, and whether unsigned runs count.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Fingerprints the auditor pins. Empty: trust the keys in the package
    /// (reported as such).
    pub trusted_fingerprints: Vec<String>,
    pub allow_unsigned: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunCheck {
    /// Signed by a trusted key, statement matches the run.
    Verified,
    /// Not signed; counted only with `allow_unsigned`.
    Unsigned,
    /// Signed, by a key the auditor does not trust.
    UntrustedKey,
    /// The signature, the statement or a claim binding does not match.
    Tampered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RunAudit {
    pub run_id: String,
    pub check: RunCheck,
    pub counted: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ControlAudit {
    pub control_id: ControlId,
    pub claimed: VerificationStatus,
    pub derived: VerificationStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditVerdict {
    /// Every live control re-derives as verified from trusted signed runs.
    Verified,
    /// Some controls re-derive as verified.
    PartiallyVerified,
    /// None does.
    Unverified,
    /// Tampering, or the server claims more than the evidence supports.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditReport {
    pub verdict: AuditVerdict,
    pub model_id: String,
    pub keys_pinned: bool,
    pub runs: Vec<RunAudit>,
    pub controls: Vec<ControlAudit>,
    /// Controls the server claims at a better status than re-derived.
    pub overclaimed: Vec<ControlId>,
    pub claimed_posture: StatusCounts,
    pub derived_posture: StatusCounts,
    pub problems: Vec<String>,
}

fn check_run(p: &PackagedRun, trusted: &[PublicKey], assertions: &BTreeMap<&str, &PackagedAssertion>) -> RunAudit {
    let run_id = p.run.run_id.clone();
    let (check, detail) = match &p.envelope {
        None => (RunCheck::Unsigned, "no signature".to_owned()),
        Some(envelope) => match verify_envelope(envelope, trusted) {
            Ok(statement) if statement.predicate == p.run => (RunCheck::Verified, "signature verified".to_owned()),
            Ok(_) => (RunCheck::Tampered, "the signed statement differs from the run".to_owned()),
            Err(crate::AttestError::UnknownKey(fp)) => {
                (RunCheck::UntrustedKey, format!("signed by untrusted key {fp}"))
            }
            Err(e) => (RunCheck::Tampered, e.to_string()),
        },
    };
    if check == RunCheck::Tampered {
        return RunAudit { run_id, check, counted: false, detail };
    }
    for r in &p.run.results {
        let bound = assertions.get(r.assertion_id.as_str());
        let ok = match (bound, &r.claim_hash) {
            (Some(a), Some(h)) => a.claim_hash == *h && a.assertion_type == r.assertion_type,
            (Some(a), None) => a.assertion_type == r.assertion_type,
            (None, _) => false,
        };
        if !ok {
            return RunAudit {
                run_id,
                check: RunCheck::Tampered,
                counted: false,
                detail: format!("result for {} does not match the packaged assertion", r.assertion_id),
            };
        }
    }
    RunAudit { run_id, check, counted: false, detail }
}

/// Audits a package. Pure: the same package and options give the same report.
pub fn audit(package: &AuditPackage, options: &AuditOptions) -> AuditReport {
    let mut problems = Vec::new();
    if package.format != AUDIT_FORMAT {
        problems.push(format!("unknown package format `{}` (expected {AUDIT_FORMAT})", package.format));
    }
    let keys_pinned = !options.trusted_fingerprints.is_empty();
    let trusted: Vec<PublicKey> = package
        .keys
        .iter()
        .filter(|k| !keys_pinned || options.trusted_fingerprints.iter().any(|f| f.eq_ignore_ascii_case(&k.fingerprint)))
        .filter_map(|k| PublicKey::from_pem(&k.public_key_pem).ok())
        .filter(|k| {
            !keys_pinned || options.trusted_fingerprints.iter().any(|f| f.eq_ignore_ascii_case(&k.fingerprint()))
        })
        .collect();
    let by_id: BTreeMap<&str, &PackagedAssertion> = package.assertions.iter().map(|a| (a.id.as_str(), a)).collect();

    let mut runs: Vec<&PackagedRun> = package.runs.iter().collect();
    runs.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at).then_with(|| a.run.run_id.cmp(&b.run.run_id)));
    let mut latest: BTreeMap<&str, (TierResult, TierResult, Option<String>)> = BTreeMap::new();
    let mut run_audits = Vec::new();
    let mut all_counted = true;
    for p in runs {
        let mut ra = check_run(p, &trusted, &by_id);
        if p.run.model_id != package.model_id {
            ra.check = RunCheck::Tampered;
            ra.detail = format!("the run is for model {}", p.run.model_id);
        }
        ra.counted = ra.check == RunCheck::Verified || (ra.check == RunCheck::Unsigned && options.allow_unsigned);
        all_counted &= ra.counted;
        if ra.check == RunCheck::Tampered {
            problems.push(format!("run {}: {}", ra.run_id, ra.detail));
        }
        if ra.counted {
            for r in &p.run.results {
                let prev = latest.get(r.assertion_id.as_str()).cloned().unwrap_or_default();
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
                latest.insert(r.assertion_id.as_str(), (t1, t2, hash));
            }
        }
        run_audits.push(ra);
    }

    let evidence: Vec<EvidenceAssertion> = package
        .assertions
        .iter()
        .filter(|a| !a.removed)
        .map(|a| {
            let (tier1, tier2, _) = latest.get(a.id.as_str()).cloned().unwrap_or_default();
            EvidenceAssertion {
                id: a.id.clone(),
                subject_id: a.subject_id.clone(),
                assertion_type: a.assertion_type.clone(),
                params: a.params.clone(),
                description: a.description.clone(),
                tier1,
                tier2,
            }
        })
        .collect();
    let evaluation = evaluate(&package.model, &evidence, &package.sufficiency);
    let derived_posture = assess(&package.model, &evaluation.evidence(), package.generated_at).summary;

    let mut controls = Vec::new();
    let mut overclaimed = Vec::new();
    for (id, c) in &evaluation.controls {
        let claimed = package.claimed.control_status.get(id).copied().unwrap_or(VerificationStatus::Unverified);
        if claimed == VerificationStatus::Verified && c.status != VerificationStatus::Verified {
            overclaimed.push(*id);
        }
        controls.push(ControlAudit { control_id: *id, claimed, derived: c.status });
    }
    // With every run counted, the server's statuses must match exactly.
    if all_counted && controls.iter().any(|c| c.claimed != c.derived) {
        problems.push("the claimed control statuses differ from those re-derived from the runs".to_owned());
    }
    if !overclaimed.is_empty() {
        problems.push(format!("{} control(s) claimed verified without trusted evidence", overclaimed.len()));
    }
    let claimed_mitigated = package.claimed.posture.mitigated;
    if claimed_mitigated > derived_posture.mitigated {
        problems.push(format!(
            "posture claims {claimed_mitigated} mitigated objective(s); the evidence supports {}",
            derived_posture.mitigated
        ));
    }
    let verified = controls.iter().filter(|c| c.derived == VerificationStatus::Verified).count();
    let verdict = if !problems.is_empty() {
        AuditVerdict::Failed
    } else if verified > 0 && verified == controls.len() {
        AuditVerdict::Verified
    } else if verified > 0 {
        AuditVerdict::PartiallyVerified
    } else {
        AuditVerdict::Unverified
    };
    AuditReport {
        verdict,
        model_id: package.model_id.clone(),
        keys_pinned,
        runs: run_audits,
        controls,
        overclaimed,
        claimed_posture: package.claimed.posture,
        derived_posture,
        problems,
    }
}
