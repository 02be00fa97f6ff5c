//! Receiving a verification run: checks, signature, replay, verdicts.

use std::collections::BTreeSet;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_assurance::{StatusTransition, VerificationStatus, fold_result, tier_result};
use rampart_attest::{Envelope, PublicKey, RunPredicate, results_hash, verify_envelope};
use rampart_store::{EvidenceWrite, NewActivity, SigningKeyRecord};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::docs::{Docs, StoredRun, doc};
use super::{ASSERTION, RUN, settle};
use crate::error::AppError;
use crate::{App, Principal};

/// How old a run may be when it arrives, and how far in the future its
/// clock may be: a captured run cannot be replayed later under a new id.
const MAX_RUN_AGE_HOURS: i64 = 24;
const MAX_CLOCK_SKEW_MINUTES: i64 = 5;
const OUTCOMES: [&str; 5] = ["pass", "fail", "skipped", "error", "pending"];

/// Where the run happened (informational; the signed predicate carries the
/// repository and commit).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Pipeline {
    /// `github_actions`, `gitlab_ci`, `generic`, `local`.
    #[serde(default)]
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
}

/// A run's results, signed (`envelope`) or not (`run`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunSubmission {
    /// The run, unsigned. With an envelope, may be omitted (the envelope's
    /// statement is the run) or must equal it.
    #[serde(default)]
    pub run: Option<RunPredicate>,
    #[serde(default)]
    pub envelope: Option<Envelope>,
    #[serde(default)]
    pub pipeline: Pipeline,
}

/// What the server made of a run.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RunAccepted {
    pub run_id: String,
    pub results: usize,
    pub results_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// Controls whose status changed, with the change.
    pub transitions: Vec<StatusTransition>,
    pub verified_controls: usize,
}

fn invalid(code: &'static str, message: impl Into<String>, details: Value) -> AppError {
    AppError::Invalid { code, message: message.into(), details }
}

/// Verifies the envelope against the workspace's registered keys.
fn check_signature(envelope: &Envelope, keys: &[SigningKeyRecord]) -> Result<(RunPredicate, String), AppError> {
    let trusted: Vec<PublicKey> = keys.iter().filter_map(|k| PublicKey::from_pem(&k.public_key_pem).ok()).collect();
    match verify_envelope(envelope, &trusted) {
        Ok(statement) => {
            let signer = envelope.signatures.first().map(|s| s.keyid.clone()).unwrap_or_default();
            Ok((statement.predicate, signer))
        }
        Err(e @ rampart_attest::AttestError::UnknownKey(_)) => {
            Err(AppError::Forbidden { message: format!("{e}: register the public key with the workspace first") })
        }
        Err(e) => Err(invalid(e.code(), e.to_string(), Value::Null)),
    }
}

fn check_time(created_at: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let at = DateTime::parse_from_rfc3339(created_at)
        .map_err(|e| invalid("invalid_run", format!("run.created_at is not RFC 3339: {e}"), Value::Null))?
        .with_timezone(&Utc);
    if now.signed_duration_since(at) > chrono::Duration::hours(MAX_RUN_AGE_HOURS) {
        return Err(invalid(
            "stale_run",
            format!("the run was created at {at}, more than {MAX_RUN_AGE_HOURS} h ago; run the verifier again"),
            Value::Null,
        ));
    }
    if at.signed_duration_since(now) > chrono::Duration::minutes(MAX_CLOCK_SKEW_MINUTES) {
        return Err(invalid("stale_run", format!("the run claims a time in the future ({at})"), Value::Null));
    }
    Ok(())
}

