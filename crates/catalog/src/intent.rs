//! Deterministic intent classification for chat messages.
//!
//! The rules, in order:
//!
//! 1. Politeness and framing at the start ("please", "can you", "I'd like
//!    to", "let's", "also") are skipped; the next word is the verb.
//! 2. The message names its target by id (`A3`, `T2`, `TB1`, `CMP4`, `CO7`,
//!    `AS2`, `C5`; with a model, only ids it has) or, with a model, by the
//!    name of one of its live entities (stemmed content words, at least half
//!    of the entity name's words present).
//! 3. The entity kind comes from the first entity noun after the verb
//!    ("trust boundary", "component", "asset", "attacker"/"threat actor"/
//!    "adversary", "assumption", "control"/"mitigation", "objective"), else
//!    from the target.
//! 4. Verbs decide: add/create/include/introduce → add an entity (an edit of
//!    an asset when the message is about a security property: "add the usage
//!    property to …"); remove/delete/drop → remove an entity, or edit an asset
//!    when the message removes a property ("remove the availability property
//!    from the logging asset"); edit/change/rename/set/raise/lower/… → edit;
//!    refine/restructure/regenerate/expand/… → refine. A verb without an
//!    entity is a refinement of the model (or a generation with no model).
//! 5. Otherwise a question (ending in `?` or starting with what/which/how/
//!    list/show/…) is a query about the model (general without one); a
//!    descriptive message of at least [`DESCRIPTIVE_WORDS`] words generates a
//!    model when there is none and refines it when there is; anything else is
//!    general conversation.

use std::collections::BTreeSet;

use rampart_model::{AnyId, EntityKind, ThreatModel};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::text::{content_stems, normalize_space, sentences};

/// Words from which a statement counts as a description rather than chat.
pub const DESCRIPTIVE_WORDS: usize = 8;

/// What a chat message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntentKind {
    /// Build a new model from a description.
    Generate,
    /// Change the model broadly.
    Refine,
    /// Add one entity.
    AddEntity,
    /// Change one entity.
    EditEntity,
    /// Soft-delete one entity.
    RemoveEntity,
    /// Ask about the model without changing it.
    Query,
    /// Anything else.
    General,
}

/// A classified message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Intent {
    pub kind: IntentKind,
    /// The kind of entity concerned, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_kind: Option<EntityKind>,
    /// The existing entity the message targets (`A3`), by id or by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// The message, whitespace-normalised.
    pub text: String,
}

const FRAMING: &[&str] = &[
    "also", "and", "can", "could", "d", "go", "hey", "hi", "i", "id", "just", "kindly", "let", "lets", "like", "maybe",
    "need", "now", "ok", "okay", "please", "pls", "s", "so", "then", "to", "us", "wanna", "want", "we", "would", "you",
];
const ADD: &[&str] = &["add", "append", "consider", "create", "include", "insert", "introduce", "new"];
const REMOVE: &[&str] = &["delete", "discard", "drop", "eliminate", "exclude", "get", "remove", "strip"];
const EDIT: &[&str] = &[
    "adjust", "assign", "attach", "change", "correct", "decrease", "edit", "fix", "increase", "link", "lower", "make",
    "map", "mark", "modify", "move", "raise", "rename", "replace", "restore", "reword", "scope", "set", "tighten",
    "undelete", "update",
];
const REFINE: &[&str] = &[
    "elaborate",
    "expand",
    "extend",
    "focus",
    "improve",
    "merge",
    "redo",
    "refine",
    "regenerate",
    "rethink",
    "revise",
    "rework",
    "restructure",
    "simplify",
    "split",
];
const GENERATE: &[&str] = &["analyse", "analyze", "build", "design", "generate", "model", "threat"];
const QUESTION: &[&str] = &[
    "are",
    "compare",
    "count",
    "describe",
    "did",
    "do",
    "does",
    "explain",
    "find",
    "give",
    "how",
    "is",
    "list",
    "show",
    "summarise",
    "summarize",
    "tell",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "who",
    "why",
];
const PROPERTY_WORDS: &[&str] = &["availability", "confidentiality", "integrity", "properties", "property", "usage"];

/// Whether a word is one of the verbs that add an entity.
pub(crate) fn is_add_verb(word: &str) -> bool {
    ADD.contains(&word)
}

