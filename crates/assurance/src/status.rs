//! Control verification status: computed from evidence, never set, with every
//! transition recorded so drift (verified → not) is visible per control.

use chrono::{DateTime, Utc};
use rampart_model::ControlId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::assertion::Coherence;

/// The outcome of one verification tier for one assertion on the latest run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierResult {
    Pass,
    Fail,
    /// Not yet run, skipped, or run on stale evidence.
    #[default]
    Pending,
}

/// The latest verdicts for one assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AssertionVerdict {
    pub assertion_id: String,
    pub tier1: TierResult,
    pub tier2: TierResult,
    pub coherence: Coherence,
}

/// Whether a control's assertions together cover every clause of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sufficiency {
    Sufficient,
    Insufficient,
    #[default]
    Pending,
    /// Judged on an assertion set that has changed since.
    Stale,
}

/// A control's evidence status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// No assertion submitted.
    Unverified,
    /// Assertions exist; some verdict or the sufficiency judgement is still due.
    Pending,
    /// Some assertion failed a tier or is incoherent, or the set is insufficient.
    PartiallyVerified,
    /// ≥ 1 assertion, every one passed both tiers and is coherent, and the set is sufficient.
    Verified,
}

/// Computes a control's status. Order of `assertions` does not matter.
pub fn verification_status(assertions: &[AssertionVerdict], sufficiency: Sufficiency) -> VerificationStatus {
    if assertions.is_empty() {
        return VerificationStatus::Unverified;
    }
    let failed =
        assertions.iter().any(|a| a.tier1 == TierResult::Fail || a.tier2 == TierResult::Fail || !a.coherence.admits());
    if failed || sufficiency == Sufficiency::Insufficient {
        return VerificationStatus::PartiallyVerified;
    }
    let all_passed = assertions.iter().all(|a| a.tier1 == TierResult::Pass && a.tier2 == TierResult::Pass);
    if all_passed && sufficiency == Sufficiency::Sufficient {
        VerificationStatus::Verified
    } else {
        VerificationStatus::Pending
    }
}

/// One recorded change of a control's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusTransition {
    pub control_id: ControlId,
    pub from: VerificationStatus,
    pub to: VerificationStatus,
    pub at: DateTime<Utc>,
    /// What caused the recomputation (a verification run id, an assertion edit, …).
    pub cause: String,
}

impl StatusTransition {
    /// A control that was verified and no longer is.
    pub fn is_drift(&self) -> bool {
        self.from == VerificationStatus::Verified && self.to != VerificationStatus::Verified
    }
}

/// The transition to record when a recomputation gives `to`, if the status changed.
pub fn transition(
    control_id: ControlId,
    from: VerificationStatus,
    to: VerificationStatus,
    at: DateTime<Utc>,
    cause: &str,
) -> Option<StatusTransition> {
    (from != to).then(|| StatusTransition { control_id, from, to, at, cause: cause.to_owned() })
}
