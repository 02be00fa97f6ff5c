//! Targeted refinements without an LLM: an entity draft from an "add …"
//! message, and a property edit from "remove the availability property from
//! the logging asset".
//!
//! Drafting an entity:
//!
//! - The subject is the message after the verb, without articles and the
//!   entity noun; it splits at the first connector ("with", "who", "that",
//!   "which", "having", "able", "capable") into a head ("insider threat") and
//!   a clause ("with database access").
//! - Attackers and assets are matched to the catalog by their stemmed words
//!   against each template's name, aliases (and archetype), head words
//!   counting double. The best match with a distinctive shared word is used,
//!   with the clause appended to an attacker's capability ("Has database
//!   access."). Without a match, a generic entity is built from the words:
//!   an attacker's likelihood factors from keywords (physical, insider,
//!   Wi-Fi, phishing, nation-state…), an asset's properties from keywords
//!   (keys and tokens: C and I; logs: I and A; firmware and artifacts: I), and
//!   no impact factors (the methodology default applies).
//! - With a model, the entity is placed: attackers at the model's boundaries
//!   whose description matches the template's, or at the boundaries of the
//!   components the message mentions; assets in the components the message
//!   mentions or the template's components found in the model.
//! - A control needs objectives to map to, and an objective is computed, so
//!   neither is drafted here.

use std::collections::BTreeSet;

use rampart_model::{
    AnyId, AssetDraft, AssetPatch, AssumptionDraft, AssumptionKind, AttackerDraft, ComponentDraft, ComponentId, Edit,
    EntityKind, SealSource, SecurityProperty, ThreatModel, TrustBoundaryDraft, TrustBoundaryId,
};
use rampart_risk::{
    AttackComplexity, AttackVector, CapabilityPrevalence, LikelihoodFactors, PrivilegesRequired, UserInteraction,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::data::Catalog;
use crate::intent::{IntentKind, classify_intent};
use crate::text::{content_stems, normalize_space, title_case};

/// A new entity drafted from a chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntityDraft {
    TrustBoundary(TrustBoundaryDraft),
    Component(ComponentDraft),
    Asset(AssetDraft),
    Attacker(AttackerDraft),
    Assumption(AssumptionDraft),
}

impl EntityDraft {
    pub fn kind(&self) -> EntityKind {
        match self {
            EntityDraft::TrustBoundary(_) => EntityKind::TrustBoundary,
            EntityDraft::Component(_) => EntityKind::Component,
            EntityDraft::Asset(_) => EntityKind::Asset,
            EntityDraft::Attacker(_) => EntityKind::Attacker,
            EntityDraft::Assumption(_) => EntityKind::Assumption,
        }
    }

    /// The edit that adds it.
    pub fn into_edit(self) -> Edit {
        match self {
            EntityDraft::TrustBoundary(boundary) => Edit::AddTrustBoundary { boundary },
            EntityDraft::Component(component) => Edit::AddComponent { component },
            EntityDraft::Asset(asset) => Edit::AddAsset { asset },
            EntityDraft::Attacker(attacker) => Edit::AddAttacker { attacker },
            EntityDraft::Assumption(assumption) => Edit::AddAssumption { assumption },
        }
    }
}

const ARTICLES: &[&str] = &["a", "an", "another", "new", "one", "some", "the", "extra", "additional"];
const CONNECTORS: &[&str] = &["with", "who", "that", "which", "having", "able", "capable", "whose"];
const LEADING_PREPOSITIONS: &[&str] = &["for", "called", "named", "representing", "about", "of", "to", "on", "as"];
const ENTITY_NOUNS: &[&str] = &[
    "asset",
    "assets",
    "attacker",
    "attackers",
    "adversary",
    "component",
    "components",
    "boundary",
    "boundaries",
    "assumption",
    "assumptions",
    "actor",
    "actors",
];
/// Words that do not distinguish one catalog entity from another.
const WEAK_STEMS: &[&str] = &["attack", "attacker", "threat", "malicious", "actor", "asset", "data", "dat", "user"];

fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

/// The words after the verb, as written.
fn subject_words(message: &str, verb: &str) -> Vec<String> {
    let words: Vec<&str> = message.split_whitespace().collect();
    let start = words.iter().position(|w| bare(w) == verb).map_or(0, |i| i + 1);
    words[start..].iter().map(|w| (*w).to_owned()).collect()
}