/// The entity kind a noun at `tokens[i..]` names, with the number of words
/// it spans.
fn entity_noun(tokens: &[String], i: usize) -> Option<(EntityKind, usize)> {
    let w = |k: usize| tokens.get(i + k).map(String::as_str);
    let plural = |word: Option<&str>, stem: &str| word.is_some_and(|x| x == stem || x == format!("{stem}s"));
    match w(0)? {
        "trust" if w(1).is_some_and(|x| x.starts_with("boundar")) => Some((EntityKind::TrustBoundary, 2)),
        x if x.starts_with("boundar") => Some((EntityKind::TrustBoundary, 1)),
        "control" | "controls" if plural(w(1), "objective") => Some((EntityKind::ControlObjective, 2)),
        "objective" | "objectives" | "co" | "cos" => Some((EntityKind::ControlObjective, 1)),
        "threat" if plural(w(1), "actor") || plural(w(1), "agent") => Some((EntityKind::Attacker, 2)),
        "threat" if w(1).is_some_and(|x| x.starts_with("model")) => None,
        "threat" | "threats" | "attacker" | "attackers" | "adversary" | "adversaries" => {
            Some((EntityKind::Attacker, 1))
        }
        "component" | "components" => Some((EntityKind::Component, 1)),
        "asset" | "assets" => Some((EntityKind::Asset, 1)),
        "assumption" | "assumptions" => Some((EntityKind::Assumption, 1)),
        "control" | "controls" | "mitigation" | "mitigations" | "safeguard" | "safeguards" | "countermeasure"
        | "countermeasures" => Some((EntityKind::Control, 1)),
        _ => None,
    }
}

fn kind_of_id(id: AnyId) -> EntityKind {
    id.kind()
}

fn id_exists(model: &ThreatModel, id: AnyId) -> bool {
    match id {
        AnyId::TrustBoundary(x) => model.trust_boundary(x).is_some(),
        AnyId::Component(x) => model.component(x).is_some(),
        AnyId::Asset(x) => model.asset(x).is_some(),
        AnyId::Attacker(x) => model.attacker(x).is_some(),
        AnyId::ControlObjective(x) => model.control_objective(x).is_some(),
        AnyId::Assumption(x) => model.assumption(x).is_some(),
        AnyId::Control(x) => model.control(x).is_some(),
    }
}

/// An id written in the message (`A3`, `tb1`), checked against the model
/// when there is one.
fn explicit_id(text: &str, model: Option<&ThreatModel>) -> Option<AnyId> {
    text.split_whitespace()
        .map(|raw| raw.trim_matches(|c: char| !c.is_alphanumeric()).to_uppercase())
        .filter_map(|w| w.parse::<AnyId>().ok())
        .find(|id| model.is_none_or(|m| id_exists(m, *id)))
}

/// Words too generic to identify an entity on their own.
const GENERIC_STEMS: &[&str] = &[
    "asset",
    "attack",
    "attacker",
    "boundary",
    "component",
    "control",
    "dat",
    "data",
    "external",
    "internal",
    "servic",
    "service",
    "system",
    "trust",
    "user",
];

/// The live entity of `kind` (or of any kind) whose name the message uses
/// most completely: at least half of its content words, one of them
/// distinctive. Ties go to the lower id.
pub(crate) fn named_entity(model: &ThreatModel, message: &str, kind: Option<EntityKind>) -> Option<AnyId> {
    let said = content_stems(message);
    let mut candidates: Vec<(AnyId, &str)> = Vec::new();
    let wants = |k: EntityKind| kind.is_none_or(|x| x == k);
    if wants(EntityKind::Asset) {
        candidates.extend(model.assets.iter().filter(|a| !a.removed).map(|a| (AnyId::Asset(a.id), a.name.as_str())));
    }
    if wants(EntityKind::Attacker) {
        candidates
            .extend(model.attackers.iter().filter(|t| !t.removed).map(|t| (AnyId::Attacker(t.id), t.name.as_str())));
    }
    if wants(EntityKind::Component) {
        candidates
            .extend(model.components.iter().filter(|c| !c.removed).map(|c| (AnyId::Component(c.id), c.name.as_str())));
    }
    if wants(EntityKind::TrustBoundary) {
        candidates.extend(
            model
                .trust_boundaries
                .iter()
                .filter(|b| !b.removed)
                .map(|b| (AnyId::TrustBoundary(b.id), b.description.as_str())),
        );
    }
    if wants(EntityKind::Assumption) {
        candidates.extend(
            model.assumptions.iter().filter(|a| !a.removed).map(|a| (AnyId::Assumption(a.id), a.description.as_str())),
        );
    }
    if wants(EntityKind::Control) {
        candidates.extend(
            model.controls.iter().filter(|c| !c.removed).map(|c| (AnyId::Control(c.id), c.description.as_str())),
        );
    }
    let mut best: Option<(u64, AnyId)> = None;
    for (id, name) in candidates {
        let words = content_stems(name);
        if words.is_empty() {
            continue;
        }
        let shared: BTreeSet<&String> = words.intersection(&said).collect();
        let distinctive = shared.iter().any(|w| !GENERIC_STEMS.contains(&w.as_str()));
        if !distinctive || shared.len() * 2 < words.len() {
            continue;
        }
        // Score: shared words first, then completeness (per mille).
        let score = (shared.len() as u64) * 10_000 + (shared.len() as u64 * 1000) / words.len() as u64;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, id));
        }
    }
    best.map(|(_, id)| id)
}

