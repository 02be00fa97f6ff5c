//! Negative findings: an agent reports that a control is not implemented;
//! the finding moves forward through its lifecycle and becomes `verified`
//! only when its remediation assertions pass both tiers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_assurance::{Finding, FindingAction, FindingState, Severity, TierResult};
use rampart_model::{BoundedText, ControlId, ThreatModel};
use rampart_store::{EvidenceWrite, NewActivity};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use super::docs::{Docs, doc};
use super::{FINDING, RUN, internal};
use crate::error::AppError;
use crate::{App, Principal};

/// A finding as an agent reports it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFinding {
    pub control_id: ControlId,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    /// Files and places that were checked.
    #[serde(default)]
    pub checked_locations: Vec<String>,
    /// Searches that found nothing.
    #[serde(default)]
    pub checked_patterns: Vec<String>,
    /// What evidence would show the control implemented.
    #[serde(default)]
    pub expected_evidence: String,
}

/// Moves every remediated finding whose remediation assertions now pass both
/// tiers to `verified`.
pub(crate) fn reconcile(docs: &Docs, write: &mut EvidenceWrite, now: DateTime<Utc>) -> Result<(), AppError> {
    let verdicts: BTreeMap<String, (TierResult, TierResult)> =
        docs.live_assertions().map(|a| (a.id.clone(), (a.tier1.result, a.tier2.result))).collect();
    for f in docs.findings.values().filter(|f| f.state == FindingState::Remediated) {
        let next = f.reconcile(&verdicts, now);
        if next.state != f.state {
            write.upserts.push(doc(FINDING, &next.id, &next)?);
            write.activity.push(NewActivity {
                actor_user_id: None,
                action: "finding_verified".to_owned(),
                model_id: Some(docs.model_id.clone()),
                entity_id: Some(next.id.clone()),
                details: json!({ "control_id": next.control_id }),
            });
        }
    }
    Ok(())
}

/// Most checked locations or patterns listed on one finding.
const MAX_LIST: usize = 200;

/// The finding's text, normalised; every field by the one text rule.
fn validated(req: NewFinding) -> Result<NewFinding, AppError> {
    let list = |field: &str, items: Vec<String>| -> Result<Vec<String>, AppError> {
        if items.len() > MAX_LIST {
            return Err(AppError::invalid("invalid_finding", format!("{field}: at most {MAX_LIST} entries")));
        }
        items.iter().map(|i| Ok(BoundedText::name(field, i, 1000)?.into_string())).collect()
    };
    let description = BoundedText::prose("description", &req.description, 5000)?;
    if description.as_str().is_empty() {
        return Err(AppError::invalid("invalid_finding", "description: must not be empty"));
    }
    Ok(NewFinding {
        title: BoundedText::name("title", &req.title, 200)?.into_string(),
        description: description.into_string(),
        checked_locations: list("checked_locations", req.checked_locations)?,
        checked_patterns: list("checked_patterns", req.checked_patterns)?,
        expected_evidence: BoundedText::prose("expected_evidence", &req.expected_evidence, 5000)?.into_string(),
        ..req
    })
}

/// The instructions a coding agent follows to look for unimplemented
/// controls and report each as a finding.
fn scan_prompt(model: &ThreatModel, docs: &Docs, model_id: &str) -> String {
    let mut out = String::from(
        "Review this repository for the security controls below. For each control, look for the code, \
         configuration or process that implements it. When a control is missing or only partly implemented, \
         report a negative finding (POST /api/v1/models/{model}/findings) naming the control, what you checked \
         (files, searches) and what evidence would show it implemented. When it is implemented, attach typed \
         assertions to the control instead. Do not report a control as implemented because of a comment, a \
         TODO or a function that does nothing.\n\nControls to check:\n",
    )
    .replace("{model}", model_id);
    for c in model.live_controls() {
        let status = docs.controls.get(&c.id).map_or("unverified".to_owned(), |s| {
            serde_json::to_value(s.status).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
        });
        if status == "verified" {
            continue;
        }
        out.push_str(&format!("- {} [{}]: {}\n", c.id, status, c.description));
    }
    out
}

