//! From a feature description to a model draft.
//!
//! 1. **Recognise.** Every pattern's phrases are looked for as consecutive
//!    words of one sentence. A pattern's score is the sum of the weights of
//!    its distinct matched phrases (a phrase weighs its number of words; a
//!    *strong* phrase two more). A pattern matches when its score reaches its
//!    `min_score`. Matching is monotone: more text never unmatches a pattern.
//! 2. **Rank.** Matched patterns by score, highest first, ties by id. If none
//!    matched, the fallback (baseline web service) pattern alone is used.
//! 3. **Select, round-robin.** Assets: in round 1 each ranked pattern, best
//!    first, contributes its first asset not already chosen; round 2 its next;
//!    and so on until [`MAX_ASSETS`] are chosen or the lists run out. The same
//!    for attackers up to [`MAX_ATTACKERS`]. Every matched pattern is thus
//!    represented by its most important entities before any pattern gets a
//!    second one, and shared entities (same catalog key) appear once. Only
//!    *contributing* patterns take part: the leader, and every other pattern
//!    scoring at least [`MIN_CONTRIBUTING_SCORE`] and at least a quarter of
//!    the leader's score ([`CONTRIBUTION_DIVISOR`]). A passing mention ("our
//!    REST API", "customers") is listed in `matched` but does not swell a
//!    model about something else.
//! 4. **Structure.** Components: those of the ranked patterns that hold a
//!    chosen asset. Boundaries: those of the chosen components, plus those the
//!    chosen assets' data crosses. An attacker stands at its catalog
//!    boundaries that are present; if none is, at its first one (added).
//! 5. **Controls**: see [`crate::controls`].
//!
//! Ids are numbered in that order (`TB1`…, `CMP1`…, `A1`…, `T1`…), so the
//! most important asset is `A1`.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::{
    Asset, AssetId, Attacker, AttackerId, CoRef, Component, ComponentGrades, ComponentId, ControlDraft, ControlStatus,
    MappingDraft, ModelDraft, SealSource, TrustBoundary, TrustBoundaryId,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::controls::{AssetView, AttackerView, plan};
use crate::data::Catalog;
use crate::error::CatalogError;
use crate::text::sentences;

/// Most assets a generated model has.
pub const MAX_ASSETS: usize = 12;
/// Most attackers a generated model has.
pub const MAX_ATTACKERS: usize = 6;
/// A pattern other than the leader contributes entities only when its score
/// is at least the leader's divided by this…
pub const CONTRIBUTION_DIVISOR: u32 = 4;
/// …and at least this.
pub const MIN_CONTRIBUTING_SCORE: u32 = 3;
/// Longest description accepted, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 50_000;

/// Why a pattern was used: the phrases of the description that matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PatternMatch {
    pub pattern_id: String,
    pub title: String,
    /// Sum of the weights of the matched phrases; 0 for the fallback used
    /// because nothing matched.
    pub score: u32,
    /// The catalog phrases found in the description, strong ones first.
    pub phrases: Vec<String>,
    /// Whether the pattern brought at least one asset or attacker (the caps
    /// can leave a low-ranked pattern with nothing to add).
    pub contributed: bool,
}

/// The catalog keys the generated entities came from, index-aligned with the
/// draft's lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sources {
    pub trust_boundaries: Vec<String>,
    pub components: Vec<String>,
    pub assets: Vec<String>,
    pub attackers: Vec<String>,
    pub controls: Vec<String>,
}

/// A generated model: a draft `ThreatModel::create` accepts, its suggested
/// name, and why it looks the way it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Generated {
    /// A 3–5 word name; the caller makes it unique in the workspace
    /// (`rampart_model::name::unique_model_name`).
    pub name: String,
    /// Every matched pattern, best first.
    pub matched: Vec<PatternMatch>,
    /// Nothing matched: the baseline web-service pattern was used.
    pub fallback: bool,
    /// Boundaries, components, assets and attackers with ids; controls whose
    /// mappings name objectives by (asset id, attacker id) pairs, which
    /// `ThreatModel::create` resolves once the objectives exist.
    pub draft: ModelDraft,
    pub sources: Sources,
}

/// Checks a description: non-blank and not too long.
pub(crate) fn check_description(description: &str) -> Result<(), CatalogError> {
    if description.trim().is_empty() {
        return Err(CatalogError::EmptyDescription);
    }
    let chars = description.chars().count();
    if chars > MAX_DESCRIPTION_CHARS {
        return Err(CatalogError::DescriptionTooLong { chars, max: MAX_DESCRIPTION_CHARS });
    }
    Ok(())
}

