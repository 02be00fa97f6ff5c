//! Reading evidence: the verification report, a control's status history,
//! the audit export, and the evidence posture needs.

use std::collections::BTreeMap;

use chrono::Utc;
use rampart_assurance::{Coherence, Evidence, StatusTransition, SufficiencyJudgement, VerificationStatus, assess};
use rampart_attest::audit::{AUDIT_FORMAT, AuditPackage, Claimed, PackagedAssertion, PackagedKey, PackagedRun};
use rampart_model::{ControlId, ThreatModel};
use schemars::JsonSchema;
use serde::Serialize;

use super::assertions::coherence_of;
use super::docs::{Docs, StoredAssertion, StoredRun};
use super::{FINDING, RUN, STATUS_TRANSITION, internal};
use crate::error::AppError;
use crate::{App, Principal};

/// An assertion line of the report.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssertionReport {
    #[serde(flatten)]
    pub assertion: StoredAssertion,
    pub coherence: Coherence,
}

/// One control in the report.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ControlReport {
    pub control_id: ControlId,
    pub description: String,
    pub status: VerificationStatus,
    pub sufficiency: SufficiencyJudgement,
    pub assertions: Vec<AssertionReport>,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct StatusSummary {
    pub verified: usize,
    pub partially_verified: usize,
    pub pending: usize,
    pub unverified: usize,
}

/// The verification state of a model.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VerificationReport {
    pub model_id: String,
    pub model_version: u32,
    pub summary: StatusSummary,
    pub controls: Vec<ControlReport>,
    pub assumptions: BTreeMap<String, VerificationStatus>,
}

/// The audit package, as served.
pub type AuditExport = AuditPackage;

/// Live evidence of a model, evaluated now (also what posture uses).
pub(crate) fn evidence_of(model: &ThreatModel, docs: &Docs) -> Evidence {
    docs.evaluate(model).evidence()
}

impl App {
    pub async fn verification_report(&self, who: &Principal, model_id: &str) -> Result<VerificationReport, AppError> {
        let state = self.store.evidence_state(&who.workspace_id, model_id, &[RUN, FINDING]).await?;
        let docs = Docs::parse(model_id, &state.docs)?;
        let evaluation = docs.evaluate(&state.model);
        let mut summary = StatusSummary::default();
        let mut controls = Vec::new();
        for (id, c) in evaluation.controls {
            match c.status {
                VerificationStatus::Verified => summary.verified += 1,
                VerificationStatus::PartiallyVerified => summary.partially_verified += 1,
                VerificationStatus::Pending => summary.pending += 1,
                VerificationStatus::Unverified => summary.unverified += 1,
            }
            let subject = id.to_string();
            let assertions = docs
                .live_assertions()
                .filter(|a| a.subject_id == subject)
                .map(|a| AssertionReport { coherence: coherence_of(&state.model, a), assertion: a.clone() })
                .collect();
            controls.push(ControlReport {
                control_id: id,
                description: state.model.control(id).map(|c| c.description.clone()).unwrap_or_default(),
                status: c.status,
                sufficiency: c.sufficiency,
                assertions,
            });
        }
        Ok(VerificationReport {
            model_id: model_id.to_owned(),
            model_version: state.model.version,
            summary,
            controls,
            assumptions: evaluation.assumptions.into_iter().map(|(id, s)| (id.to_string(), s)).collect(),
        })
    }

    /// Every recorded status change of one control (or all), oldest first.
    pub async fn control_status_history(
        &self,
        who: &Principal,
        model_id: &str,
        control_id: Option<ControlId>,
    ) -> Result<Vec<StatusTransition>, AppError> {
        let subject = control_id.map(|c| c.to_string());
        let entries =
            self.store.evidence_log(&who.workspace_id, model_id, STATUS_TRANSITION, subject.as_deref()).await?;
        entries.iter().map(|e| serde_json::from_str(&e.body).map_err(internal)).collect()
    }

    /// Everything an auditor needs to re-derive the verification state
    /// offline (`rampart audit`).
    pub async fn audit_export(&self, who: &Principal, model_id: &str) -> Result<AuditExport, AppError> {
        let state = self.store.evidence_state(&who.workspace_id, model_id, &[FINDING]).await?;
        let docs = Docs::parse(model_id, &state.docs)?;
        let mut runs: Vec<StoredRun> = state
            .docs
            .iter()
            .filter(|d| d.kind == RUN)
            .map(|d| serde_json::from_str(&d.body).map_err(internal))
            .collect::<Result<_, _>>()?;
        runs.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at).then_with(|| a.run.run_id.cmp(&b.run.run_id)));
        let keys = self.store.list_signing_keys(&who.workspace_id).await?;
        let judged = docs.judgements();
        let evaluation = docs.evaluate(&state.model);
        let now = Utc::now();
        let posture = assess(&state.model, &evaluation.evidence(), now).summary;
        Ok(AuditPackage {
            format: AUDIT_FORMAT.to_owned(),
            generated_at: now,
            model_id: model_id.to_owned(),
            assertions: docs
                .assertions
                .values()
                .map(|a| PackagedAssertion {
                    id: a.id.clone(),
                    subject_id: a.subject_id.clone(),
                    assertion_type: a.assertion_type.clone(),
                    params: a.params.clone(),
                    description: a.description.clone(),
                    claim_hash: a.claim_hash.clone(),
                    removed: !a.is_live(),
                })
                .collect(),
            runs: runs
                .into_iter()
                .map(|r| PackagedRun { run: r.run, envelope: r.envelope, submitted_at: r.submitted_at })
                .collect(),
            keys: keys
                .into_iter()
                .map(|k| PackagedKey {
                    fingerprint: k.fingerprint,
                    public_key_pem: k.public_key_pem,
                    revoked_at: k.revoked_at.map(|t| t.and_utc()),
                })
                .collect(),
            sufficiency: judged,
            claimed: Claimed {
                control_status: evaluation.controls.iter().map(|(id, c)| (*id, c.status)).collect(),
                posture,
            },
            model: state.model,
        })
    }
}
