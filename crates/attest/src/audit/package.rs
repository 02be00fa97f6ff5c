//! The audit package: what a server exports so that an auditor can re-derive
//! its verification state offline. How the audit reads a field is noted in
//! plain comments: doc comments become the descriptions of the server's
//! published schemas.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_assurance::{EvidenceAssertion, StatusCounts, SufficiencyJudgement, TierResult, VerificationStatus};
use rampart_model::{ControlId, ThreatModel};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::dsse::Envelope;
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
    // What the server stored; the audit recomputes it from the claim
    // (subject, type, parameters, description) and refuses a mismatch.
    pub claim_hash: String,
    pub removed: bool,
}

impl PackagedAssertion {
    /// The assertion as the evaluation sees it, with its latest verdicts.
    pub fn evidence(&self, tier1: TierResult, tier2: TierResult) -> EvidenceAssertion {
        EvidenceAssertion {
            id: self.id.clone(),
            subject_id: self.subject_id.clone(),
            assertion_type: self.assertion_type.clone(),
            params: self.params.clone(),
            description: self.description.clone(),
            tier1,
            tier2,
        }
    }
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
    // When the key was revoked: a run created or submitted at or after this
    // time does not count, whatever its signature.
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
    // The server's judgements (possibly by an LLM). The audit re-judges
    // every control with the deterministic judge and counts a `sufficient`
    // it cannot reproduce as not sufficient.
    pub sufficiency: BTreeMap<ControlId, SufficiencyJudgement>,
    pub claimed: Claimed,
}
