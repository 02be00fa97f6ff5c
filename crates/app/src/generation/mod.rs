//! Describe a feature, get a threat model. The generator turns a description
//! into a model draft and a name; the pipeline around it (in [`crate::jobs`])
//! runs as a job, reports each step, and writes the model in one
//! transaction with the job's completion — or writes nothing.
//!
//! The offline generator (the default) is the curated catalog of
//! `rampart-catalog`: no network, no key, deterministic. With an LLM
//! configured, [`llm`] asks it instead, in three rounds of concurrent calls.

mod llm;

use std::sync::{Arc, OnceLock};

use rampart_catalog::Catalog;
use rampart_model::{ModelDraft, ThreatModel};
use serde_json::{Value, json};

use crate::error::AppError;

/// What a generator produced.
#[derive(Debug, Clone)]
pub struct GeneratedModel {
    pub name: String,
    pub draft: ModelDraft,
    /// Version 1, created (objectives computed) and validated.
    pub model: ThreatModel,
    /// LLM requests that reached the provider (cache hits excluded).
    pub ai_requests: u32,
    pub usage: rampart_llm::Usage,
}

/// Where the LLM is, if there is one.
#[derive(Clone, Default)]
pub struct LlmSettings {
    /// An OpenAI-compatible API base (`https://api.openai.com/v1`,
    /// `http://localhost:11434/v1`); none = generate offline.
    pub base_url: Option<String>,
    pub model: String,
    pub api_key: Option<String>,
    pub timeout: std::time::Duration,
}

impl std::fmt::Debug for LlmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never reaches a log line.
        f.debug_struct("LlmSettings")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

/// One step of a generation, as reported on the job's event stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub step: &'static str,
    pub detail: Value,
}

/// Turns descriptions into models.
#[derive(Clone, Default)]
pub struct Generator {
    catalog: Arc<OnceLock<Result<Catalog, String>>>,
    llm: Option<llm::LlmGenerator>,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.llm {
            Some(l) => write!(f, "Generator({l:?})"),
            None => f.write_str("Generator(offline catalog)"),
        }
    }
}

impl Generator {
    /// The offline generator over the built-in catalog.
    pub fn offline() -> Generator {
        Generator::default()
    }

    /// The generator a deployment asks for: an OpenAI-compatible LLM (behind a
    /// response cache) when `base_url` is set, else the offline catalog.
    pub fn configured(settings: &LlmSettings) -> Result<Generator, AppError> {
        let Some(base_url) = &settings.base_url else { return Ok(Generator::offline()) };
        let mut config = rampart_llm::OpenAiConfig::new(base_url.trim_end_matches('/'), settings.model.clone());
        config.api_key = settings.api_key.clone();
        config.timeout = settings.timeout;
        let provider =
            rampart_llm::OpenAiCompatible::new(config).map_err(|e| AppError::invalid(e.code(), e.to_string()))?;
        let cache = rampart_llm::ResponseCache::new(4096, std::time::Duration::from_secs(24 * 3600));
        Generator::llm(Arc::new(rampart_llm::CachingProvider::new(provider, cache)))
    }

    /// The LLM behind this generator, if any, unmetered: only the AI gate
    /// ([`crate::ai_gate`]) calls this, and hands out metered providers.
    pub(crate) fn unmetered_provider(&self) -> Option<Arc<dyn rampart_llm::Provider>> {
        self.llm.as_ref().map(|l| l.provider())
    }

    /// Whether generating makes AI requests (which count against limits).
    pub fn uses_ai(&self) -> bool {
        self.llm.is_some()
    }

    /// A generator that asks `provider` (wrap it in a `CachingProvider` to
    /// answer repeated prompts without a call).
    pub fn llm(provider: Arc<dyn rampart_llm::Provider>) -> Result<Generator, AppError> {
        Ok(Generator { llm: Some(llm::LlmGenerator::new(provider)?), ..Generator::default() })
    }

    pub(crate) fn catalog(&self) -> Result<&Catalog, AppError> {
        self.catalog
            .get_or_init(|| Catalog::builtin().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| AppError::Internal { message: format!("the built-in catalog is broken: {e}") })
    }

    /// Generates a model, reporting each step to `report`. With an LLM,
    /// `ai` is the (metered) provider to ask; without one, the catalog answers.
    pub async fn generate(
        &self,
        ai: Option<&dyn rampart_llm::Provider>,
        description: &str,
        report: &mut (dyn FnMut(Step) + Send),
    ) -> Result<GeneratedModel, AppError> {
        if let Some(llm) = &self.llm {
            let provider =
                ai.ok_or_else(|| AppError::Internal { message: "an LLM generator needs a provider".into() })?;
            return llm.generate(provider, description, report).await;
        }
        let catalog = self.catalog()?;
        let generated = catalog.generate(description).map_err(|e| AppError::invalid(e.code(), e.to_string()))?;
        report(Step {
            step: "patterns",
            detail: json!({
                "matched": generated.matched.iter().filter(|m| m.contributed).map(|m| &m.pattern_id).collect::<Vec<_>>(),
                "fallback": generated.fallback,
            }),
        });
        report(Step { step: "assets", detail: json!({ "count": generated.draft.assets.len() }) });
        report(Step { step: "attackers", detail: json!({ "count": generated.draft.attackers.len() }) });
        report(Step {
            step: "structure",
            detail: json!({
                "trust_boundaries": generated.draft.trust_boundaries.len(),
                "components": generated.draft.components.len(),
            }),
        });
        let model = ThreatModel::create(&generated.draft)?.model;
        report(Step { step: "objectives", detail: json!({ "count": model.control_objectives.len() }) });
        report(Step { step: "controls", detail: json!({ "count": model.controls.len() }) });
        report(Step { step: "name", detail: json!({ "name": generated.name }) });
        Ok(GeneratedModel {
            name: generated.name,
            draft: generated.draft,
            model,
            ai_requests: 0,
            usage: rampart_llm::Usage::default(),
        })
    }
}
