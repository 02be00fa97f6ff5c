//! Sufficiency judged by an LLM: do the assertions, together, cover every
//! clause of the control? Runs after an assertion set changes, outside the
//! evidence transaction (a call can take seconds); the judgement is written
//! only if the set it judged is still the current one. Fails closed: a judge
//! that is down or answers nonsense leaves the control `pending`, never
//! `sufficient`.

use rampart_assurance::{Sufficiency, SufficiencyJudgement, UncoveredClause};
use rampart_llm::tier2::{fence, fresh_token};
use rampart_llm::{Message, Provider, StructuredOptions, structured_with};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use super::docs::StoredAssertion;

const PROMPT: &str = include_str!("../../prompts/sufficiency.md");
const SYSTEM: &str = "You review security evidence for an auditor. Answer only with JSON matching the schema.";

#[derive(Debug, Deserialize, JsonSchema)]
struct Gap {
    clause: String,
    suggestion: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct SufficiencyAnswer {
    sufficient: bool,
    uncovered: Vec<Gap>,
    misaligned_assertion_ids: Vec<String>,
}

/// Judges one control; never errors (a failure is a `pending` judgement).
pub(crate) async fn judge(
    provider: &dyn Provider,
    control_description: &str,
    assertions: &[&StoredAssertion],
    set_hash: &str,
) -> SufficiencyJudgement {
    let label = format!("llm:{}", provider.label());
    let listed: Vec<_> = assertions
        .iter()
        .map(|a| json!({"id": a.id, "type": a.assertion_type, "params": a.params, "description": a.description}))
        .collect();
    let listed = serde_json::to_string_pretty(&listed).unwrap_or_default();
    let pending = |why: String| SufficiencyJudgement {
        status: Sufficiency::Pending,
        uncovered: vec![UncoveredClause { clause: "(not judged)".into(), suggestion: why }],
        misaligned_assertion_ids: Vec::new(),
        judge: format!("{label} (failed)"),
        assertion_set_hash: set_hash.to_owned(),
    };
    let token = match fresh_token(&[control_description, &listed]) {
        Ok(t) => t,
        Err(e) => return pending(e.to_string()),
    };
    let user = PROMPT
        .replace("{{TOKEN}}", &token)
        .replace("{{CONTROL}}", &fence(&token, control_description))
        .replace("{{ASSERTIONS}}", &fence(&token, &listed));
    let known: Vec<&str> = assertions.iter().map(|a| a.id.as_str()).collect();
    let answer = structured_with::<SufficiencyAnswer, _>(
        provider,
        vec![Message::system(SYSTEM), Message::user(user)],
        &StructuredOptions::default(),
        |a: &SufficiencyAnswer| {
            if a.sufficient && !(a.uncovered.is_empty() && a.misaligned_assertion_ids.is_empty()) {
                return Err("`sufficient` is true but gaps or off-topic assertions are listed".into());
            }
            match a.misaligned_assertion_ids.iter().find(|id| !known.contains(&id.as_str())) {
                Some(id) => Err(format!("`{id}` is not one of the assertions shown")),
                None => Ok(()),
            }
        },
    )
    .await;
    match answer {
        Ok(a) => {
            let a = a.value;
            SufficiencyJudgement {
                status: if a.sufficient { Sufficiency::Sufficient } else { Sufficiency::Insufficient },
                uncovered: a
                    .uncovered
                    .into_iter()
                    .map(|g| UncoveredClause { clause: g.clause, suggestion: g.suggestion })
                    .collect(),
                misaligned_assertion_ids: a.misaligned_assertion_ids,
                judge: label,
                assertion_set_hash: set_hash.to_owned(),
            }
        }
        Err(e) => pending(format!("the sufficiency judge failed ({}); judge again later", e.code())),
    }
}

impl crate::App {
    /// Re-judges the sufficiency of `controls` with the LLM, when one is
    /// configured, and records the judgements (with any status change) if
    /// their assertion sets are unchanged meanwhile.
    pub(crate) async fn rejudge_sufficiency(
        &self,
        who: &crate::Principal,
        model_id: &str,
        controls: &[rampart_model::ControlId],
    ) -> Result<(), crate::AppError> {
        let Some(provider) = self.ai_for(who) else { return Ok(()) };
        let state = self.store.evidence_state(&who.workspace_id, model_id, &[super::RUN, super::FINDING]).await?;
        let docs = super::Docs::parse(model_id, &state.docs)?;
        let mut fresh = std::collections::BTreeMap::new();
        for id in controls {
            let Some(control) = state.model.control(*id).filter(|c| !c.removed) else { continue };
            let subject = id.to_string();
            let own: Vec<&StoredAssertion> = docs.live_assertions().filter(|a| a.subject_id == subject).collect();
            if own.is_empty() {
                continue;
            }
            let evidence: Vec<rampart_assurance::EvidenceAssertion> = own.iter().map(|a| a.evidence()).collect();
            let set_hash = rampart_assurance::assertion_set_hash(&evidence.iter().collect::<Vec<_>>());
            fresh.insert(*id, judge(provider.as_ref(), &control.description, &own, &set_hash).await);
        }
        if fresh.is_empty() {
            return Ok(());
        }
        let actor = who.clone();
        let mid = model_id.to_owned();
        let now = chrono::Utc::now();
        self.store
            .evidence_transaction(&who.workspace_id, model_id, &[super::RUN], move |state| {
                let docs = super::Docs::parse(&mid, &state.docs)?;
                let mut write = rampart_store::EvidenceWrite::default();
                // `evaluate` keeps a judgement only while its set hash matches:
                // one made on an outdated set is ignored here.
                super::settle(&actor, &state.model, &docs, &mut write, now, "sufficiency judged", &fresh)?;
                Ok::<_, crate::AppError>((write, ()))
            })
            .await?
    }
}