/// Every result must name a live assertion of this model, with the same
/// type and claim, once.
fn check_results(run: &RunPredicate, docs: &Docs) -> Result<(), AppError> {
    if run.results.is_empty() {
        return Err(invalid("invalid_run", "a run needs at least one result", Value::Null));
    }
    if run.run_id.trim().is_empty() || run.run_id.len() > 200 {
        return Err(invalid("invalid_run", "run.run_id needs 1 to 200 characters", Value::Null));
    }
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for r in &run.results {
        if !seen.insert(r.assertion_id.as_str()) {
            problems.push(json!({ "assertion_id": r.assertion_id, "message": "listed twice" }));
            continue;
        }
        let Some(a) = docs.assertions.get(&r.assertion_id).filter(|a| a.is_live()) else {
            problems.push(json!({ "assertion_id": r.assertion_id, "message": "no such live assertion in this model" }));
            continue;
        };
        if a.assertion_type != r.assertion_type {
            problems.push(json!({ "assertion_id": r.assertion_id,
                "message": format!("type is {}, the result says {}", a.assertion_type, r.assertion_type) }));
        }
        // A result binds to the exact claim it was verified against; one
        // that names no claim could be replayed onto an edited assertion.
        match &r.claim_hash {
            None => problems.push(json!({ "assertion_id": r.assertion_id,
                "message": "claim_hash is required: the hash of the claim this result was verified against" })),
            Some(claim) if *claim != a.claim_hash => problems.push(json!({ "assertion_id": r.assertion_id,
                "message": "the assertion changed since it was pulled (claim hash differs)" })),
            Some(_) => {}
        }
        for (tier, outcome) in [("tier1", &r.tier1), ("tier2", &r.tier2)] {
            if !OUTCOMES.contains(&outcome.as_str()) {
                problems.push(json!({ "assertion_id": r.assertion_id,
                    "message": format!("{tier} must be one of {}", OUTCOMES.join(", ")) }));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(invalid(
            "invalid_results",
            format!("{} result(s) refused; nothing was recorded", problems.len()),
            Value::Array(problems),
        ))
    }
}

impl App {
    /// Records a verification run: the signature (required if the workspace
    /// says so) must be by a registered key, the run id must be new, the
    /// results must match stored assertions. Verdicts, control statuses and
    /// transitions are updated in the same transaction.
    pub async fn submit_run(
        &self,
        who: &Principal,
        model_id: &str,
        sub: RunSubmission,
    ) -> Result<RunAccepted, AppError> {
        let actor = who.clone();
        let mid = model_id.to_owned();
        let now = Utc::now();
        self.store
            .evidence_transaction(&who.workspace_id, model_id, &[RUN], move |state| {
                let docs = Docs::parse(&mid, &state.docs)?;
                let (run, signed_by) = match (&sub.envelope, sub.run) {
                    (Some(envelope), given) => {
                        let (signed, signer) = check_signature(envelope, &state.keys)?;
                        if given.as_ref().is_some_and(|g| *g != signed) {
                            return Err(invalid(
                                "run_mismatch",
                                "`run` differs from the signed statement",
                                Value::Null,
                            ));
                        }
                        (signed, Some(signer))
                    }
                    (None, Some(run)) if !state.require_signed_results => (run, None),
                    (None, Some(_)) => {
                        return Err(AppError::Forbidden {
                            message: "this workspace accepts only signed verification runs (send `envelope`)".into(),
                        });
                    }
                    (None, None) => {
                        return Err(invalid("invalid_run", "send `run` or a signed `envelope`", Value::Null));
                    }
                };
                if run.model_id != mid {
                    return Err(invalid("wrong_model", format!("the run is for model {}", run.model_id), Value::Null));
                }
                check_time(&run.created_at, now)?;
                check_results(&run, &docs)?;

                let mut updated = docs.clone();
                let mut write = EvidenceWrite::default();
                for r in &run.results {
                    let Some(a) = updated.assertions.get_mut(&r.assertion_id) else { continue };
                    let (tier1, tier2) = fold_result(
                        (a.tier1.result, a.tier2.result, a.tier2.evidence_hash.as_deref()),
                        tier_result(&r.tier1),
                        tier_result(&r.tier2),
                        r.evidence_hash.as_deref(),
                    );
                    let carried = tier2 != tier_result(&r.tier2);
                    a.tier1.result = tier1;
                    a.tier1.run_id = Some(run.run_id.clone());
                    a.tier1.at = Some(now);
                    a.tier1.details = r.tier1_details.clone();
                    a.tier1.evidence_hash = r.evidence_hash.clone();
                    a.tier1.reviewer = Some("rampart".to_owned());
                    if !carried {
                        a.tier2.result = tier2;
                        a.tier2.run_id = Some(run.run_id.clone());
                        a.tier2.at = Some(now);
                        a.tier2.details = r.tier2_details.clone();
                        a.tier2.evidence_hash = r.evidence_hash.clone();
                        a.tier2.reviewer = r.tier2_reviewer.clone();
                    }
                    a.file = r.file.clone();
                    a.line = r.line;
                    write.upserts.push(doc(ASSERTION, &a.id, a)?);
                }
                let hash = results_hash(&run.results);
                let stored = StoredRun {
                    run: run.clone(),
                    pipeline: serde_json::to_value(&sub.pipeline).unwrap_or(Value::Null),
                    signed_by: signed_by.clone(),
                    envelope: sub.envelope.clone(),
                    results_hash: hash.clone(),
                    submitted_by: actor.user_id.clone(),
                    submitted_at: now,
                };
                // The run id is the document key: a replay collides here.
                write.inserts.push(doc(RUN, &run.run_id, &stored)?);
                write.activity.push(NewActivity {
                    actor_user_id: Some(actor.user_id.clone()),
                    action: "verification_run_submitted".to_owned(),
                    model_id: Some(mid.clone()),
                    entity_id: None,
                    details: json!({ "run_id": run.run_id, "results": run.results.len(), "signed_by": signed_by,
                        "commit": run.commit, "repository": run.repository }),
                });
                let (evaluation, transitions) = settle(
                    &actor,
                    &state.model,
                    &updated,
                    &mut write,
                    now,
                    &format!("run {}", run.run_id),
                    &BTreeMap::new(),
                )?;
                let verified_controls =
                    evaluation.controls.values().filter(|c| c.status == VerificationStatus::Verified).count();
                Ok((
                    write,
                    RunAccepted {
                        run_id: run.run_id.clone(),
                        results: run.results.len(),
                        results_hash: hash,
                        signed_by,
                        transitions,
                        verified_controls,
                    },
                ))
            })
            .await
            .map_err(|e| match e {
                rampart_store::StoreError::Conflict(_) => AppError::Conflict {
                    code: "replayed_run",
                    message: "a run with this id was already recorded; a run is accepted once".into(),
                    details: Value::Null,
                },
                other => other.into(),
            })?
    }
}