/// Round-robin selection over ranked lists of keys, each list considered up
/// to its limit: returns the chosen keys and, per list, whether it
/// contributed one.
fn round_robin(lists: &[(&[String], usize)], cap: usize) -> (Vec<String>, Vec<bool>) {
    let mut chosen: Vec<String> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut contributed = vec![false; lists.len()];
    let mut cursors = vec![0usize; lists.len()];
    loop {
        let mut progressed = false;
        for (i, (list, limit)) in lists.iter().enumerate() {
            if chosen.len() >= cap {
                return (chosen, contributed);
            }
            while let Some(key) = list.get(cursors[i]).filter(|_| cursors[i] < *limit) {
                cursors[i] += 1;
                if seen.insert(key.as_str()) {
                    chosen.push(key.clone());
                    contributed[i] = true;
                    progressed = true;
                    break;
                }
            }
        }
        if !progressed {
            return (chosen, contributed);
        }
    }
}

/// Which ranked patterns contribute entities (see the module docs).
pub(crate) fn contributing(ranked: &[PatternMatch]) -> Vec<bool> {
    let top = ranked.first().map_or(0, |m| m.score);
    ranked
        .iter()
        .enumerate()
        .map(|(i, m)| i == 0 || (m.score >= MIN_CONTRIBUTING_SCORE && m.score * CONTRIBUTION_DIVISOR >= top))
        .collect()
}

