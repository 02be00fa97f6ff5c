//! Evidence on the server: assertions attached to controls and assumptions,
//! signed verification runs, sufficiency, control status with its recorded
//! transitions, negative findings, and the workspace's signing keys.
//!
//! Every change is one read-modify-write transaction
//! ([`rampart_store::Store::evidence_transaction`]): load the live model and
//! its evidence documents, compute with the pure domain functions
//! ([`rampart_assurance::evaluate`]), write the changed documents, the status
//! transitions and the activity events together.

mod assertions;
mod docs;
mod findings;
mod keys;
mod report;
mod runs;
mod sufficiency_llm;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_assurance::{
    EvidenceEvaluation, StatusTransition, SufficiencyJudgement, VerificationStatus, evaluate, transition,
};
use rampart_model::{ControlId, ThreatModel};
use rampart_store::{EvidenceLogEntry, EvidenceWrite, NewActivity};

pub use assertions::{AssertionView, NewAssertions, PendingAssertions, PendingQuery, normalize_repo};
pub use docs::{ControlState, StoredAssertion, StoredRun, TierVerdict};
pub use findings::NewFinding;
pub use keys::{NewSigningKey, VerificationSettings};
pub use report::{AssertionReport, AuditExport, ControlReport, VerificationReport};
pub use runs::{Pipeline, RunAccepted, RunSubmission};

use crate::Principal;
use crate::error::AppError;
pub(crate) use docs::Docs;
pub(crate) use report::evidence_of;

/// The document kinds, as stored.
pub(crate) const ASSERTION: &str = "assertion";
pub(crate) const RUN: &str = "run";
pub(crate) const CONTROL: &str = "control";
pub(crate) const FINDING: &str = "finding";
/// The log kind of control status transitions.
pub(crate) const STATUS_TRANSITION: &str = "control_status";

/// Re-evaluates every control after `docs` changed, and adds to `write` the
/// control states that moved, their transitions, and any finding that became
/// verified.
pub(crate) fn settle(
    who: &Principal,
    model: &ThreatModel,
    docs: &Docs,
    write: &mut EvidenceWrite,
    now: DateTime<Utc>,
    cause: &str,
    fresh_judgements: &BTreeMap<ControlId, SufficiencyJudgement>,
) -> Result<(EvidenceEvaluation, Vec<StatusTransition>), AppError> {
    let mut judged = docs.judgements();
    judged.extend(fresh_judgements.iter().map(|(id, j)| (*id, j.clone())));
    let evaluation = evaluate(model, &docs.evidence_assertions(), &judged);
    let mut transitions = Vec::new();
    for (id, control) in &evaluation.controls {
        let before = docs.controls.get(id);
        let from = before.map_or(VerificationStatus::Unverified, |s| s.status);
        let changed = before.is_none_or(|s| s.status != control.status || s.sufficiency != control.sufficiency);
        if changed {
            let state = ControlState {
                control_id: *id,
                status: control.status,
                sufficiency: control.sufficiency.clone(),
                updated_at: now,
            };
            write.upserts.push(docs::doc(CONTROL, &id.to_string(), &state)?);
        }
        if let Some(t) = transition(*id, from, control.status, now, cause) {
            write.log.push(EvidenceLogEntry {
                kind: STATUS_TRANSITION.to_owned(),
                subject_id: id.to_string(),
                body: serde_json::to_string(&t).map_err(internal)?,
            });
            write.activity.push(NewActivity {
                actor_user_id: Some(who.user_id.clone()),
                action: if t.is_drift() { "control_drifted".to_owned() } else { "control_status_changed".to_owned() },
                model_id: Some(docs.model_id.clone()),
                entity_id: Some(id.to_string()),
                details: serde_json::json!({ "from": t.from, "to": t.to, "cause": cause }),
            });
            transitions.push(t);
        }
    }
    findings::reconcile(docs, write, now)?;
    Ok((evaluation, transitions))
}

pub(crate) fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal { message: e.to_string() }
}