/// Head and clause of a subject (see the module docs), articles and entity
/// nouns dropped from the head.
fn split_subject(words: &[String]) -> (Vec<String>, Vec<String>) {
    let cut = words.iter().position(|w| CONNECTORS.contains(&bare(w).as_str())).unwrap_or(words.len());
    let head: Vec<String> = words[..cut]
        .iter()
        .filter(|w| {
            let b = bare(w);
            !b.is_empty() && !ARTICLES.contains(&b.as_str())
        })
        .cloned()
        .collect();
    (head, words[cut..].to_vec())
}

fn strip_trailing_punctuation(s: &str) -> String {
    s.trim_end_matches(|c: char| !c.is_alphanumeric() && c != ')').to_owned()
}

/// "with database access" → "Has database access."
fn clause_sentence(clause: &[String]) -> Option<String> {
    let first = bare(clause.first()?);
    let rest = |n: usize| strip_trailing_punctuation(&clause[n.min(clause.len())..].join(" "));
    let text = match first.as_str() {
        "with" | "having" => format!("Has {}", rest(1)),
        "who" | "that" | "which" if clause.get(1).is_some_and(|w| bare(w) == "can") => format!("Can {}", rest(2)),
        "able" | "capable" => format!("Can {}", rest(2)),
        "who" | "that" | "which" => {
            let r = rest(1);
            let mut c = r.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        }
        _ => rest(0),
    };
    let text = text.trim().to_owned();
    (text.split_whitespace().count() >= 2).then(|| format!("{text}."))
}

/// Title Case of a head, at most six words, without surrounding punctuation.
fn name_from_head(head: &[String]) -> Option<String> {
    let words: Vec<String> = head
        .iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
        .filter(|w| !w.is_empty())
        .take(6)
        .collect();
    (!words.is_empty()).then(|| title_case(&words.join(" ")))
}

fn has_any(stems: &BTreeSet<String>, words: &[&str]) -> bool {
    words.iter().any(|w| stems.contains(&crate::text::stem(w)))
}

/// Likelihood factors from keywords, for an attacker with no catalog match.
fn heuristic_likelihood(stems: &BTreeSet<String>) -> LikelihoodFactors {
    let physical = has_any(stems, &["physical", "physically", "stolen", "theft", "thief", "tamper", "hands", "device"]);
    let insider = has_any(stems, &["insider", "employee", "staff", "admin", "administrator", "operator", "contractor"]);
    let adjacent = has_any(stems, &["wifi", "bluetooth", "nearby", "adjacent", "lan", "local"]);
    let elite = has_any(stems, &["nation", "state", "apt", "sophisticated", "advanced"]);
    LikelihoodFactors {
        attack_vector: if physical {
            AttackVector::Physical
        } else if insider {
            AttackVector::Local
        } else if adjacent {
            AttackVector::Adjacent
        } else {
            AttackVector::Network
        },
        privileges_required: if insider {
            PrivilegesRequired::High
        } else if has_any(stems, &["user", "customer", "tenant", "authenticated", "account", "member"]) {
            PrivilegesRequired::Low
        } else {
            PrivilegesRequired::None
        },
        attack_complexity: if elite { AttackComplexity::High } else { AttackComplexity::Low },
        user_interaction: if has_any(stems, &["phishing", "phish", "trick", "social", "lure"]) {
            UserInteraction::Required
        } else {
            UserInteraction::None
        },
        capability_prevalence: if elite {
            CapabilityPrevalence::Rare
        } else if has_any(stems, &["bot", "botnet", "script", "automated", "scanner", "opportunistic"]) {
            CapabilityPrevalence::Commodity
        } else {
            CapabilityPrevalence::Targeted
        },
    }
}

fn heuristic_archetype(l: &LikelihoodFactors, stems: &BTreeSet<String>) -> &'static str {
    if has_any(stems, &["insider", "employee", "staff", "operator", "contractor", "admin"]) {
        "insider"
    } else if l.user_interaction == UserInteraction::Required {
        "social engineering"
    } else {
        match l.attack_vector {
            AttackVector::Physical => "physical",
            AttackVector::Adjacent => "adjacent network",
            AttackVector::Local => "local",
            AttackVector::Network if l.privileges_required == PrivilegesRequired::Low => "authenticated user",
            AttackVector::Network => "external",
        }
    }
}

