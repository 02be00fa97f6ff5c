//! Submitting, listing and removing assertions; what a runner should verify.

use std::collections::BTreeMap;

use chrono::Utc;
use rampart_assurance::{Assertion, AssertionError, Coherence, TierResult, claim_hash, classify_control, coherence};
use rampart_model::{AnyId, ThreatModel};
use rampart_store::{EvidenceWrite, NewActivity};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::docs::{Docs, StoredAssertion, TierVerdict, doc};
use super::{ASSERTION, CONTROL, FINDING, RUN, settle};
use crate::error::AppError;
use crate::{App, Principal};

/// At most this many assertions in one submission.
const MAX_BATCH: usize = 200;

/// Assertions for one control or assumption.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssertions {
    /// `C3` or `AS1`.
    pub subject_id: String,
    pub assertions: Vec<Assertion>,
    /// The repository the evidence lives in (`owner/name`); omit for any.
    #[serde(default)]
    pub repo: Option<String>,
}

/// An assertion with its coherence against its subject.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssertionView {
    #[serde(flatten)]
    pub assertion: StoredAssertion,
    /// Whether the type can prove this control at all. An incoherent
    /// assertion is kept (so the agent sees why) but never verifies it.
    pub coherence: Coherence,
}

pub(crate) fn coherence_of(model: &ThreatModel, a: &StoredAssertion) -> Coherence {
    let Some(kind) = rampart_assurance::AssertionType::from_name(&a.assertion_type) else {
        return Coherence::Incoherent { reason: format!("unknown assertion type `{}`", a.assertion_type) };
    };
    match a.subject_id.parse::<AnyId>() {
        Ok(AnyId::Control(id)) => match model.control(id) {
            Some(c) => coherence(kind, &classify_control(&c.description)),
            None => Coherence::Incoherent { reason: format!("control {id} is not in the model") },
        },
        _ => Coherence::Unclassified,
    }
}

pub(crate) fn view(model: &ThreatModel, a: &StoredAssertion) -> AssertionView {
    AssertionView { coherence: coherence_of(model, a), assertion: a.clone() }
}

/// Normalises a repository given as `owner/name`, an HTTPS URL or an SSH
/// address to `host/owner/name` without `.git`, lower-cased.
pub fn normalize_repo(repo: &str) -> String {
    let r = repo.trim().trim_end_matches('/').trim_end_matches(".git");
    let r = r.strip_prefix("https://").or_else(|| r.strip_prefix("http://")).unwrap_or(r);
    let r = match r.strip_prefix("git@") {
        Some(rest) => rest.replacen(':', "/", 1),
        None => r.to_owned(),
    };
    let r = r.strip_prefix("ssh://").map(str::to_owned).unwrap_or(r);
    let r = r.rsplit_once('@').map_or(r.clone(), |(_, host)| host.to_owned());
    // `owner/name` alone means GitHub, the common case for CI.
    let r = if r.matches('/').count() == 1 { format!("github.com/{r}") } else { r };
    r.to_lowercase()
}

fn validate_subject(model: &ThreatModel, subject: &str) -> Result<AnyId, AppError> {
    let id: AnyId = subject.parse().map_err(|e| AppError::Invalid {
        code: "invalid_subject",
        message: format!("subject_id: {e}"),
        details: json!({ "subject_id": subject }),
    })?;
    let live = match id {
        AnyId::Control(c) => model.control(c).is_some_and(|c| !c.removed),
        AnyId::Assumption(a) => model.assumption(a).is_some_and(|a| !a.removed),
        _ => {
            return Err(AppError::Invalid {
                code: "invalid_subject",
                message: "assertions attach to a control (C…) or an assumption (AS…)".into(),
                details: json!({ "subject_id": subject }),
            });
        }
    };
    if live {
        Ok(id)
    } else {
        Err(AppError::Invalid {
            code: "unknown_subject",
            message: format!("{subject} is not a live entity of this model"),
            details: json!({ "subject_id": subject }),
        })
    }
}

/// Longest assertion description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 2000;