/// Classifies a chat message, given the model it is about (if any). Pure
/// phrase rules; see the module docs.
pub fn classify_intent(message: &str, model: Option<&ThreatModel>) -> Intent {
    let text = normalize_space(message);
    let tokens: Vec<String> = sentences(&text).into_iter().flatten().collect();
    let make = |kind, entity_kind, target: Option<AnyId>| Intent {
        kind,
        entity_kind,
        target_id: target.map(|id| id.to_string()),
        text: text.clone(),
    };
    if tokens.is_empty() {
        return make(IntentKind::General, None, None);
    }
    let start = tokens.iter().position(|t| !FRAMING.contains(&t.as_str())).unwrap_or(tokens.len());
    let rest = &tokens[start..];
    let verb = rest.first().map(String::as_str).unwrap_or("");
    let noun = (1..rest.len()).find_map(|i| entity_noun(rest, i)).map(|(k, _)| k);
    let about_property = rest.iter().any(|t| PROPERTY_WORDS.contains(&t.as_str()));
    let question = text.ends_with('?') || QUESTION.contains(&verb);
    let mentions_model = rest.windows(2).any(|w| w[0] == "threat" && w[1].starts_with("model"));

    let target = |kind: Option<EntityKind>| -> Option<AnyId> {
        explicit_id(&text, model).or_else(|| model.and_then(|m| named_entity(m, &text, kind)))
    };
    let descriptive = tokens.len() >= DESCRIPTIVE_WORDS;

    let creates = GENERATE.contains(&verb) || matches!(verb, "create" | "make" | "write" | "do" | "new");
    if creates && mentions_model && noun.is_none() {
        return make(IntentKind::Generate, None, None);
    }
    if ADD.contains(&verb) {
        if about_property {
            let t = target(Some(EntityKind::Asset)).or_else(|| target(None));
            let kind = t.map(kind_of_id).or(noun).unwrap_or(EntityKind::Asset);
            return make(IntentKind::EditEntity, Some(kind), t);
        }
        if let Some(kind) = noun {
            return make(IntentKind::AddEntity, Some(kind), None);
        }
        let kind = if model.is_some() { IntentKind::Refine } else { IntentKind::Generate };
        return make(kind, None, None);
    }
    if REMOVE.contains(&verb) && (verb != "get" || rest.get(1).is_some_and(|w| w == "rid")) {
        if about_property {
            let t = target(Some(EntityKind::Asset)).or_else(|| target(None));
            let kind = t.map(kind_of_id).or(noun).unwrap_or(EntityKind::Asset);
            return make(IntentKind::EditEntity, Some(kind), t);
        }
        let t = target(noun);
        let kind = noun.or(t.map(kind_of_id));
        if kind.is_some() {
            return make(IntentKind::RemoveEntity, kind, t);
        }
        let fallback = if model.is_some() { IntentKind::Refine } else { IntentKind::General };
        return make(fallback, None, None);
    }
    if EDIT.contains(&verb) {
        let t = target(noun);
        let kind = noun.or(t.map(kind_of_id));
        if kind.is_some() {
            return make(IntentKind::EditEntity, kind, t);
        }
        let fallback = if model.is_some() { IntentKind::Refine } else { IntentKind::General };
        return make(fallback, None, None);
    }
    if REFINE.contains(&verb) {
        let kind = if model.is_some() { IntentKind::Refine } else { IntentKind::Generate };
        return make(kind, None, None);
    }
    if GENERATE.contains(&verb) && (mentions_model || descriptive || verb != "threat") {
        let new_model = rest.iter().any(|t| t == "new" || t == "another" || t == "separate");
        let kind =
            if model.is_none() || new_model || mentions_model { IntentKind::Generate } else { IntentKind::Refine };
        return make(kind, None, None);
    }
    if question {
        if model.is_some() {
            let t = target(None);
            return make(IntentKind::Query, noun.or(t.map(kind_of_id)), t);
        }
        return make(IntentKind::General, None, None);
    }
    if descriptive {
        let kind = if model.is_some() { IntentKind::Refine } else { IntentKind::Generate };
        return make(kind, None, None);
    }
    make(IntentKind::General, None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_hold_lower_case_single_tokens() {
        for list in [FRAMING, ADD, REMOVE, EDIT, REFINE, GENERATE, QUESTION, PROPERTY_WORDS] {
            for w in list {
                assert_eq!(sentences(w), vec![vec![(*w).to_owned()]]);
            }
        }
    }
}