/// Properties from keywords, for an asset with no catalog match.
fn heuristic_properties(stems: &BTreeSet<String>) -> BTreeSet<SecurityProperty> {
    use SecurityProperty::{Availability as A, Confidentiality as C, Integrity as I, Usage as U};
    if has_any(stems, &["log", "audit", "trail", "ledger", "history"]) {
        [I, A].into()
    } else if has_any(stems, &["firmware", "artifact", "binary", "image", "code", "configuration", "config"]) {
        [I].into()
    } else if has_any(stems, &["availability", "uptime", "capacity", "quota"]) {
        [A].into()
    } else if has_any(stems, &["signing", "hsm", "non", "exportable"]) {
        [C, U].into()
    } else {
        [C, I].into()
    }
}

/// Components of the model the message mentions by a distinctive word.
fn mentioned_components(model: &ThreatModel, message: &str) -> Vec<ComponentId> {
    let said = content_stems(message);
    model
        .components
        .iter()
        .filter(|c| !c.removed)
        .filter(|c| {
            content_stems(&c.name)
                .iter()
                .any(|w| said.contains(w) && !matches!(w.as_str(), "servic" | "service" | "app" | "system" | "api"))
        })
        .map(|c| c.id)
        .collect()
}

fn boundaries_by_description(model: &ThreatModel, descriptions: &[&str]) -> Vec<TrustBoundaryId> {
    model
        .trust_boundaries
        .iter()
        .filter(|b| !b.removed && descriptions.iter().any(|d| d.eq_ignore_ascii_case(&b.description)))
        .map(|b| b.id)
        .collect()
}

fn dedup<T: Ord + Copy>(list: Vec<T>) -> Vec<T> {
    let mut seen = BTreeSet::new();
    list.into_iter().filter(|x| seen.insert(*x)).collect()
}

/// Whether a live entity of the model already uses these significant words.
fn name_taken<'a>(names: impl IntoIterator<Item = &'a str>, name: &str) -> bool {
    let wanted = rampart_model::judge::significant_words(name);
    names.into_iter().any(|n| rampart_model::judge::significant_words(n) == wanted)
}

