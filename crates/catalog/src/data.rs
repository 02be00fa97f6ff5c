//! The catalog data: the TOML schema of `catalog/*.toml`, the embedded
//! built-in files, and the rules a catalog must keep to be loaded.
//!
//! Entities (assets, attackers, boundaries, components) and control templates
//! are defined once, by a stable kebab-case key, in any file; patterns refer to
//! them by key. That is what deduplicates "External Network Attacker" when a
//! description matches three patterns that all list it.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::SecurityProperty;
use rampart_model::name::validate_model_name;
use rampart_risk::{AttackVector, ImpactFactors, LikelihoodFactors, Subscore};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::CatalogError;
use crate::text::Phrase;

/// The built-in catalog files, embedded at compile time: (file name, TOML).
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("common.toml", include_str!("../catalog/common.toml")),
    ("admin-console.toml", include_str!("../catalog/admin-console.toml")),
    ("api-keys.toml", include_str!("../catalog/api-keys.toml")),
    ("baseline-web.toml", include_str!("../catalog/baseline-web.toml")),
    ("cache.toml", include_str!("../catalog/cache.toml")),
    ("ci-cd.toml", include_str!("../catalog/ci-cd.toml")),
    ("data-export.toml", include_str!("../catalog/data-export.toml")),
    ("email-notifications.toml", include_str!("../catalog/email-notifications.toml")),
    ("file-uploads.toml", include_str!("../catalog/file-uploads.toml")),
    ("health-records.toml", include_str!("../catalog/health-records.toml")),
    ("iot-firmware.toml", include_str!("../catalog/iot-firmware.toml")),
    ("kiosk-terminal.toml", include_str!("../catalog/kiosk-terminal.toml")),
    ("logging-audit.toml", include_str!("../catalog/logging-audit.toml")),
    ("message-queue.toml", include_str!("../catalog/message-queue.toml")),
    ("ml-llm.toml", include_str!("../catalog/ml-llm.toml")),
    ("mobile-app.toml", include_str!("../catalog/mobile-app.toml")),
    ("multi-tenant.toml", include_str!("../catalog/multi-tenant.toml")),
    ("oauth-oidc.toml", include_str!("../catalog/oauth-oidc.toml")),
    ("password-auth.toml", include_str!("../catalog/password-auth.toml")),
    ("payments.toml", include_str!("../catalog/payments.toml")),
    ("personal-data.toml", include_str!("../catalog/personal-data.toml")),
    ("plugin-extensions.toml", include_str!("../catalog/plugin-extensions.toml")),
    ("public-api.toml", include_str!("../catalog/public-api.toml")),
    ("relational-db.toml", include_str!("../catalog/relational-db.toml")),
    ("search.toml", include_str!("../catalog/search.toml")),
    ("secrets-kms.toml", include_str!("../catalog/secrets-kms.toml")),
    ("sessions.toml", include_str!("../catalog/sessions.toml")),
    ("third-party-integrations.toml", include_str!("../catalog/third-party-integrations.toml")),
    ("webhooks-inbound.toml", include_str!("../catalog/webhooks-inbound.toml")),
    ("webhooks-outbound.toml", include_str!("../catalog/webhooks-outbound.toml")),
];

/// Framework id prefixes a control's `refs` may use (`PREFIX:section`). The
/// section ids are indicative: they name where a framework asks for the
/// mechanism, as a starting point for compliance mapping, not a verified
/// mapping.
pub const FRAMEWORK_PREFIXES: &[&str] = &[
    "CIS-Controls-8",
    "GDPR",
    "HIPAA",
    "IEC-62443-4-2",
    "ISO-27001-2022",
    "NIST-SP800-53-r5",
    "OWASP-ASVS-5.0",
    "OWASP-LLM-2025",
    "OWASP-MASVS-2.0",
    "PCI-DSS-4.0.1",
];

/// One catalog file as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// Present in a pattern file; absent in a file of shared definitions.
    #[serde(default)]
    pub pattern: Option<PatternDef>,
    #[serde(default, rename = "boundary")]
    pub boundaries: Vec<BoundaryTemplate>,
    #[serde(default, rename = "component")]
    pub components: Vec<ComponentTemplate>,
    #[serde(default, rename = "asset")]
    pub assets: Vec<AssetTemplate>,
    #[serde(default, rename = "attacker")]
    pub attackers: Vec<AttackerTemplate>,
    #[serde(default, rename = "control")]
    pub controls: Vec<ControlTemplate>,
    /// Covers for control templates defined in other files, in this file's
    /// group namespace.
    #[serde(default, rename = "uses")]
    pub uses: Vec<ControlUse>,
}

