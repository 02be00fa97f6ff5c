//! Chat about a model. Each message is classified (generate, refine, add /
//! edit / remove one entity, query, general); targeted messages become one
//! structural edit, broad ones regenerate the controls (folding into existing
//! ids), queries are answered from the model without a new version, and a
//! message in a session with no model yet starts a generation job. Refusals
//! (an identity change, the last live asset) are answered, not errors.

use rampart_catalog::{IntentKind, classify_intent};
use rampart_model::{AnyId, Edit, Effect, ThreatModel};
use rampart_store::{ChatMessage, ChatSession};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::AppError;
use crate::jobs::JobView;
use crate::{App, Principal};

/// Longest chat message accepted, in characters.
const MAX_MESSAGE: usize = 10_000;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChatSession {
    /// The model to talk about; none = the first message describes a feature to generate.
    #[serde(default)]
    pub model_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatInput {
    pub content: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChatHistory {
    pub session: ChatSession,
    pub messages: Vec<ChatMessage>,
}

/// The stored user message and the assistant's reply.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChatReply {
    pub messages: Vec<ChatMessage>,
    /// The version the message made, if it made one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// The generation job it started, if it started one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<JobView>,
}

/// What the assistant says and did.
struct Answer {
    text: String,
    meta: Value,
    version: Option<u32>,
    job: Option<JobView>,
}

impl Answer {
    fn say(text: impl Into<String>, meta: Value) -> Answer {
        Answer { text: text.into(), meta, version: None, job: None }
    }
}

/// What an entity is called, for replies.
fn entity_name(model: &ThreatModel, id: AnyId) -> Option<String> {
    match id {
        AnyId::Asset(a) => model.asset(a).map(|x| x.name.clone()),
        AnyId::Attacker(t) => model.attacker(t).map(|x| x.name.clone()),
        AnyId::TrustBoundary(b) => model.trust_boundary(b).map(|x| x.description.clone()),
        AnyId::Component(c) => model.component(c).map(|x| x.name.clone()),
        AnyId::Assumption(a) => model.assumption(a).map(|x| x.description.clone()),
        AnyId::Control(c) => model.control(c).map(|x| x.description.clone()),
        AnyId::ControlObjective(c) => model.control_objective(c).map(|x| x.statement.clone()),
    }
}

fn describe_effects(effects: &[Effect], model: &ThreatModel) -> String {
    let name = |id: &AnyId| entity_name(model, *id).map(|n| format!("{id} {n}")).unwrap_or_else(|| id.to_string());
    let parts: Vec<String> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Added { id } => Some(format!("added {}", name(id))),
            Effect::Edited { id } => Some(format!("changed {}", name(id))),
            Effect::Removed { id } => Some(format!("removed {}", name(id))),
            Effect::Restored { id } => Some(format!("restored {}", name(id))),
            Effect::Reanimated { id } => Some(format!("brought back {} (its earlier id)", name(id))),
            Effect::Folded { into } => Some(format!("folded a control into {into}")),
            Effect::ObjectivesAdded { ids } => Some(format!("{} new objective(s)", ids.len())),
            Effect::ObjectivesTombstoned { ids } => Some(format!("{} objective(s) retired", ids.len())),
            Effect::ObjectivesRevived { ids } => Some(format!("{} objective(s) revived", ids.len())),
            Effect::SkippedRemoved { .. } => None,
        })
        .collect();
    if parts.is_empty() { "nothing changed".to_owned() } else { parts.join("; ") }
}

/// An answer to a question, from the model alone.
fn answer_query(model: &ThreatModel, target: Option<&str>) -> String {
    if let Some(id) = target.and_then(|t| t.parse::<AnyId>().ok()) {
        let name = entity_name(model, id).unwrap_or_default();
        let related: Vec<String> = model
            .live_objectives()
            .filter(|co| match id {
                AnyId::Asset(a) => co.asset_id == a,
                AnyId::Attacker(t) => co.attacker_id == t,
                _ => false,
            })
            .map(|co| {
                let controls: Vec<String> = model
                    .live_controls()
                    .filter(|c| c.mappings.iter().any(|m| m.co_id == co.id))
                    .map(|c| format!("{} {}", c.id, c.description))
                    .collect();
                let protected = if controls.is_empty() { "no controls yet".to_owned() } else { controls.join("; ") };
                format!("{}: {} — {protected}", co.id, co.statement)
            })
            .collect();
        if related.is_empty() {
            return format!("{id} {name}: no objectives involve it.");
        }
        return format!("{id} {name}:\n{}", related.join("\n"));
    }
    let count = |n: usize, what: &str| format!("{n} {what}");
    let uncovered: Vec<String> = model
        .live_objectives()
        .filter(|co| !model.live_controls().any(|c| c.mappings.iter().any(|m| m.co_id == co.id && m.group.is_some())))
        .map(|co| co.id.to_string())
        .collect();
    format!(
        "Version {}: {}, {}, {}, {} and {}. Objectives without a mitigation group: {}.",
        model.version,
        count(model.assets.iter().filter(|a| !a.removed).count(), "assets"),
        count(model.attackers.iter().filter(|a| !a.removed).count(), "attackers"),
        count(model.live_objectives().count(), "objectives"),
        count(model.live_controls().count(), "controls"),
        count(model.trust_boundaries.iter().filter(|b| !b.removed).count(), "trust boundaries"),
        if uncovered.is_empty() { "none".to_owned() } else { uncovered.join(", ") }
    )
}