impl Catalog {
    /// Scores catalog candidates (key, words) against head and clause words:
    /// distinctive head stems count double, clause stems once. A candidate
    /// must share at least half of the head's distinctive stems, so an
    /// explicit name ("Thumbnail Cache Configuration") is not mistaken for a
    /// catalog entity that shares one word with it.
    fn best_match<'a>(
        candidates: impl Iterator<Item = (&'a str, String)>,
        head: &BTreeSet<String>,
        clause: &BTreeSet<String>,
    ) -> Option<&'a str> {
        let distinctive = |set: &BTreeSet<String>| -> BTreeSet<String> {
            set.iter().filter(|s| !WEAK_STEMS.contains(&s.as_str())).cloned().collect()
        };
        let head = distinctive(head);
        let clause = distinctive(clause);
        let mut best: Option<(usize, &str)> = None;
        for (key, words) in candidates {
            let stems = content_stems(&words);
            let from_head = head.intersection(&stems).count();
            let from_clause = clause.intersection(&stems).count();
            if from_head * 2 < head.len() {
                continue;
            }
            let score = 2 * from_head + from_clause;
            if score > 0 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, key));
            }
        }
        best.map(|(_, k)| k)
    }

    /// The catalog attacker closest to a description ("insider with
    /// database access"), if any shares a distinctive word.
    pub fn closest_attacker(&self, head: &str, clause: &str) -> Option<&crate::data::AttackerTemplate> {
        let candidates = self
            .attackers
            .values()
            .map(|t| (t.key.as_str(), format!("{} {} {}", t.name, t.aliases.join(" "), t.archetype)));
        Self::best_match(candidates, &content_stems(head), &content_stems(clause)).and_then(|k| self.attackers.get(k))
    }

    /// The catalog asset closest to a description ("audit logs"), if any
    /// shares a distinctive word.
    pub fn closest_asset(&self, head: &str, clause: &str) -> Option<&crate::data::AssetTemplate> {
        let candidates = self.assets.values().map(|a| (a.key.as_str(), format!("{} {}", a.name, a.aliases.join(" "))));
        Self::best_match(candidates, &content_stems(head), &content_stems(clause)).and_then(|k| self.assets.get(k))
    }

    /// Drafts the entity an "add …" message asks for (see the module docs).
    /// `None` when the message is not an add, or adds a control or objective.
    pub fn draft_entity(&self, message: &str, model: Option<&ThreatModel>) -> Option<EntityDraft> {
        let intent = classify_intent(message, model);
        if intent.kind != IntentKind::AddEntity {
            return None;
        }
        let text = normalize_space(message);
        let lower: Vec<String> = text.split_whitespace().map(bare).collect();
        let verb =
            lower.iter().position(|w| crate::intent::is_add_verb(w)).map_or_else(String::new, |i| lower[i].clone());
        let mut words = subject_words(&text, &verb);
        // Drop the entity noun ("asset", "trust boundary") wherever it stands in the head.
        let noun_at = words.iter().position(|w| ENTITY_NOUNS.contains(&bare(w).as_str()));
        if let Some(i) = noun_at {
            let trust_before = i > 0 && bare(&words[i - 1]) == "trust";
            words.remove(i);
            if trust_before {
                words.remove(i - 1);
            }
        }
        while words.first().is_some_and(|w| {
            let b = bare(w);
            ARTICLES.contains(&b.as_str()) || LEADING_PREPOSITIONS.contains(&b.as_str())
        }) {
            words.remove(0);
        }
        let (head, clause) = split_subject(&words);
        match intent.entity_kind? {
            EntityKind::Attacker => Some(EntityDraft::Attacker(self.draft_attacker(&head, &clause, &text, model)?)),
            EntityKind::Asset => Some(EntityDraft::Asset(self.draft_asset(&head, &clause, &text, model)?)),
            EntityKind::TrustBoundary => {
                let description = boundary_description(&words)?;
                Some(EntityDraft::TrustBoundary(TrustBoundaryDraft {
                    description,
                    crosses: Vec::new(),
                    passes: None,
                    sealed: false,
                    seal_source: SealSource::Unattested,
                }))
            }
            EntityKind::Component => {
                let name = name_from_head(&head)?;
                Some(EntityDraft::Component(ComponentDraft {
                    name,
                    repo_url: None,
                    path: None,
                    trust_boundary_ids: Vec::new(),
                    grades: Default::default(),
                }))
            }
            EntityKind::Assumption => {
                let body = strip_trailing_punctuation(&words.join(" "));
                let body = body.strip_prefix("that ").unwrap_or(&body).trim().to_owned();
                let mut chars = body.chars();
                let description = chars.next().map(|f| f.to_uppercase().chain(chars).collect::<String>())?;
                Some(EntityDraft::Assumption(AssumptionDraft {
                    description: format!("{description}."),
                    kind: AssumptionKind::External,
                    linked_co_ids: Vec::new(),
                    exclusion: None,
                    attestation: None,
                }))
            }
            EntityKind::Control | EntityKind::ControlObjective => None,
        }
    }

    fn draft_attacker(
        &self,
        head: &[String],
        clause: &[String],
        message: &str,
        model: Option<&ThreatModel>,
    ) -> Option<AttackerDraft> {
        let head_text = head.join(" ");
        let clause_text = clause.join(" ");
        let extra = clause_sentence(clause);
        let taken = |name: &str| {
            model.is_some_and(|m| name_taken(m.attackers.iter().filter(|t| !t.removed).map(|t| t.name.as_str()), name))
        };
        if let Some(t) = self.closest_attacker(&head_text, &clause_text) {
            let name = if taken(&t.name) { name_from_head(head)? } else { t.name.clone() };
            let capability = match &extra {
                Some(e) => format!("{} {e}", t.capability),
                None => t.capability.clone(),
            };
            let mut positions = Vec::new();
            if let Some(m) = model {
                for c in mentioned_components(m, message) {
                    if let Some(comp) = m.component(c) {
                        positions.extend(comp.trust_boundary_ids.iter().copied());
                    }
                }
                if positions.is_empty() {
                    let descriptions: Vec<&str> =
                        t.at.iter().filter_map(|k| self.boundaries.get(k)).map(|b| b.description.as_str()).collect();
                    positions = boundaries_by_description(m, &descriptions);
                }
            }
            return Some(AttackerDraft {
                name,
                capability,
                position: t.position.clone(),
                archetype: t.archetype.clone(),
                trust_boundary_ids: dedup(positions),
                likelihood: Some(t.likelihood),
            });
        }
        let name = name_from_head(head)?;
        let stems = content_stems(message);
        let likelihood = heuristic_likelihood(&stems);
        let capability = extra.unwrap_or_else(|| {
            format!("Acts against the system as described: {}.", strip_trailing_punctuation(&head_text))
        });
        let positions = model.map(|m| mentioned_components(m, message)).unwrap_or_default();
        let trust_boundary_ids = model
            .map(|m| {
                positions.iter().filter_map(|c| m.component(*c)).flat_map(|c| c.trust_boundary_ids.clone()).collect()
            })
            .unwrap_or_default();
        Some(AttackerDraft {
            name,
            capability,
            position: String::new(),
            archetype: heuristic_archetype(&likelihood, &stems).to_owned(),
            trust_boundary_ids: dedup(trust_boundary_ids),
            likelihood: Some(likelihood),
        })
    }

    fn draft_asset(
        &self,
        head: &[String],
        clause: &[String],
        message: &str,
        model: Option<&ThreatModel>,
    ) -> Option<AssetDraft> {
        let head_text = head.join(" ");
        let clause_text = clause.join(" ");
        let taken = |name: &str| {
            model.is_some_and(|m| name_taken(m.assets.iter().filter(|a| !a.removed).map(|a| a.name.as_str()), name))
        };
        let mut component_ids = model.map(|m| mentioned_components(m, message)).unwrap_or_default();
        if let Some(a) = self.closest_asset(&head_text, &clause_text) {
            let name = if taken(&a.name) { name_from_head(head)? } else { a.name.clone() };
            if let Some(m) = model
                && component_ids.is_empty()
            {
                let names: Vec<&str> =
                    a.held_by.iter().filter_map(|k| self.components.get(k)).map(|c| c.name.as_str()).collect();
                component_ids = m
                    .components
                    .iter()
                    .filter(|c| !c.removed && names.iter().any(|n| n.eq_ignore_ascii_case(&c.name)))
                    .map(|c| c.id)
                    .collect();
            }
            return Some(AssetDraft {
                name,
                description: a.description.clone(),
                security_properties: a.properties.clone(),
                component_ids: dedup(component_ids),
                impact: Some(a.impact),
                notes: String::new(),
            });
        }
        let name = name_from_head(head)?;
        let description = match clause_sentence(clause) {
            Some(c) => format!("{name}. {c}"),
            None => format!("{name}, added from chat."),
        };
        Some(AssetDraft {
            name,
            description,
            security_properties: heuristic_properties(&content_stems(message)),
            component_ids: dedup(component_ids),
            impact: None,
            notes: String::new(),
        })
    }

    /// The edit a property request asks for: "remove the availability
    /// property from the logging asset", "add usage to A3". `None` unless the
    /// message targets a live asset and names at least one property, or if
    /// the result would leave the asset without properties.
    pub fn property_edit(&self, message: &str, model: &ThreatModel) -> Option<Edit> {
        let intent = classify_intent(message, Some(model));
        if intent.kind != IntentKind::EditEntity || intent.entity_kind != Some(EntityKind::Asset) {
            return None;
        }
        let id = match intent.target_id.as_deref()?.parse::<AnyId>().ok()? {
            AnyId::Asset(id) => id,
            _ => return None,
        };
        let asset = model.asset(id).filter(|a| !a.removed)?;
        let words: BTreeSet<String> = message.split_whitespace().map(bare).collect();
        let named: BTreeSet<SecurityProperty> =
            SecurityProperty::ALL.into_iter().filter(|p| words.contains(&p.name().to_lowercase())).collect();
        if named.is_empty() {
            return None;
        }
        let removing = words.iter().any(|w| matches!(w.as_str(), "remove" | "drop" | "delete" | "without" | "strip"));
        let properties: BTreeSet<SecurityProperty> = if removing {
            asset.security_properties.difference(&named).copied().collect()
        } else {
            asset.security_properties.union(&named).copied().collect()
        };
        if properties.is_empty() || properties == asset.security_properties {
            return None;
        }
        Some(Edit::EditAsset {
            id,
            patch: AssetPatch { security_properties: Some(properties), ..AssetPatch::default() },
        })
    }
}

/// "between the API gateway and backend services" → "API gateway to backend
/// services"; otherwise the words as written, first letter capitalised.
fn boundary_description(words: &[String]) -> Option<String> {
    let joined = strip_trailing_punctuation(&words.join(" "));
    let strip_the = |s: &str| {
        let s = s.trim();
        match s.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("the ") => s[4..].to_owned(),
            _ => s.to_owned(),
        }
    };
    let text = match joined.get(..8) {
        Some(p) if p.eq_ignore_ascii_case("between ") => {
            let rest = &joined[8..];
            match rest.as_bytes().windows(5).position(|w| w.eq_ignore_ascii_case(b" and ")) {
                Some(i) => format!("{} to {}", strip_the(&rest[..i]), strip_the(&rest[i + 5..])),
                None => strip_the(rest),
            }
        }
        _ => joined,
    };
    let text = text.trim();
    let mut chars = text.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}