/// An architecture pattern: how it is recognised and what it brings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternDef {
    /// Stable id, e.g. `file-uploads`.
    pub id: String,
    pub title: String,
    /// A three-word Title Case model name for descriptions this pattern leads.
    pub name: String,
    /// A one-word qualifier put before another pattern's name when this one
    /// ranks second (e.g. `Tenant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// Recognition phrases: each weighs its number of words.
    pub phrases: Vec<String>,
    /// Phrases that on their own mark the pattern: each weighs its number of
    /// words plus two.
    #[serde(default)]
    pub strong: Vec<String>,
    /// Score below which the pattern does not match (default 1).
    #[serde(default = "one")]
    pub min_score: u32,
    /// The pattern used when nothing else matches.
    #[serde(default)]
    pub fallback: bool,
    /// Asset keys, most important first.
    pub assets: Vec<String>,
    /// Attacker keys, most important first.
    pub attackers: Vec<String>,
    /// Component keys.
    pub components: Vec<String>,
}

fn one() -> u32 {
    1
}

/// Where two security domains meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoundaryTemplate {
    pub key: String,
    pub description: String,
    /// Attack vectors that cross it; absent: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passes: Option<BTreeSet<AttackVector>>,
}

/// A deployable unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentTemplate {
    pub key: String,
    pub name: String,
    /// Boundary keys the component sits on.
    pub boundaries: Vec<String>,
}

/// Something that needs protection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetTemplate {
    pub key: String,
    pub name: String,
    pub description: String,
    pub properties: BTreeSet<SecurityProperty>,
    pub impact: ImpactFactors,
    /// Component keys that hold the asset.
    pub held_by: Vec<String>,
    /// Boundary keys the asset's data crosses.
    #[serde(default)]
    pub crosses: Vec<String>,
    /// Other names users give it (for matching chat requests).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A capability-defined threat actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttackerTemplate {
    pub key: String,
    pub name: String,
    pub capability: String,
    pub position: String,
    pub archetype: String,
    /// Boundary keys the attacker stands at (outside of).
    pub at: Vec<String>,
    pub likelihood: LikelihoodFactors,
    /// Other names users give it (for matching chat requests).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Which objectives a control template addresses, and in which mitigation
/// group. Every present field must hold; an absent one holds for anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    /// Asset keys. A cover naming asset keys is *specific*; one without is a
    /// *rule*, applied only to objectives no specific cover puts in a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<Vec<String>>,
    /// The asset has at least one of these properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_properties: Option<BTreeSet<SecurityProperty>>,
    /// Attacker keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attackers: Option<Vec<String>>,
    /// The attacker's attack vector is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vectors: Option<BTreeSet<AttackVector>>,
    /// The attacker's archetype is one of these (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archetypes: Option<Vec<String>>,
    /// Mitigation group within the file that writes the cover; absent:
    /// defense in depth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
}

impl Cover {
    pub fn is_specific(&self) -> bool {
        self.assets.is_some()
    }
}

/// A control template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlTemplate {
    pub key: String,
    /// A concrete, testable mechanism, in the imperative.
    pub description: String,
    /// Indicative framework references, `PREFIX:section`.
    #[serde(default)]
    pub refs: BTreeSet<String>,
    #[serde(default)]
    pub covers: Vec<Cover>,
}

/// Covers written in one file for a template defined in another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlUse {
    pub control: String,
    pub covers: Vec<Cover>,
}

/// A pattern with its phrases parsed.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub(crate) def: PatternDef,
    /// (phrase, weight), catalog order: strong phrases first.
    pub(crate) phrases: Vec<(Phrase, u32)>,
}

/// A cover with the file that wrote it (its group namespace) and its template.
#[derive(Debug, Clone)]
pub(crate) struct CoverRule {
    pub(crate) source: String,
    pub(crate) control: String,
    pub(crate) cover: Cover,
}

