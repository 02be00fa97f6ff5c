//! Generation with an LLM. Three rounds of calls on the critical path, where
//! the reference pipeline makes six in a row:
//!
//! 1. assets ∥ attackers ∥ name (none depends on another);
//! 2. review and structure: drop duplicates, trust boundaries, components,
//!    attacker positions (needs round 1);
//! 3. controls for the objectives, in batches, all at once (the objectives
//!    are computed from round 2 — never generated).
//!
//! Every answer is JSON against a strict schema with one repair turn; any
//! failure fails the whole generation and nothing is written. The user's
//! description is fenced by a boundary token derived from a per-process
//! secret, so it cannot be guessed, yet the same description gives the same
//! prompt and the response cache can answer it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rampart_llm::{LlmError, Message, Provider, StructuredOptions, Usage, structured_with};
use rampart_model::canonical::sha256_hex;
use rampart_model::{
    Asset, AssetId, Attacker, AttackerId, CoRef, Component, ComponentId, ControlDraft, MappingDraft, ModelDraft,
    SecurityProperty, ThreatModel, TrustBoundary, TrustBoundaryId,
};
use rampart_risk::{AttackVector, ImpactFactors, LikelihoodFactors};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{GeneratedModel, Step};
use crate::error::AppError;

const SYSTEM: &str = include_str!("../../prompts/generate_system.md");
const ASSETS: &str = include_str!("../../prompts/generate_assets.md");
const ATTACKERS: &str = include_str!("../../prompts/generate_attackers.md");
const STRUCTURE: &str = include_str!("../../prompts/generate_structure.md");
const CONTROLS: &str = include_str!("../../prompts/generate_controls.md");
const NAME: &str = include_str!("../../prompts/generate_name.md");

