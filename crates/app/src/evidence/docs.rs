//! The evidence documents as stored (JSON bodies keyed by kind and key).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_assurance::{EvidenceAssertion, Finding, SufficiencyJudgement, TierResult, VerificationStatus};
use rampart_attest::{Envelope, RunPredicate};
use rampart_model::ControlId;
use rampart_store::EvidenceDoc;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ASSERTION, CONTROL, FINDING, RUN, internal};
use crate::error::AppError;

/// The latest verdict of one tier for one assertion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TierVerdict {
    pub result: TierResult,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
}

/// An assertion as stored, with its latest verdicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StoredAssertion {
    pub id: String,
    pub subject_id: String,
    #[serde(rename = "type")]
    pub assertion_type: String,
    pub params: Map<String, Value>,
    pub description: String,
    /// The repository it is checked in (`owner/name`); none = any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    pub claim_hash: String,
    pub tier1: TierVerdict,
    pub tier2: TierVerdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<DateTime<Utc>>,
}

impl StoredAssertion {
    pub fn is_live(&self) -> bool {
        self.removed_at.is_none()
    }

    pub(crate) fn evidence(&self) -> EvidenceAssertion {
        EvidenceAssertion {
            id: self.id.clone(),
            subject_id: self.subject_id.clone(),
            assertion_type: self.assertion_type.clone(),
            params: self.params.clone(),
            description: self.description.clone(),
            tier1: self.tier1.result,
            tier2: self.tier2.result,
        }
    }
}

/// A verification run as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StoredRun {
    pub run: RunPredicate,
    pub pipeline: Value,
    /// The fingerprint of the key that signed it; none = unsigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope: Option<Envelope>,
    pub results_hash: String,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
}

/// A control's computed status and the sufficiency judgement behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ControlState {
    pub control_id: ControlId,
    pub status: VerificationStatus,
    pub sufficiency: SufficiencyJudgement,
    pub updated_at: DateTime<Utc>,
}

/// One model's evidence documents, parsed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Docs {
    pub model_id: String,
    pub assertions: BTreeMap<String, StoredAssertion>,
    pub controls: BTreeMap<ControlId, ControlState>,
    pub findings: BTreeMap<String, Finding>,
}

fn parse_body<T: serde::de::DeserializeOwned>(d: &EvidenceDoc) -> Result<T, AppError> {
    serde_json::from_str(&d.body).map_err(|e| internal(format!("stored {} {} is corrupt: {e}", d.kind, d.key)))
}

impl Docs {
    pub(crate) fn parse(model_id: &str, docs: &[EvidenceDoc]) -> Result<Docs, AppError> {
        let mut out = Docs { model_id: model_id.to_owned(), ..Docs::default() };
        for d in docs {
            match d.kind.as_str() {
                ASSERTION => {
                    out.assertions.insert(d.key.clone(), parse_body(d)?);
                }
                CONTROL => {
                    let s: ControlState = parse_body(d)?;
                    out.controls.insert(s.control_id, s);
                }
                FINDING => {
                    out.findings.insert(d.key.clone(), parse_body(d)?);
                }
                // Runs are read on their own (they are only appended).
                RUN => {}
                other => return Err(internal(format!("unknown evidence kind `{other}`"))),
            }
        }
        Ok(out)
    }

    pub(crate) fn live_assertions(&self) -> impl Iterator<Item = &StoredAssertion> {
        self.assertions.values().filter(|a| a.is_live())
    }

    pub(crate) fn evidence_assertions(&self) -> Vec<EvidenceAssertion> {
        self.live_assertions().map(StoredAssertion::evidence).collect()
    }

    /// The stored sufficiency judgement of every control.
    pub(crate) fn judgements(&self) -> BTreeMap<ControlId, SufficiencyJudgement> {
        self.controls.iter().map(|(id, s)| (*id, s.sufficiency.clone())).collect()
    }

    /// Every live control's and assumption's status, from these documents.
    pub(crate) fn evaluate(&self, model: &rampart_model::ThreatModel) -> rampart_assurance::EvidenceEvaluation {
        rampart_assurance::evaluate(model, &self.evidence_assertions(), &self.judgements())
    }

    /// The next id of a kind numbered `PREFIX<n>` (never reused).
    pub(crate) fn next_number<'a>(keys: impl Iterator<Item = &'a String>, prefix: &str) -> u64 {
        keys.filter_map(|k| k.strip_prefix(prefix)?.parse::<u64>().ok()).max().unwrap_or(0) + 1
    }
}

/// A document to write.
pub(crate) fn doc<T: Serialize>(kind: &str, key: &str, value: &T) -> Result<EvidenceDoc, AppError> {
    Ok(EvidenceDoc {
        kind: kind.to_owned(),
        key: key.to_owned(),
        body: serde_json::to_string(value).map_err(internal)?,
    })
}