impl App {
    pub async fn report_finding(&self, who: &Principal, model_id: &str, req: NewFinding) -> Result<Finding, AppError> {
        let req = validated(req)?;
        let actor = who.clone();
        let mid = model_id.to_owned();
        self.store
            .evidence_transaction(&who.workspace_id, model_id, &[RUN], move |state| {
                let docs = Docs::parse(&mid, &state.docs)?;
                if state.model.control(req.control_id).is_none_or(|c| c.removed) {
                    return Err(AppError::Invalid {
                        code: "unknown_subject",
                        message: format!("{} is not a live control of this model", req.control_id),
                        details: json!({ "control_id": req.control_id }),
                    });
                }
                let id = format!("F{}", Docs::next_number(docs.findings.keys(), "F"));
                let finding = Finding {
                    id: id.clone(),
                    control_id: req.control_id,
                    title: req.title,
                    description: req.description,
                    severity: req.severity,
                    checked_locations: req.checked_locations,
                    checked_patterns: req.checked_patterns,
                    expected_evidence: req.expected_evidence,
                    state: FindingState::Discovered,
                    remediation_assertion_ids: Vec::new(),
                    dismissal_reason: None,
                    history: Vec::new(),
                };
                let mut write = EvidenceWrite::default();
                write.inserts.push(doc(FINDING, &id, &finding)?);
                write.activity.push(NewActivity {
                    actor_user_id: Some(actor.user_id.clone()),
                    action: "finding_reported".to_owned(),
                    model_id: Some(mid.clone()),
                    entity_id: Some(id),
                    details: json!({ "control_id": finding.control_id, "severity": finding.severity }),
                });
                Ok((write, finding))
            })
            .await?
    }

    pub async fn list_findings(
        &self,
        who: &Principal,
        model_id: &str,
        state: Option<FindingState>,
    ) -> Result<Vec<Finding>, AppError> {
        let docs = self.store.evidence_docs(&who.workspace_id, model_id, FINDING).await?;
        let docs = Docs::parse(model_id, &docs)?;
        let mut out: Vec<Finding> =
            docs.findings.into_values().filter(|f| state.is_none_or(|s| f.state == s)).collect();
        out.sort_by_key(|f| f.id.trim_start_matches('F').parse::<u64>().unwrap_or(0));
        Ok(out)
    }

    pub async fn get_finding(&self, who: &Principal, model_id: &str, finding_id: &str) -> Result<Finding, AppError> {
        let docs = self.store.evidence_docs(&who.workspace_id, model_id, FINDING).await?;
        Docs::parse(model_id, &docs)?
            .findings
            .remove(finding_id)
            .ok_or_else(|| AppError::not_found(format!("finding {finding_id}")))
    }

    /// Acknowledge, remediate (link the assertions that prove the fix) or
    /// dismiss (with a reason). Only forward.
    pub async fn act_on_finding(
        &self,
        who: &Principal,
        model_id: &str,
        finding_id: &str,
        action: FindingAction,
    ) -> Result<Finding, AppError> {
        if let FindingAction::Dismiss { reason } = &action {
            BoundedText::prose("reason", reason, 2000)?;
        }
        let actor = who.clone();
        let (mid, fid) = (model_id.to_owned(), finding_id.to_owned());
        let now = Utc::now();
        self.store
            .evidence_transaction(&who.workspace_id, model_id, &[RUN], move |state| {
                let mut docs = Docs::parse(&mid, &state.docs)?;
                let finding =
                    docs.findings.get(&fid).cloned().ok_or_else(|| AppError::not_found(format!("finding {fid}")))?;
                if let FindingAction::Remediate { assertion_ids } = &action {
                    let unknown: Vec<&String> = assertion_ids
                        .iter()
                        .filter(|id| docs.assertions.get(*id).is_none_or(|a| !a.is_live()))
                        .collect();
                    if !unknown.is_empty() {
                        return Err(AppError::Invalid {
                            code: "unknown_assertions",
                            message: "remediation must link live assertions of this model".into(),
                            details: json!({ "assertion_ids": unknown }),
                        });
                    }
                }
                let next = finding.act(&action, &actor.user_id, now).map_err(|e| AppError::Conflict {
                    code: e.code(),
                    message: e.to_string(),
                    details: json!({ "state": finding.state }),
                })?;
                let mut write = EvidenceWrite::default();
                write.upserts.push(doc(FINDING, &fid, &next)?);
                write.activity.push(NewActivity {
                    actor_user_id: Some(actor.user_id.clone()),
                    action: format!(
                        "finding_{}",
                        serde_json::to_value(next.state).map_err(internal)?.as_str().unwrap_or("changed")
                    ),
                    model_id: Some(mid.clone()),
                    entity_id: Some(fid.clone()),
                    details: json!({ "from": finding.state, "to": next.state }),
                });
                // Remediation assertions may already pass.
                docs.findings.insert(fid.clone(), next);
                reconcile(&docs, &mut write, now)?;
                let latest = write
                    .upserts
                    .iter()
                    .rev()
                    .find(|d| d.kind == FINDING && d.key == fid)
                    .map(|d| serde_json::from_str::<Finding>(&d.body))
                    .transpose()
                    .map_err(internal)?
                    .ok_or_else(|| internal("finding vanished"))?;
                Ok((write, latest))
            })
            .await?
    }

    /// The prompt a coding agent follows to scan the repository for
    /// unimplemented controls.
    pub async fn finding_scan_prompt(&self, who: &Principal, model_id: &str) -> Result<String, AppError> {
        let state = self.store.evidence_state(&who.workspace_id, model_id, &[RUN]).await?;
        let docs = Docs::parse(model_id, &state.docs)?;
        Ok(scan_prompt(&state.model, &docs, model_id))
    }
}