/// Objectives per control request.
const CONTROL_BATCH: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
enum Property {
    C,
    I,
    A,
    U,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
struct LlmAsset {
    name: String,
    description: String,
    properties: Vec<Property>,
    impact: ImpactFactors,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct AssetsAnswer {
    assets: Vec<LlmAsset>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
struct LlmAttacker {
    name: String,
    capability: String,
    position: String,
    archetype: String,
    likelihood: LikelihoodFactors,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct AttackersAnswer {
    attackers: Vec<LlmAttacker>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct NameAnswer {
    name: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct LlmBoundary {
    key: String,
    description: String,
    passes: Vec<AttackVector>,
    crossing_assets: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct LlmComponent {
    name: String,
    trust_boundaries: Vec<String>,
    assets: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct LlmPosition {
    attacker: String,
    trust_boundaries: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct StructureAnswer {
    assets_to_drop: Vec<String>,
    attackers_to_drop: Vec<String>,
    trust_boundaries: Vec<LlmBoundary>,
    components: Vec<LlmComponent>,
    attacker_positions: Vec<LlmPosition>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct LlmMapping {
    objective: String,
    group: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct LlmControl {
    description: String,
    objectives: Vec<LlmMapping>,
    framework_refs: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct ControlsAnswer {
    controls: Vec<LlmControl>,
}

/// An LLM-backed generator.
#[derive(Clone)]
pub(crate) struct LlmGenerator {
    provider: Arc<dyn Provider>,
    fence_secret: [u8; 32],
}

impl std::fmt::Debug for LlmGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LlmGenerator({})", self.provider.label())
    }
}

fn llm_error(e: LlmError) -> AppError {
    AppError::from_llm("the LLM", e)
}

fn named(what: &str, name: &str) -> Result<(), String> {
    let n = name.trim().chars().count();
    if n == 0 || n > 200 { Err(format!("every {what} needs a name of 1 to 200 characters")) } else { Ok(()) }
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(template.to_owned(), |text, (key, value)| text.replace(&format!("{{{{{key}}}}}"), value))
}

impl LlmGenerator {
    pub(crate) fn new(provider: Arc<dyn Provider>) -> Result<LlmGenerator, AppError> {
        let mut fence_secret = [0u8; 32];
        getrandom::fill(&mut fence_secret)
            .map_err(|e| AppError::Internal { message: format!("no randomness for the prompt fence: {e}") })?;
        Ok(LlmGenerator { provider, fence_secret })
    }

    pub(crate) fn provider(&self) -> Arc<dyn Provider> {
        self.provider.clone()
    }

    /// `BOUNDARY_` + 24 hex characters, unguessable without the process's
    /// secret, stable for one description (so the response cache can hit).
    fn token(&self, description: &str) -> String {
        let mut material = self.fence_secret.to_vec();
        material.extend_from_slice(description.as_bytes());
        let digest = sha256_hex(&material);
        format!("BOUNDARY_{}", &digest[..24])
    }

    fn messages(&self, token: &str, user: String) -> Vec<Message> {
        vec![Message::system(SYSTEM.replace("{{TOKEN}}", token)), Message::user(user)]
    }

    pub(crate) async fn generate(
        &self,
        provider: &dyn Provider,
        description: &str,
        report: &mut (dyn FnMut(Step) + Send),
    ) -> Result<GeneratedModel, AppError> {
        let token = self.token(description);
        if description.contains(&token) {
            return Err(AppError::invalid("invalid_description", "the description contains a reserved token"));
        }
        let fenced = format!("<{token}>\n{}\n</{token}>", description.trim());
        let options = StructuredOptions::default();
        let mut usage = Usage::default();
        let mut calls = 0u32;
        // Calls that reached the provider: a cached answer costs nothing.
        let mut requests = 0u32;

        // Round 1.
        let assets_call = structured_with::<AssetsAnswer, _>(
            provider,
            self.messages(&token, fill(ASSETS, &[("DESCRIPTION", &fenced)])),
            &options,
            |a: &AssetsAnswer| {
                if a.assets.is_empty() || a.assets.len() > 12 {
                    return Err("give between 1 and 12 assets".into());
                }
                a.assets.iter().try_for_each(|x| {
                    named("asset", &x.name)?;
                    if x.properties.is_empty() { Err(format!("asset {} needs a property", x.name)) } else { Ok(()) }
                })
            },
        );
        let attackers_call = structured_with::<AttackersAnswer, _>(
            provider,
            self.messages(&token, fill(ATTACKERS, &[("DESCRIPTION", &fenced)])),
            &options,
            |a: &AttackersAnswer| {
                if a.attackers.is_empty() || a.attackers.len() > 6 {
                    return Err("give between 1 and 6 attackers".into());
                }
                a.attackers.iter().try_for_each(|x| named("attacker", &x.name))
            },
        );
        let name_call = structured_with::<NameAnswer, _>(
            provider,
            self.messages(&token, fill(NAME, &[("DESCRIPTION", &fenced)])),
            &options,
            |n: &NameAnswer| rampart_model::name::validate_model_name(&n.name).map(|_| ()).map_err(|e| e.to_string()),
        );
        let (assets, attackers, name) = tokio::join!(assets_call, attackers_call, name_call);
        let (assets, attackers, name) =
            (assets.map_err(llm_error)?, attackers.map_err(llm_error)?, name.map_err(llm_error)?);
        calls += assets.attempts + attackers.attempts + name.attempts;
        requests += [&assets.cached, &attackers.cached, &name.cached]
            .iter()
            .zip([assets.attempts, attackers.attempts, name.attempts])
            .map(|(c, a)| if **c { 0 } else { a })
            .sum::<u32>();
        usage += assets.usage + attackers.usage + name.usage;
        report(Step { step: "assets", detail: json!({ "count": assets.value.assets.len() }) });
        report(Step { step: "attackers", detail: json!({ "count": attackers.value.attackers.len() }) });
        report(Step { step: "name", detail: json!({ "name": name.value.name }) });

        // Round 2.
        let assets_json = serde_json::to_string(&assets.value.assets).unwrap_or_default();
        let attackers_json = serde_json::to_string(&attackers.value.attackers).unwrap_or_default();
        let structure = structured_with::<StructureAnswer, _>(
            provider,
            self.messages(
                &token,
                fill(STRUCTURE, &[("DESCRIPTION", &fenced), ("ASSETS", &assets_json), ("ATTACKERS", &attackers_json)]),
            ),
            &options,
            |s: &StructureAnswer| {
                if s.trust_boundaries.is_empty() { Err("draw at least one trust boundary".into()) } else { Ok(()) }
            },
        )
        .await
        .map_err(llm_error)?;
        calls += structure.attempts;
        requests += if structure.cached { 0 } else { structure.attempts };
        usage += structure.usage;
        let draft = assemble(&assets.value.assets, &attackers.value.attackers, &structure.value)?;
        report(Step {
            step: "structure",
            detail: json!({ "trust_boundaries": draft.trust_boundaries.len(), "components": draft.components.len() }),
        });
        let bare = ThreatModel::create(&draft)?.model;
        report(Step { step: "objectives", detail: json!({ "count": bare.control_objectives.len() }) });

        // Round 3: every batch at once.
        let objectives: Vec<String> =
            bare.control_objectives.iter().map(|co| format!("{}: {}", co.id, co.statement)).collect();
        let batches = objectives.chunks(CONTROL_BATCH).map(|batch| {
            let listed = batch.join("\n");
            structured_with::<ControlsAnswer, _>(
                provider,
                self.messages(&token, fill(CONTROLS, &[("DESCRIPTION", &fenced), ("OBJECTIVES", &listed)])),
                &options,
                |c: &ControlsAnswer| {
                    c.controls.iter().try_for_each(|x| {
                        if x.description.trim().is_empty() {
                            Err("every control needs a description".to_owned())
                        } else {
                            Ok(())
                        }
                    })
                },
            )
        });
        let answers = futures::future::join_all(batches).await;
        let mut controls: Vec<LlmControl> = Vec::new();
        for answer in answers {
            let answer = answer.map_err(llm_error)?;
            calls += answer.attempts;
            requests += if answer.cached { 0 } else { answer.attempts };
            usage += answer.usage;
            controls.extend(answer.value.controls);
        }
        let mut draft = draft;
        draft.controls = control_drafts(&bare, controls);
        let model = ThreatModel::create(&draft)?.model;
        report(Step {
            step: "controls",
            detail: json!({ "count": model.controls.len(), "llm_calls": calls, "tokens": usage.total() }),
        });
        Ok(GeneratedModel { name: name.value.name.trim().to_owned(), draft, model, ai_requests: requests, usage })
    }
}

/// The draft from the answers of rounds 1 and 2. Names link the pieces; an
/// unknown name or key is ignored rather than guessed.
fn assemble(assets: &[LlmAsset], attackers: &[LlmAttacker], s: &StructureAnswer) -> Result<ModelDraft, AppError> {
    let key = |x: &str| x.trim().to_lowercase();
    let drop_assets: BTreeSet<String> = s.assets_to_drop.iter().map(|n| key(n)).collect();
    let drop_attackers: BTreeSet<String> = s.attackers_to_drop.iter().map(|n| key(n)).collect();
    let mut seen = BTreeSet::new();
    let assets: Vec<&LlmAsset> =
        assets.iter().filter(|a| !drop_assets.contains(&key(&a.name)) && seen.insert(key(&a.name))).collect();
    let mut seen = BTreeSet::new();
    let attackers: Vec<&LlmAttacker> =
        attackers.iter().filter(|a| !drop_attackers.contains(&key(&a.name)) && seen.insert(key(&a.name))).collect();
    if assets.is_empty() || attackers.is_empty() {
        return Err(AppError::Upstream {
            code: "llm_malformed",
            message: "the LLM's review dropped every asset or every attacker".into(),
        });
    }
    let asset_ids: BTreeMap<String, AssetId> =
        assets.iter().enumerate().map(|(i, a)| (key(&a.name), AssetId(i as u32 + 1))).collect();
    let boundary_ids: BTreeMap<String, TrustBoundaryId> =
        s.trust_boundaries.iter().enumerate().map(|(i, b)| (key(&b.key), TrustBoundaryId(i as u32 + 1))).collect();
    let boundaries_of = |keys: &[String]| -> Vec<TrustBoundaryId> {
        let set: BTreeSet<TrustBoundaryId> = keys.iter().filter_map(|k| boundary_ids.get(&key(k)).copied()).collect();
        set.into_iter().collect()
    };
    let trust_boundaries = s
        .trust_boundaries
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let crosses: BTreeSet<AssetId> =
                b.crossing_assets.iter().filter_map(|n| asset_ids.get(&key(n)).copied()).collect();
            TrustBoundary {
                id: TrustBoundaryId(i as u32 + 1),
                description: b.description.trim().to_owned(),
                crosses: crosses.into_iter().collect(),
                // No vectors named: the boundary is not claimed to block anything.
                passes: (!b.passes.is_empty()).then(|| b.passes.iter().copied().collect()),
                sealed: false,
                seal_source: Default::default(),
                removed: false,
            }
        })
        .collect();
    let mut holders: BTreeMap<AssetId, BTreeSet<ComponentId>> = BTreeMap::new();
    let components = s
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = ComponentId(i as u32 + 1);
            for n in &c.assets {
                if let Some(a) = asset_ids.get(&key(n)) {
                    holders.entry(*a).or_default().insert(id);
                }
            }
            Component {
                id,
                name: c.name.trim().to_owned(),
                repo_url: None,
                path: None,
                trust_boundary_ids: boundaries_of(&c.trust_boundaries),
                grades: Default::default(),
                removed: false,
            }
        })
        .collect();
    let positions: BTreeMap<String, &LlmPosition> =
        s.attacker_positions.iter().map(|p| (key(&p.attacker), p)).collect();
    let assets = assets
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let id = AssetId(i as u32 + 1);
            let properties = a
                .properties
                .iter()
                .map(|p| match p {
                    Property::C => SecurityProperty::Confidentiality,
                    Property::I => SecurityProperty::Integrity,
                    Property::A => SecurityProperty::Availability,
                    Property::U => SecurityProperty::Usage,
                })
                .collect();
            Asset {
                id,
                name: a.name.trim().to_owned(),
                description: a.description.trim().to_owned(),
                security_properties: properties,
                component_ids: holders.get(&id).map(|s| s.iter().copied().collect()).unwrap_or_default(),
                impact: a.impact,
                notes: String::new(),
                removed: false,
            }
        })
        .collect();
    let attackers = attackers
        .iter()
        .enumerate()
        .map(|(i, a)| Attacker {
            id: AttackerId(i as u32 + 1),
            name: a.name.trim().to_owned(),
            capability: a.capability.trim().to_owned(),
            position: a.position.trim().to_owned(),
            archetype: a.archetype.trim().to_owned(),
            trust_boundary_ids: positions
                .get(&key(&a.name))
                .map(|p| boundaries_of(&p.trust_boundaries))
                .unwrap_or_default(),
            likelihood: a.likelihood,
            removed: false,
        })
        .collect();
    Ok(ModelDraft { trust_boundaries, components, assets, attackers, assumptions: Vec::new(), controls: Vec::new() })
}

/// Controls mapped to the model's objectives; unknown objective ids are
/// dropped, and controls from different batches that describe the same
/// mechanism are folded into one.
fn control_drafts(model: &ThreatModel, controls: Vec<LlmControl>) -> Vec<ControlDraft> {
    let known: BTreeSet<String> = model.control_objectives.iter().map(|c| c.id.to_string()).collect();
    let mut out: Vec<ControlDraft> = Vec::new();
    for c in controls {
        let mappings: Vec<MappingDraft> = c
            .objectives
            .iter()
            .filter(|m| known.contains(m.objective.trim()))
            .filter_map(|m| Some(MappingDraft { co: CoRef::Id(m.objective.trim().parse().ok()?), group: m.group }))
            .collect();
        if mappings.is_empty() {
            continue;
        }
        let refs: BTreeSet<String> =
            c.framework_refs.iter().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
        match out.iter_mut().find(|o| rampart_catalog::same_mechanism(&o.description, &c.description)) {
            Some(existing) => {
                for m in mappings {
                    if !existing.mappings.iter().any(|e| e.co == m.co) {
                        existing.mappings.push(m);
                    }
                }
                existing.framework_refs.extend(refs);
            }
            None => out.push(ControlDraft {
                description: c.description.trim().to_owned(),
                mappings,
                framework_refs: refs,
                status: Default::default(),
                implementation_notes: String::new(),
            }),
        }
    }
    out
}
