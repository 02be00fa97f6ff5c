//! Negative findings: an agent's report that a control is *not* implemented,
//! with what it checked. The lifecycle only moves forward; `verified` is
//! computed from the linked remediation assertions, never set by hand.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_model::ControlId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::status::TierResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// Where a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingState {
    Discovered,
    Acknowledged,
    Remediated,
    Verified,
    Dismissed,
}

impl FindingState {
    /// Position on the forward path; dismissal is terminal and off the path.
    fn rank(self) -> u8 {
        match self {
            FindingState::Discovered => 0,
            FindingState::Acknowledged => 1,
            FindingState::Remediated => 2,
            FindingState::Verified | FindingState::Dismissed => 3,
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, FindingState::Verified | FindingState::Dismissed)
    }
}

/// One state change, kept forever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FindingTransition {
    pub from: FindingState,
    pub to: FindingState,
    pub at: DateTime<Utc>,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A negative finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub id: String,
    pub control_id: ControlId,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    #[serde(default)]
    pub checked_locations: Vec<String>,
    #[serde(default)]
    pub checked_patterns: Vec<String>,
    #[serde(default)]
    pub expected_evidence: String,
    pub state: FindingState,
    #[serde(default)]
    pub remediation_assertion_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismissal_reason: Option<String>,
    #[serde(default)]
    pub history: Vec<FindingTransition>,
}

/// What a person or agent can do to a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum FindingAction {
    Acknowledge,
    /// Link the assertions that prove the fix.
    Remediate {
        assertion_ids: Vec<String>,
    },
    Dismiss {
        reason: String,
    },
}

/// Why a finding transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindingError {
    #[error("a finding cannot move from {from:?} to {to:?}: transitions only go forward")]
    Backwards { from: FindingState, to: FindingState },
    #[error("the finding is {0:?}, which is final")]
    Terminal(FindingState),
    #[error("dismissing a finding needs a reason")]
    MissingReason,
    #[error("remediation needs at least one assertion id that proves the fix")]
    NoRemediationAssertions,
}

impl FindingError {
    pub fn code(&self) -> &'static str {
        match self {
            FindingError::Backwards { .. } => "finding_backwards",
            FindingError::Terminal(_) => "finding_terminal",
            FindingError::MissingReason => "missing_reason",
            FindingError::NoRemediationAssertions => "missing_remediation_assertions",
        }
    }
}

impl Finding {
    /// Applies a person's or agent's action; returns the new finding.
    pub fn act(&self, action: &FindingAction, by: &str, at: DateTime<Utc>) -> Result<Finding, FindingError> {
        if self.state.is_terminal() {
            return Err(FindingError::Terminal(self.state));
        }
        let mut next = self.clone();
        let (to, reason) = match action {
            FindingAction::Acknowledge => (FindingState::Acknowledged, None),
            FindingAction::Remediate { assertion_ids } => {
                let ids: Vec<String> =
                    assertion_ids.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
                if ids.is_empty() {
                    return Err(FindingError::NoRemediationAssertions);
                }
                for id in ids {
                    if !next.remediation_assertion_ids.contains(&id) {
                        next.remediation_assertion_ids.push(id);
                    }
                }
                (FindingState::Remediated, None)
            }
            FindingAction::Dismiss { reason } => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(FindingError::MissingReason);
                }
                next.dismissal_reason = Some(reason.to_owned());
                (FindingState::Dismissed, Some(reason.to_owned()))
            }
        };
        if to != FindingState::Dismissed && to.rank() <= self.state.rank() {
            return Err(FindingError::Backwards { from: self.state, to });
        }
        next.history.push(FindingTransition { from: self.state, to, at, by: by.to_owned(), reason });
        next.state = to;
        Ok(next)
    }

    /// Moves a remediated finding to verified when every linked remediation
    /// assertion passed both tiers on its latest run. Anything else is left as is.
    pub fn reconcile(&self, verdicts: &BTreeMap<String, (TierResult, TierResult)>, at: DateTime<Utc>) -> Finding {
        let proven = self.state == FindingState::Remediated
            && !self.remediation_assertion_ids.is_empty()
            && self
                .remediation_assertion_ids
                .iter()
                .all(|id| verdicts.get(id).is_some_and(|(t1, t2)| *t1 == TierResult::Pass && *t2 == TierResult::Pass));
        let mut next = self.clone();
        if proven {
            next.history.push(FindingTransition {
                from: self.state,
                to: FindingState::Verified,
                at,
                by: "rampart".to_owned(),
                reason: Some("every remediation assertion passed both tiers".to_owned()),
            });
            next.state = FindingState::Verified;
        }
        next
    }
}
