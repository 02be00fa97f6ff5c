//! What an audit concludes: per run, per control, and overall.

use rampart_assurance::{StatusCounts, Sufficiency, VerificationStatus};
use rampart_model::ControlId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which keys the auditor trusts, and whether unsigned runs count.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Fingerprints the auditor pins. Empty: the package's own keys are used
    /// to detect tampering, but they prove nothing about who signed (anyone
    /// can put their own key in a package), so the verdict is at best
    /// [`AuditVerdict::UnverifiedSigners`].
    pub trusted_fingerprints: Vec<String>,
    pub allow_unsigned: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunCheck {
    /// Signed by a pinned key that was not revoked at the run's time, and
    /// the statement matches the run.
    Verified,
    /// Signed by a key the package carries, with no key pinned: consistent,
    /// but the signer is unknown. Counted to re-derive the statuses; the
    /// verdict cannot be `VERIFIED`.
    UnpinnedKey,
    /// Not signed; counted only with `allow_unsigned`.
    Unsigned,
    /// Signed, by a key the auditor does not trust.
    UntrustedKey,
    /// Signed by a key revoked at or before the run was created or submitted.
    RevokedKey,
    /// The signature, the statement or a claim binding does not match.
    Tampered,
}

/// A result of a counted run that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RefusedResult {
    pub assertion_id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RunAudit {
    pub run_id: String,
    pub check: RunCheck,
    pub counted: bool,
    pub detail: String,
    /// Results not counted even though the run is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<RefusedResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ControlAudit {
    pub control_id: ControlId,
    pub claimed: VerificationStatus,
    /// Re-derived from the counted results, with sufficiency re-judged
    /// deterministically.
    pub derived: VerificationStatus,
    /// The deterministic judge's sufficiency.
    #[serde(default)]
    pub sufficiency: Sufficiency,
    /// The package says `sufficient` (e.g. an LLM judged it) and the
    /// deterministic judge does not reproduce it: not counted as sufficient.
    #[serde(default)]
    pub sufficiency_not_reproducible: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditVerdict {
    /// Every live control re-derives as verified from runs signed by pinned keys.
    Verified,
    /// Some controls re-derive as verified.
    PartiallyVerified,
    /// None does.
    Unverified,
    /// No key was pinned: nothing is inconsistent, but the runs may have
    /// been signed by anyone, so no status is established.
    UnverifiedSigners,
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
    /// Controls whose packaged `sufficient` judgement the deterministic judge
    /// does not reproduce.
    #[serde(default)]
    pub sufficiency_not_reproducible: Vec<ControlId>,
    pub claimed_posture: StatusCounts,
    pub derived_posture: StatusCounts,
    pub problems: Vec<String>,
}