/// Checks every assertion and names every problem at once.
fn validate_batch(assertions: &[Assertion]) -> Result<(), AppError> {
    if assertions.is_empty() || assertions.len() > MAX_BATCH {
        return Err(AppError::invalid("invalid_batch", format!("submit 1 to {MAX_BATCH} assertions at a time")));
    }
    let mut problems = Vec::new();
    for (i, a) in assertions.iter().enumerate() {
        match a.validate() {
            Ok(_) => {}
            Err(AssertionError::UnknownType(t)) => problems
                .push(json!({ "index": i, "field": "type", "message": format!("unknown assertion type `{t}`") })),
            Err(AssertionError::InvalidParams { errors, .. }) => {
                for e in errors {
                    problems.push(json!({ "index": i, "field": format!("params.{}", e.param), "message": e.message }));
                }
            }
        }
        if let Err(e) = rampart_model::BoundedText::prose("description", &a.description, MAX_DESCRIPTION_CHARS) {
            problems.push(json!({ "index": i, "field": "description", "message": e.problem }));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid {
            code: "invalid_assertions",
            message: format!("{} problem(s) in the submitted assertions; nothing was stored", problems.len()),
            details: Value::Array(problems),
        })
    }
}

/// What a runner should verify.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PendingQuery {
    /// Only assertions for this repository (and those bound to none).
    pub repo: Option<String>,
    /// Re-verify everything, not only what is pending.
    #[serde(default)]
    pub all: bool,
    /// A verdict older than this many hours is due again (default 24; 0 = never).
    pub stale_after_hours: Option<u32>,
}

/// The assertions due, grouped by subject.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PendingAssertions {
    pub model_id: String,
    pub model_version: u32,
    pub controls: BTreeMap<String, Vec<StoredAssertion>>,
    pub assumptions: BTreeMap<String, Vec<StoredAssertion>>,
}

impl App {
    /// Attaches assertions to a control or assumption. Each is checked up
    /// front (type, parameters); coherence is computed and returned; the
    /// control's status is recomputed.
    pub async fn add_assertions(
        &self,
        who: &Principal,
        model_id: &str,
        req: NewAssertions,
    ) -> Result<Vec<AssertionView>, AppError> {
        let created = self.store_assertions(who, model_id, req).await?;
        if let Some(Ok(AnyId::Control(id))) = created.first().map(|c| c.assertion.subject_id.parse::<AnyId>()) {
            self.rejudge_sufficiency(who, model_id, &[id]).await?;
        }
        Ok(created)
    }

    async fn store_assertions(
        &self,
        who: &Principal,
        model_id: &str,
        req: NewAssertions,
    ) -> Result<Vec<AssertionView>, AppError> {
        validate_batch(&req.assertions)?;
        let repo = req.repo.as_deref().map(normalize_repo);
        let actor = who.clone();
        let mid = model_id.to_owned();
        let now = Utc::now();
        let max_live = self.limits.assertions_per_subject;
        self.store
            .evidence_transaction(&who.workspace_id, model_id, &[RUN], move |state| {
                let docs = Docs::parse(&mid, &state.docs)?;
                let subject = validate_subject(&state.model, &req.subject_id)?.to_string();
                let live = docs.assertions.values().filter(|a| a.subject_id == subject && a.removed_at.is_none()).count();
                if live + req.assertions.len() > max_live {
                    return Err(AppError::Invalid {
                        code: "limit_exceeded",
                        message: format!(
                            "{subject} has {live} live assertions; {} more would exceed the limit of {max_live} (assertions_per_subject)",
                            req.assertions.len()
                        ),
                        details: json!({ "limit": "assertions_per_subject", "max": max_live, "actual": live + req.assertions.len() }),
                    });
                }
                let first = Docs::next_number(docs.assertions.keys(), "EV");
                let mut write = EvidenceWrite::default();
                let mut created = Vec::new();
                let mut updated = docs.clone();
                for (n, a) in (first..).zip(req.assertions) {
                    let id = format!("EV{n}");
                    let stored = StoredAssertion {
                        claim_hash: claim_hash(&subject, &a.assertion_type, &a.params, &a.description),
                        id: id.clone(),
                        subject_id: subject.clone(),
                        assertion_type: a.assertion_type,
                        params: a.params,
                        description: a.description,
                        repo: repo.clone(),
                        tier1: TierVerdict::default(),
                        tier2: TierVerdict::default(),
                        file: None,
                        line: None,
                        created_by: actor.user_id.clone(),
                        created_at: now,
                        removed_at: None,
                    };
                    write.inserts.push(doc(ASSERTION, &id, &stored)?);
                    created.push(view(&state.model, &stored));
                    updated.assertions.insert(id, stored);
                }
                write.activity.push(NewActivity {
                    actor_user_id: Some(actor.user_id.clone()),
                    action: "assertions_added".to_owned(),
                    model_id: Some(mid.clone()),
                    entity_id: Some(subject.clone()),
                    details: json!({ "assertion_ids": created.iter().map(|c| c.assertion.id.clone()).collect::<Vec<_>>() }),
                });
                settle(&actor, &state.model, &updated, &mut write, now, &format!("assertions added to {subject}"), &BTreeMap::new())?;
                Ok((write, created))
            })
            .await?
    }