impl Catalog {
    /// The patterns a description matches, best first (see the module docs).
    /// Empty when nothing matches.
    pub fn match_patterns(&self, description: &str) -> Vec<PatternMatch> {
        let text = sentences(description);
        let mut matched: Vec<PatternMatch> = self
            .patterns
            .iter()
            .filter_map(|p| {
                let found: Vec<(&str, u32)> = p
                    .phrases
                    .iter()
                    .filter(|(phrase, _)| phrase.occurs_in(&text))
                    .map(|(phrase, weight)| (phrase.text.as_str(), *weight))
                    .collect();
                let score: u32 = found.iter().map(|(_, w)| w).sum();
                (!found.is_empty() && score >= p.def.min_score).then(|| PatternMatch {
                    pattern_id: p.def.id.clone(),
                    title: p.def.title.clone(),
                    score,
                    phrases: found.iter().map(|(t, _)| (*t).to_owned()).collect(),
                    contributed: false,
                })
            })
            .collect();
        matched.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.pattern_id.cmp(&b.pattern_id)));
        matched
    }

    /// Ranked matches, or the fallback pattern (score 0, no phrases) when
    /// nothing matched; the flag says which.
    pub(crate) fn ranked(&self, description: &str) -> (Vec<PatternMatch>, bool) {
        let matched = self.match_patterns(description);
        if !matched.is_empty() {
            return (matched, false);
        }
        let def = &self.patterns[self.fallback].def;
        let fallback = PatternMatch {
            pattern_id: def.id.clone(),
            title: def.title.clone(),
            score: 0,
            phrases: Vec::new(),
            contributed: false,
        };
        (vec![fallback], true)
    }

    fn pattern_def(&self, id: &str) -> Option<&crate::data::PatternDef> {
        self.patterns.iter().map(|p| &p.def).find(|d| d.id == id)
    }

    /// Generates a model draft from a feature description (see the module
    /// docs for the rules).
    pub fn generate(&self, description: &str) -> Result<Generated, CatalogError> {
        check_description(description)?;
        let (mut matched, fallback) = self.ranked(description);
        let defs: Vec<&crate::data::PatternDef> =
            matched.iter().filter_map(|m| self.pattern_def(&m.pattern_id)).collect();

        let contributing = contributing(&matched);
        let limit = |i: usize, len: usize| if contributing[i] { len } else { 0 };
        let asset_lists: Vec<(&[String], usize)> =
            defs.iter().enumerate().map(|(i, d)| (d.assets.as_slice(), limit(i, d.assets.len()))).collect();
        let attacker_lists: Vec<(&[String], usize)> =
            defs.iter().enumerate().map(|(i, d)| (d.attackers.as_slice(), limit(i, d.attackers.len()))).collect();
        let (asset_keys, assets_from) = round_robin(&asset_lists, MAX_ASSETS);
        let (attacker_keys, attackers_from) = round_robin(&attacker_lists, MAX_ATTACKERS);
        for (i, m) in matched.iter_mut().enumerate() {
            m.contributed = assets_from[i] || attackers_from[i];
        }

        let asset_templates: Vec<&crate::data::AssetTemplate> =
            asset_keys.iter().filter_map(|k| self.assets.get(k)).collect();
        let attacker_templates: Vec<&crate::data::AttackerTemplate> =
            attacker_keys.iter().filter_map(|k| self.attackers.get(k)).collect();

        // Components of the contributing patterns that hold a chosen asset.
        let mut component_keys: Vec<String> = Vec::new();
        for def in defs.iter().zip(&contributing).filter(|(_, c)| **c).map(|(d, _)| d) {
            for c in &def.components {
                let holds = asset_templates.iter().any(|a| a.held_by.contains(c));
                if holds && !component_keys.contains(c) {
                    component_keys.push(c.clone());
                }
            }
        }

        // Boundaries: the components', then the crossed ones.
        let mut boundary_keys: Vec<String> = Vec::new();
        let add_boundary = |keys: &mut Vec<String>, b: &String| {
            if !keys.contains(b) {
                keys.push(b.clone());
            }
        };
        for c in component_keys.iter().filter_map(|k| self.components.get(k)) {
            for b in &c.boundaries {
                add_boundary(&mut boundary_keys, b);
            }
        }
        for a in &asset_templates {
            for b in &a.crosses {
                add_boundary(&mut boundary_keys, b);
            }
        }
        let mut attacker_positions: Vec<Vec<String>> = Vec::new();
        for t in &attacker_templates {
            let present: Vec<String> = t.at.iter().filter(|b| boundary_keys.contains(b)).cloned().collect();
            let positions = if present.is_empty() { t.at.iter().take(1).cloned().collect() } else { present };
            for b in &positions {
                add_boundary(&mut boundary_keys, b);
            }
            attacker_positions.push(positions);
        }

        let tb_id = |key: &str| boundary_keys.iter().position(|k| k == key).map(|i| TrustBoundaryId(i as u32 + 1));
        let cmp_id = |key: &str| component_keys.iter().position(|k| k == key).map(|i| ComponentId(i as u32 + 1));

        let trust_boundaries: Vec<TrustBoundary> = boundary_keys
            .iter()
            .enumerate()
            .filter_map(|(i, key)| {
                let b = self.boundaries.get(key)?;
                let crosses = asset_templates
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.crosses.contains(key))
                    .map(|(j, _)| AssetId(j as u32 + 1))
                    .collect();
                Some(TrustBoundary {
                    id: TrustBoundaryId(i as u32 + 1),
                    description: b.description.clone(),
                    crosses,
                    passes: b.passes.clone(),
                    sealed: false,
                    seal_source: SealSource::Unattested,
                    removed: false,
                })
            })
            .collect();
        let components: Vec<Component> = component_keys
            .iter()
            .enumerate()
            .filter_map(|(i, key)| {
                let c = self.components.get(key)?;
                Some(Component {
                    id: ComponentId(i as u32 + 1),
                    name: c.name.clone(),
                    repo_url: None,
                    path: None,
                    trust_boundary_ids: c.boundaries.iter().filter_map(|b| tb_id(b)).collect(),
                    grades: ComponentGrades::default(),
                    removed: false,
                })
            })
            .collect();
        let assets: Vec<Asset> = asset_templates
            .iter()
            .enumerate()
            .map(|(i, a)| Asset {
                id: AssetId(i as u32 + 1),
                name: a.name.clone(),
                description: a.description.clone(),
                security_properties: a.properties.clone(),
                component_ids: component_keys
                    .iter()
                    .filter(|c| a.held_by.contains(c))
                    .filter_map(|c| cmp_id(c))
                    .collect(),
                impact: a.impact,
                notes: String::new(),
                removed: false,
            })
            .collect();
        let attackers: Vec<Attacker> = attacker_templates
            .iter()
            .zip(&attacker_positions)
            .enumerate()
            .map(|(i, (t, positions))| Attacker {
                id: AttackerId(i as u32 + 1),
                name: t.name.clone(),
                capability: t.capability.clone(),
                position: t.position.clone(),
                archetype: t.archetype.clone(),
                trust_boundary_ids: positions.iter().filter_map(|b| tb_id(b)).collect(),
                likelihood: t.likelihood,
                removed: false,
            })
            .collect();

        let asset_views: Vec<AssetView<'_>> = asset_templates
            .iter()
            .map(|a| AssetView { key: Some(a.key.as_str()), properties: &a.properties })
            .collect();
        let attacker_views: Vec<AttackerView<'_>> = attacker_templates
            .iter()
            .map(|t| AttackerView {
                key: Some(t.key.as_str()),
                vector: t.likelihood.attack_vector,
                archetype: &t.archetype,
            })
            .collect();
        let planned = plan(self, &asset_views, &attacker_views);
        let mut control_keys = Vec::new();
        let mut controls = Vec::new();
        for p in planned {
            let Some(template) = self.controls.get(&p.key) else { continue };
            controls.push(ControlDraft {
                description: template.description.clone(),
                mappings: p
                    .mappings
                    .iter()
                    .map(|((i, j), group)| MappingDraft {
                        co: CoRef::Pair { asset_id: AssetId(*i as u32 + 1), attacker_id: AttackerId(*j as u32 + 1) },
                        group: *group,
                    })
                    .collect(),
                framework_refs: template.refs.clone(),
                status: ControlStatus::NotImplemented,
                implementation_notes: String::new(),
            });
            control_keys.push(p.key);
        }

        let name = crate::name::name_from(self, &matched, description);
        Ok(Generated {
            name,
            matched,
            fallback,
            draft: ModelDraft { trust_boundaries, components, assets, attackers, assumptions: Vec::new(), controls },
            sources: Sources {
                trust_boundaries: boundary_keys,
                components: component_keys,
                assets: asset_keys,
                attackers: attacker_keys,
                controls: control_keys,
            },
        })
    }

    /// Controls for an existing model, e.g. after edits, for
    /// `Edit::MergeControls` (which folds them into existing controls by
    /// mechanism). Live assets and attackers are matched to catalog entities
    /// by name (or alias); unmatched ones get the rule-based controls their
    /// properties, vector and archetype call for. Mappings name objectives by
    /// id.
    pub fn controls_for(&self, model: &rampart_model::ThreatModel) -> Vec<ControlDraft> {
        let assets: Vec<&Asset> = model.assets.iter().filter(|a| !a.removed).collect();
        let attackers: Vec<&Attacker> = model.attackers.iter().filter(|t| !t.removed).collect();
        let asset_keys: Vec<Option<&str>> = assets.iter().map(|a| self.asset_key_for(&a.name)).collect();
        let attacker_keys: Vec<Option<&str>> = attackers.iter().map(|t| self.attacker_key_for(&t.name)).collect();
        let asset_views: Vec<AssetView<'_>> = assets
            .iter()
            .zip(&asset_keys)
            .map(|(a, key)| AssetView { key: *key, properties: &a.security_properties })
            .collect();
        let attacker_views: Vec<AttackerView<'_>> = attackers
            .iter()
            .zip(&attacker_keys)
            .map(|(t, key)| AttackerView { key: *key, vector: t.likelihood.attack_vector, archetype: &t.archetype })
            .collect();
        let mut out = Vec::new();
        for p in plan(self, &asset_views, &attacker_views) {
            let Some(template) = self.controls.get(&p.key) else { continue };
            let mappings: Vec<MappingDraft> = p
                .mappings
                .iter()
                .filter_map(|((i, j), group)| {
                    let co = model.objective_for(assets[*i].id, attackers[*j].id)?;
                    (!co.removed).then_some(MappingDraft { co: CoRef::Id(co.id), group: *group })
                })
                .collect();
            if mappings.is_empty() {
                continue;
            }
            out.push(ControlDraft {
                description: template.description.clone(),
                mappings,
                framework_refs: template.refs.clone(),
                status: ControlStatus::NotImplemented,
                implementation_notes: String::new(),
            });
        }
        out
    }

    /// The catalog asset a name denotes: same significant words as its name
    /// or one of its aliases.
    pub fn asset_key_for(&self, name: &str) -> Option<&str> {
        let wanted = rampart_model::judge::significant_words(name);
        if wanted.is_empty() {
            return None;
        }
        let same = |n: &str| rampart_model::judge::significant_words(n) == wanted;
        self.assets
            .values()
            .find(|a| same(&a.name))
            .or_else(|| self.assets.values().find(|a| a.aliases.iter().any(|x| same(x))))
            .map(|a| a.key.as_str())
    }

    /// The catalog attacker a name denotes (see [`Catalog::asset_key_for`]).
    pub fn attacker_key_for(&self, name: &str) -> Option<&str> {
        let wanted = rampart_model::judge::significant_words(name);
        if wanted.is_empty() {
            return None;
        }
        let same = |n: &str| rampart_model::judge::significant_words(n) == wanted;
        self.attackers
            .values()
            .find(|t| same(&t.name))
            .or_else(|| self.attackers.values().find(|t| t.aliases.iter().any(|x| same(x))))
            .map(|t| t.key.as_str())
    }

    /// The catalog keys that several patterns list, with the patterns, for
    /// documentation and tests of deduplication.
    pub fn shared_keys(&self) -> BTreeMap<String, Vec<String>> {
        let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in &self.patterns {
            for k in p.def.assets.iter().chain(&p.def.attackers) {
                by_key.entry(k.clone()).or_default().push(p.def.id.clone());
            }
        }
        by_key.retain(|_, v| v.len() > 1);
        by_key
    }
}