/// A loaded, validated catalog. Immutable; build it once and reuse it, or
/// let the free functions of this crate load the built-in one per call.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub(crate) patterns: Vec<Pattern>,
    pub(crate) boundaries: BTreeMap<String, BoundaryTemplate>,
    pub(crate) components: BTreeMap<String, ComponentTemplate>,
    pub(crate) assets: BTreeMap<String, AssetTemplate>,
    pub(crate) attackers: BTreeMap<String, AttackerTemplate>,
    pub(crate) controls: BTreeMap<String, ControlTemplate>,
    pub(crate) rules: Vec<CoverRule>,
    pub(crate) fallback: usize,
    /// (kind letter, key) → file that defines it, for error messages.
    origins: BTreeMap<&'static str, BTreeMap<String, String>>,
}

fn insert_unique<T>(
    map: &mut BTreeMap<String, T>,
    origin: &mut BTreeMap<String, String>,
    kind: &str,
    file: &str,
    key: &str,
    value: T,
) -> Result<(), CatalogError> {
    if !is_key(key) {
        return Err(CatalogError::invalid(file, format!("{kind} key `{key}` must be lower-case kebab-case")));
    }
    if let Some(first) = origin.get(key) {
        return Err(CatalogError::invalid(file, format!("{kind} key `{key}` is already defined in `{first}`")));
    }
    origin.insert(key.to_owned(), file.to_owned());
    map.insert(key.to_owned(), value);
    Ok(())
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

impl Catalog {
    /// The built-in catalog.
    pub fn builtin() -> Result<Catalog, CatalogError> {
        Catalog::from_sources(BUILTIN_FILES.iter().copied())
    }

    /// A catalog from `(file name, TOML)` pairs, e.g. the built-in files plus
    /// an organisation's own patterns. Fails on the first broken rule, naming
    /// the file.
    pub fn from_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog {
            patterns: Vec::new(),
            boundaries: BTreeMap::new(),
            components: BTreeMap::new(),
            assets: BTreeMap::new(),
            attackers: BTreeMap::new(),
            controls: BTreeMap::new(),
            rules: Vec::new(),
            fallback: 0,
            origins: BTreeMap::new(),
        };
        let mut origins: BTreeMap<&'static str, BTreeMap<String, String>> = BTreeMap::new();
        let mut uses: Vec<(String, ControlUse)> = Vec::new();
        let mut pattern_files: BTreeMap<String, String> = BTreeMap::new();
        let mut sources: Vec<(&str, &str)> = sources.into_iter().collect();
        sources.sort_by_key(|(name, _)| *name);
        for (file, text) in sources {
            let parsed: CatalogFile = toml::from_str(text)
                .map_err(|e| CatalogError::Parse { file: file.to_owned(), message: e.to_string() })?;
            for b in parsed.boundaries {
                let key = b.key.clone();
                insert_unique(&mut catalog.boundaries, origins.entry("b").or_default(), "boundary", file, &key, b)?;
            }
            for c in parsed.components {
                let key = c.key.clone();
                insert_unique(&mut catalog.components, origins.entry("c").or_default(), "component", file, &key, c)?;
            }
            for a in parsed.assets {
                let key = a.key.clone();
                insert_unique(&mut catalog.assets, origins.entry("a").or_default(), "asset", file, &key, a)?;
            }
            for t in parsed.attackers {
                let key = t.key.clone();
                insert_unique(&mut catalog.attackers, origins.entry("t").or_default(), "attacker", file, &key, t)?;
            }
            for c in parsed.controls {
                let key = c.key.clone();
                for cover in &c.covers {
                    catalog.rules.push(CoverRule {
                        source: file.to_owned(),
                        control: key.clone(),
                        cover: cover.clone(),
                    });
                }
                insert_unique(&mut catalog.controls, origins.entry("x").or_default(), "control", file, &key, c)?;
            }
            uses.extend(parsed.uses.into_iter().map(|u| (file.to_owned(), u)));
            if let Some(def) = parsed.pattern {
                if let Some(first) = pattern_files.insert(def.id.clone(), file.to_owned()) {
                    return Err(CatalogError::invalid(
                        file,
                        format!("pattern `{}` is already defined in `{first}`", def.id),
                    ));
                }
                let mut phrases = Vec::new();
                for p in &def.strong {
                    let phrase = Phrase::parse(p).map_err(|m| CatalogError::invalid(file, m))?;
                    let weight = phrase.words.len() as u32 + 2;
                    phrases.push((phrase, weight));
                }
                for p in &def.phrases {
                    let phrase = Phrase::parse(p).map_err(|m| CatalogError::invalid(file, m))?;
                    let weight = phrase.words.len() as u32;
                    phrases.push((phrase, weight));
                }
                catalog.patterns.push(Pattern { def, phrases });
            }
        }
        for (file, u) in uses {
            if !catalog.controls.contains_key(&u.control) {
                return Err(CatalogError::invalid(&file, format!("`uses` names unknown control `{}`", u.control)));
            }
            for cover in u.covers {
                catalog.rules.push(CoverRule { source: file.clone(), control: u.control.clone(), cover });
            }
        }
        catalog.patterns.sort_by(|a, b| a.def.id.cmp(&b.def.id));
        catalog.origins = origins;
        catalog.validate(&pattern_files)?;
        Ok(catalog)
    }

    fn validate(&mut self, pattern_files: &BTreeMap<String, String>) -> Result<(), CatalogError> {
        let fallbacks: Vec<usize> =
            self.patterns.iter().enumerate().filter(|(_, p)| p.def.fallback).map(|(i, _)| i).collect();
        match fallbacks.as_slice() {
            [one] => self.fallback = *one,
            _ => {
                return Err(CatalogError::invalid("(catalog)", "exactly one pattern must be marked `fallback = true`"));
            }
        }
        for b in self.boundaries.values() {
            text_ok(&self.file_of("b", &b.key), &b.key, &b.description)?;
        }
        for c in self.components.values() {
            let file = self.file_of("c", &c.key);
            text_ok(&file, &c.key, &c.name)?;
            if c.boundaries.is_empty() {
                return Err(CatalogError::invalid(&file, format!("component `{}` sits on no boundary", c.key)));
            }
            for b in &c.boundaries {
                self.known_boundary(&file, &c.key, b)?;
            }
        }
        for a in self.assets.values() {
            let file = self.file_of("a", &a.key);
            text_ok(&file, &a.key, &a.name)?;
            text_ok(&file, &a.key, &a.description)?;
            if a.properties.is_empty() {
                return Err(CatalogError::invalid(&file, format!("asset `{}` has no security property", a.key)));
            }
            let subscores = [
                (SecurityProperty::Confidentiality, a.impact.confidentiality),
                (SecurityProperty::Integrity, a.impact.integrity),
                (SecurityProperty::Availability, a.impact.availability),
                (SecurityProperty::Usage, a.impact.usage),
            ];
            for (property, subscore) in subscores {
                if a.properties.contains(&property) == (subscore == Subscore::None) {
                    return Err(CatalogError::invalid(
                        &file,
                        format!(
                            "asset `{}`: the {} subscore must be above None exactly when the asset has {}",
                            a.key,
                            property.name().to_lowercase(),
                            property.code()
                        ),
                    ));
                }
            }
            if a.held_by.is_empty() {
                return Err(CatalogError::invalid(&file, format!("asset `{}` is held by no component", a.key)));
            }
            for c in &a.held_by {
                if !self.components.contains_key(c) {
                    return Err(CatalogError::invalid(
                        &file,
                        format!("asset `{}` names unknown component `{c}`", a.key),
                    ));
                }
            }
            for b in &a.crosses {
                self.known_boundary(&file, &a.key, b)?;
            }
        }
        for t in self.attackers.values() {
            let file = self.file_of("t", &t.key);
            for field in [&t.name, &t.capability, &t.position, &t.archetype] {
                text_ok(&file, &t.key, field)?;
            }
            if t.at.is_empty() {
                return Err(CatalogError::invalid(&file, format!("attacker `{}` stands at no boundary", t.key)));
            }
            for b in &t.at {
                self.known_boundary(&file, &t.key, b)?;
            }
        }
        unique_names("asset", self.assets.values().map(|a| (&a.key, &a.name)))?;
        unique_names("attacker", self.attackers.values().map(|t| (&t.key, &t.name)))?;
        unique_names("component", self.components.values().map(|c| (&c.key, &c.name)))?;
        for c in self.controls.values() {
            let file = self.file_of("x", &c.key);
            text_ok(&file, &c.key, &c.description)?;
            for r in &c.refs {
                let known = r.split_once(':').is_some_and(|(prefix, id)| {
                    FRAMEWORK_PREFIXES.contains(&prefix) && !id.trim().is_empty() && id.trim() == id
                });
                if !known {
                    return Err(CatalogError::invalid(
                        &file,
                        format!("control `{}`: reference `{r}` must be PREFIX:section with a known prefix", c.key),
                    ));
                }
            }
        }
        for rule in &self.rules {
            self.check_cover(rule)?;
        }
        // Each asset's group-bearing specific covers come from one file, so
        // its groups are authored together and mean what they say.
        let mut group_sources: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for rule in self.rules.iter().filter(|r| r.cover.group.is_some()) {
            for a in rule.cover.assets.iter().flatten() {
                group_sources.entry(a.as_str()).or_default().insert(rule.source.as_str());
            }
        }
        if let Some((asset, files)) = group_sources.iter().find(|(_, files)| files.len() > 1) {
            return Err(CatalogError::invalid(
                "(catalog)",
                format!("asset `{asset}` gets mitigation groups from several files ({files:?}); author them in one"),
            ));
        }
        for p in &self.patterns {
            let file = pattern_files.get(&p.def.id).map_or("(pattern)", String::as_str);
            self.check_pattern(file, p)?;
        }
        Ok(())
    }

    /// The file that defines an entity (`kind`: b, c, a, t or x).
    fn file_of(&self, kind: &str, key: &str) -> String {
        self.origins.get(kind).and_then(|m| m.get(key)).cloned().unwrap_or_else(|| "(catalog)".to_owned())
    }

    fn known_boundary(&self, file: &str, owner: &str, key: &str) -> Result<(), CatalogError> {
        if self.boundaries.contains_key(key) {
            Ok(())
        } else {
            Err(CatalogError::invalid(file, format!("`{owner}` names unknown boundary `{key}`")))
        }
    }

    fn check_cover(&self, rule: &CoverRule) -> Result<(), CatalogError> {
        let file = rule.source.as_str();
        let c = &rule.cover;
        for a in c.assets.iter().flatten() {
            if !self.assets.contains_key(a) {
                return Err(CatalogError::invalid(
                    file,
                    format!("control `{}` covers unknown asset `{a}`", rule.control),
                ));
            }
        }
        for t in c.attackers.iter().flatten() {
            if !self.attackers.contains_key(t) {
                return Err(CatalogError::invalid(
                    file,
                    format!("control `{}` covers unknown attacker `{t}`", rule.control),
                ));
            }
        }
        if c.group == Some(0) {
            return Err(CatalogError::invalid(file, format!("control `{}`: groups start at 1", rule.control)));
        }
        let empty = c.assets.as_ref().is_some_and(Vec::is_empty)
            || c.attackers.as_ref().is_some_and(Vec::is_empty)
            || c.asset_properties.as_ref().is_some_and(BTreeSet::is_empty)
            || c.vectors.as_ref().is_some_and(BTreeSet::is_empty)
            || c.archetypes.as_ref().is_some_and(Vec::is_empty);
        if empty {
            return Err(CatalogError::invalid(
                file,
                format!("control `{}`: a cover field is an empty list", rule.control),
            ));
        }
        let unscoped = c.assets.is_none() && c.asset_properties.is_none();
        let unscoped_attackers = c.attackers.is_none() && c.vectors.is_none() && c.archetypes.is_none();
        if unscoped && unscoped_attackers {
            return Err(CatalogError::invalid(
                file,
                format!("control `{}`: a cover must narrow assets or attackers", rule.control),
            ));
        }
        Ok(())
    }

    fn check_pattern(&self, file: &str, p: &Pattern) -> Result<(), CatalogError> {
        let d = &p.def;
        if !is_key(&d.id) {
            return Err(CatalogError::invalid(file, format!("pattern id `{}` must be kebab-case", d.id)));
        }
        let words = d.name.split_whitespace().count();
        if words != 3 || validate_model_name(&d.name).is_err() || crate::text::title_case(&d.name) != d.name {
            return Err(CatalogError::invalid(
                file,
                format!("pattern name `{}` must be three Title Case words", d.name),
            ));
        }
        if let Some(q) = &d.qualifier
            && (q.split_whitespace().count() != 1 || !q.chars().all(|c| c.is_alphanumeric() || c == '-'))
        {
            return Err(CatalogError::invalid(file, format!("qualifier `{q}` must be one word")));
        }
        if p.phrases.is_empty() && !d.fallback {
            return Err(CatalogError::invalid(file, format!("pattern `{}` has no recognition phrase", d.id)));
        }
        if d.assets.is_empty() || d.attackers.is_empty() || d.components.is_empty() {
            return Err(CatalogError::invalid(
                file,
                format!("pattern `{}` needs assets, attackers and components", d.id),
            ));
        }
        // No phrase may be listed twice, even as a plural variant ("salary",
        // "salaries"): equivalent phrases would count the same words twice.
        for (i, (a, _)) in p.phrases.iter().enumerate() {
            for (b, _) in &p.phrases[i + 1..] {
                let same_length = a.words.len() == b.words.len();
                let b_text = crate::text::sentences(&b.text.replace('*', ""));
                let a_text = crate::text::sentences(&a.text.replace('*', ""));
                if same_length && (a.occurs_in(&b_text) || b.occurs_in(&a_text)) {
                    return Err(CatalogError::invalid(
                        file,
                        format!("phrases `{}` and `{}` match the same words", a.text, b.text),
                    ));
                }
            }
        }
        for a in &d.assets {
            let asset =
                self.assets.get(a).ok_or_else(|| CatalogError::invalid(file, format!("unknown asset `{a}`")))?;
            if !asset.held_by.iter().any(|c| d.components.contains(c)) {
                return Err(CatalogError::invalid(
                    file,
                    format!("asset `{a}` is held by none of pattern `{}`'s components", d.id),
                ));
            }
        }
        for t in &d.attackers {
            if !self.attackers.contains_key(t) {
                return Err(CatalogError::invalid(file, format!("unknown attacker `{t}`")));
            }
        }
        for c in &d.components {
            if !self.components.contains_key(c) {
                return Err(CatalogError::invalid(file, format!("unknown component `{c}`")));
            }
        }
        Ok(())
    }

    /// The patterns, by id.
    pub fn patterns(&self) -> impl Iterator<Item = &PatternDef> {
        self.patterns.iter().map(|p| &p.def)
    }

    /// The pattern used when nothing matches.
    pub fn fallback_pattern(&self) -> &PatternDef {
        &self.patterns[self.fallback].def
    }

    pub fn asset(&self, key: &str) -> Option<&AssetTemplate> {
        self.assets.get(key)
    }

    pub fn attacker(&self, key: &str) -> Option<&AttackerTemplate> {
        self.attackers.get(key)
    }

    pub fn boundary(&self, key: &str) -> Option<&BoundaryTemplate> {
        self.boundaries.get(key)
    }

    pub fn component(&self, key: &str) -> Option<&ComponentTemplate> {
        self.components.get(key)
    }

    pub fn control(&self, key: &str) -> Option<&ControlTemplate> {
        self.controls.get(key)
    }

    /// Every asset template, by key.
    pub fn assets(&self) -> impl Iterator<Item = &AssetTemplate> {
        self.assets.values()
    }

    /// Every attacker template, by key.
    pub fn attackers(&self) -> impl Iterator<Item = &AttackerTemplate> {
        self.attackers.values()
    }

    /// Every control template, by key.
    pub fn controls(&self) -> impl Iterator<Item = &ControlTemplate> {
        self.controls.values()
    }
}

fn text_ok(file: &str, key: &str, text: &str) -> Result<(), CatalogError> {
    if text.trim().is_empty() || text.trim() != text || text.chars().any(char::is_control) || text.chars().count() > 600
    {
        return Err(CatalogError::invalid(
            file,
            format!("`{key}`: text must be non-empty, trimmed, at most 600 characters, without control characters"),
        ));
    }
    Ok(())
}

/// Names of one kind must differ in their significant words, because the
/// model refuses two live entities whose names do.
fn unique_names<'a>(kind: &str, names: impl Iterator<Item = (&'a String, &'a String)>) -> Result<(), CatalogError> {
    let mut seen: BTreeMap<BTreeSet<String>, &str> = BTreeMap::new();
    for (key, name) in names {
        let words = rampart_model::judge::significant_words(name);
        if let Some(other) = seen.insert(words, key) {
            return Err(CatalogError::invalid(
                "(catalog)",
                format!("{kind}s `{other}` and `{key}` have the same name"),
            ));
        }
    }
    Ok(())
}