impl App {
    pub async fn create_chat(&self, who: &Principal, req: NewChatSession) -> Result<ChatSession, AppError> {
        Ok(self.store.create_chat_session(&who.workspace_id, &who.user_id, req.model_id.as_deref()).await?)
    }

    pub async fn chat_history(&self, who: &Principal, session_id: &str) -> Result<ChatHistory, AppError> {
        let session = self.store.get_chat_session(&who.workspace_id, session_id).await?;
        let messages = self.store.chat_messages(&who.workspace_id, session_id).await?;
        Ok(ChatHistory { session, messages })
    }

    /// Handles one message and stores it with the reply.
    pub async fn post_chat(&self, who: &Principal, session_id: &str, input: ChatInput) -> Result<ChatReply, AppError> {
        let content = rampart_model::BoundedText::prose("content", &input.content, MAX_MESSAGE)?.into_string();
        if content.is_empty() {
            return Err(AppError::invalid("invalid_message", format!("a message has 1 to {MAX_MESSAGE} characters")));
        }
        let session = self.store.get_chat_session(&who.workspace_id, session_id).await?;
        let answer = match &session.model_id {
            None => self.chat_generate(who, &session, &content).await?,
            Some(model_id) => self.chat_about(who, model_id, &content).await?,
        };
        let messages = self
            .store
            .add_chat_messages(
                &who.workspace_id,
                session_id,
                vec![("user".to_owned(), content, Value::Null), ("assistant".to_owned(), answer.text, answer.meta)],
            )
            .await?;
        Ok(ChatReply { messages, version: answer.version, job: answer.job })
    }

    async fn chat_generate(&self, who: &Principal, session: &ChatSession, content: &str) -> Result<Answer, AppError> {
        let intent = classify_intent(content, None);
        if matches!(intent.kind, IntentKind::General | IntentKind::Query) && content.split_whitespace().count() < 6 {
            return Ok(Answer::say(
                "Describe the feature you are building (what it does, who uses it, what it stores) and I will \
                 generate its threat model.",
                json!({ "intent": intent }),
            ));
        }
        let job = self.start_generation_for_chat(who, content, &session.id).await?;
        Ok(Answer {
            text: format!("Generating a threat model for this feature (job {}).", job.id),
            meta: json!({ "intent": intent, "job_id": job.id }),
            version: None,
            job: Some(job),
        })
    }

    async fn chat_about(&self, who: &Principal, model_id: &str, content: &str) -> Result<Answer, AppError> {
        let model = self.store.live_model(&who.workspace_id, model_id).await?;
        let intent = classify_intent(content, Some(&model));
        let catalog = self.generator.catalog()?;
        let edit = match intent.kind {
            IntentKind::Query => {
                return Ok(Answer::say(answer_query(&model, intent.target_id.as_deref()), json!({ "intent": intent })));
            }
            IntentKind::General | IntentKind::Generate => {
                return Ok(Answer::say(
                    "I can add, change or remove an asset, attacker, boundary, component or assumption, regenerate \
                     the controls, or answer questions about the model.",
                    json!({ "intent": intent }),
                ));
            }
            IntentKind::AddEntity => catalog.draft_entity(content, Some(&model)).map(|d| d.into_edit()),
            IntentKind::EditEntity => catalog.property_edit(content, &model),
            IntentKind::RemoveEntity => {
                intent.target_id.as_deref().and_then(|t| t.parse::<AnyId>().ok()).map(|id| Edit::Remove { id })
            }
            IntentKind::Refine => Some(Edit::MergeControls { controls: catalog.controls_for(&model) }),
        };
        let Some(edit) = edit else {
            return Ok(Answer::say(
                "I could not tell which entity you mean or what to change; name it (e.g. \"A2\" or its name) and \
                 the change.",
                json!({ "intent": intent, "understood": false }),
            ));
        };
        let outcome = match self.apply_edit(who, model_id, None, &edit).await {
            Ok(o) => o,
            Err(AppError::Conflict { code, message, .. }) | Err(AppError::Invalid { code, message, .. }) => {
                return Ok(Answer::say(message, json!({ "intent": intent, "refused": code })));
            }
            Err(e) => return Err(e),
        };
        let mut effects = outcome.effects.clone();
        let mut version = outcome.version.version;
        // A new asset or attacker brings new objectives: give them controls,
        // folded into the existing ones where the mechanism is the same.
        if matches!(intent.kind, IntentKind::AddEntity | IntentKind::EditEntity) {
            let controls = catalog.controls_for(&outcome.model);
            if !controls.is_empty() {
                match self.apply_edit(who, model_id, None, &Edit::MergeControls { controls }).await {
                    Ok(more) => {
                        effects.extend(more.effects);
                        version = more.version.version;
                    }
                    Err(AppError::Invalid { code: "no_change", .. }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let latest = self.store.live_model(&who.workspace_id, model_id).await?;
        Ok(Answer {
            text: format!("Version {version}: {}.", describe_effects(&effects, &latest)),
            meta: json!({ "intent": intent, "version": version, "effects": effects }),
            version: Some(version),
            job: None,
        })
    }
}