    pub async fn list_assertions(
        &self,
        who: &Principal,
        model_id: &str,
        subject_id: Option<&str>,
        include_removed: bool,
    ) -> Result<Vec<AssertionView>, AppError> {
        let state = self.store.evidence_state(&who.workspace_id, model_id, &[RUN, CONTROL, FINDING]).await?;
        let docs = Docs::parse(model_id, &state.docs)?;
        Ok(docs
            .assertions
            .values()
            .filter(|a| include_removed || a.is_live())
            .filter(|a| subject_id.is_none_or(|s| a.subject_id.eq_ignore_ascii_case(s)))
            .map(|a| view(&state.model, a))
            .collect())
    }

    /// Removes an assertion (kept, marked removed, so past runs stay
    /// explainable); the subject's status is recomputed.
    pub async fn remove_assertion(&self, who: &Principal, model_id: &str, assertion_id: &str) -> Result<(), AppError> {
        let actor = who.clone();
        let (mid, aid) = (model_id.to_owned(), assertion_id.to_owned());
        let now = Utc::now();
        let subject = self
            .store
            .evidence_transaction(&who.workspace_id, model_id, &[RUN], move |state| {
                let mut docs = Docs::parse(&mid, &state.docs)?;
                let Some(a) = docs.assertions.get_mut(&aid).filter(|a| a.is_live()) else {
                    return Err(AppError::not_found(format!("assertion {aid}")));
                };
                a.removed_at = Some(now);
                let mut write = EvidenceWrite::default();
                write.upserts.push(doc(ASSERTION, &aid, a)?);
                let subject = a.subject_id.clone();
                write.activity.push(NewActivity {
                    actor_user_id: Some(actor.user_id.clone()),
                    action: "assertion_removed".to_owned(),
                    model_id: Some(mid.clone()),
                    entity_id: Some(aid.clone()),
                    details: json!({ "subject_id": subject }),
                });
                settle(
                    &actor,
                    &state.model,
                    &docs,
                    &mut write,
                    now,
                    &format!("assertion {aid} removed"),
                    &BTreeMap::new(),
                )?;
                Ok((write, subject))
            })
            .await??;
        if let Ok(AnyId::Control(id)) = subject.parse::<AnyId>() {
            self.rejudge_sufficiency(who, model_id, &[id]).await?;
        }
        Ok(())
    }

    /// The assertions a runner in `repo` should verify now: those not yet
    /// passed on both tiers, or whose verdict is older than the staleness
    /// window (or all, with `all`).
    pub async fn pending_assertions(
        &self,
        who: &Principal,
        model_id: &str,
        q: &PendingQuery,
    ) -> Result<PendingAssertions, AppError> {
        let state = self.store.evidence_state(&who.workspace_id, model_id, &[RUN, CONTROL, FINDING]).await?;
        let docs = Docs::parse(model_id, &state.docs)?;
        let repo = q.repo.as_deref().map(normalize_repo);
        let stale_after = chrono::Duration::hours(i64::from(q.stale_after_hours.unwrap_or(24)));
        let now = Utc::now();
        let mut out = PendingAssertions {
            model_id: model_id.to_owned(),
            model_version: state.model.version,
            controls: BTreeMap::new(),
            assumptions: BTreeMap::new(),
        };
        for a in docs.live_assertions() {
            if let (Some(want), Some(bound)) = (&repo, &a.repo)
                && want != bound
            {
                continue;
            }
            let passed = a.tier1.result == TierResult::Pass && a.tier2.result == TierResult::Pass;
            let stale = stale_after > chrono::Duration::zero()
                && a.tier1.at.is_none_or(|at| now.signed_duration_since(at) > stale_after);
            if !(q.all || !passed || stale) {
                continue;
            }
            let bucket = match a.subject_id.parse::<AnyId>() {
                Ok(AnyId::Assumption(_)) => &mut out.assumptions,
                _ => &mut out.controls,
            };
            bucket.entry(a.subject_id.clone()).or_default().push(a.clone());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_repo;

    #[test]
    fn repositories_normalise() {
        for r in [
            "acme/uploads",
            "https://github.com/acme/uploads.git",
            "git@github.com:acme/uploads.git",
            "ssh://git@github.com/acme/uploads",
            "GitHub.com/Acme/Uploads/",
        ] {
            assert_eq!(normalize_repo(r), "github.com/acme/uploads", "{r}");
        }
        assert_eq!(normalize_repo("https://gitlab.example.com/g/sub/p"), "gitlab.example.com/g/sub/p");
    }
}
