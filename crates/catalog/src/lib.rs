//! The offline threat-model generator.
//!
//! Rampart turns a plain-language feature description into a threat model.
//! With no LLM configured (or no network), this crate does it from a curated
//! catalog of architecture patterns (`catalog/*.toml`, embedded at compile
//! time): file uploads, OAuth login, payments, IoT firmware updates, LLM
//! features and two dozen more. Each pattern lists the recognition phrases
//! that select it and the assets, attackers, trust boundaries, components and
//! control templates it brings; entities shared by several patterns are
//! defined once and deduplicated by key.
//!
//! - [`generate`] / [`Catalog::generate`]: description → [`Generated`]: a
//!   `ModelDraft` that `ThreatModel::create` accepts (controls name
//!   objectives by (asset, attacker) pairs, which `create` resolves), the
//!   matched patterns and why, a suggested name, and catalog provenance.
//! - [`suggest_name`]: a 3–5 word Title Case name.
//! - [`classify_intent`]: chat message → generate / refine / add / edit /
//!   remove / query / general, with the entity kind and target id.
//! - [`Catalog::draft_entity`], [`Catalog::property_edit`]: targeted
//!   refinements from chat messages.
//! - [`OfflineJudge`], [`same_mechanism`]: identity (reusing the model's
//!   deterministic judge) and control folding by stemmed word overlap.
//! - [`Catalog::controls_for`]: controls for an edited model.
//!
//! Everything is a pure, deterministic function of its inputs: no I/O (the
//! catalog is embedded), no clock, no randomness, no global state. The free
//! functions parse the built-in catalog on each call (a few milliseconds);
//! hold a [`Catalog`] to reuse it.
//!
//! Framework references on controls (`OWASP-ASVS-5.0:V5.2.1`,
//! `PCI-DSS-4.0.1:6.4.3`, …) are indicative: they point at where a framework
//! asks for the mechanism, as a starting point for compliance mapping.

mod controls;
pub mod data;
mod error;
pub mod generate;
pub mod intent;
pub mod judge;
pub mod name;
pub mod refine;
mod summary;
mod text;

pub use data::{
    AssetTemplate, AttackerTemplate, BUILTIN_FILES, BoundaryTemplate, Catalog, ComponentTemplate, ControlTemplate,
    ControlUse, Cover, FRAMEWORK_PREFIXES, PatternDef,
};
pub use error::CatalogError;
pub use generate::{
    CONTRIBUTION_DIVISOR, Generated, MAX_ASSETS, MAX_ATTACKERS, MAX_DESCRIPTION_CHARS, MIN_CONTRIBUTING_SCORE,
    PatternMatch, Sources,
};
pub use intent::{Intent, IntentKind, classify_intent};
pub use judge::{OfflineJudge, SAME_MECHANISM_THRESHOLD, mechanism_similarity, same_mechanism};
pub use refine::EntityDraft;

/// The name used if the built-in catalog could not be loaded (it is checked
/// by the test suite, so this does not happen in a released build).
pub const UNNAMED_MODEL: &str = "Untitled Feature Threat Model";

/// Generates a model draft from a feature description with the built-in
/// catalog. Errors: an empty or oversized description.
pub fn generate(description: &str) -> Result<Generated, CatalogError> {
    Catalog::builtin()?.generate(description)
}

/// A 3–5 word Title Case model name for a description, from the built-in
/// catalog.
pub fn suggest_name(description: &str) -> String {
    Catalog::builtin().map_or_else(|_| UNNAMED_MODEL.to_owned(), |c| c.suggest_name(description))
}

/// The entity an "add …" chat message asks for, from the built-in catalog.
pub fn draft_entity(
    message: &str,
    model: Option<&rampart_model::ThreatModel>,
) -> Result<Option<EntityDraft>, CatalogError> {
    Ok(Catalog::builtin()?.draft_entity(message, model))
}

/// Controls for an existing model from the built-in catalog.
pub fn controls_for(model: &rampart_model::ThreatModel) -> Result<Vec<rampart_model::ControlDraft>, CatalogError> {
    Ok(Catalog::builtin()?.controls_for(model))
}
