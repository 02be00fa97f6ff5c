//! The inputs of edits: drafts (new entities, without ids) and patches
//! (changes to existing ones; absent fields are left alone).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use rampart_risk::{AttackVector, ImpactFactors, LikelihoodFactors};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::entity::{
    Asset, AssumptionKind, Attacker, Attestation, CoMapping, Component, ComponentGrades, ControlStatus,
    ExclusionPredicate, SealSource, SecurityProperty, TrustBoundary,
};
use crate::ids::{
    AssetId, AssumptionId, AttackerId, ComponentId, ControlId, ControlObjectiveId, IdParseError, TrustBoundaryId,
};
use crate::model::EntityKind;

/// `null` → `Some(None)` (clear), a value → `Some(Some(v))` (set); with
/// `#[serde(default)]`, absent → `None` (leave alone).
fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// An id of any kind, told apart by its prefix (`TB3`, `CMP1`, `A2`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnyId {
    TrustBoundary(TrustBoundaryId),
    Component(ComponentId),
    Asset(AssetId),
    Attacker(AttackerId),
    ControlObjective(ControlObjectiveId),
    Assumption(AssumptionId),
    Control(ControlId),
}

impl AnyId {
    pub fn kind(self) -> EntityKind {
        match self {
            AnyId::TrustBoundary(_) => EntityKind::TrustBoundary,
            AnyId::Component(_) => EntityKind::Component,
            AnyId::Asset(_) => EntityKind::Asset,
            AnyId::Attacker(_) => EntityKind::Attacker,
            AnyId::ControlObjective(_) => EntityKind::ControlObjective,
            AnyId::Assumption(_) => EntityKind::Assumption,
            AnyId::Control(_) => EntityKind::Control,
        }
    }
}

impl fmt::Display for AnyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyId::TrustBoundary(id) => id.fmt(f),
            AnyId::Component(id) => id.fmt(f),
            AnyId::Asset(id) => id.fmt(f),
            AnyId::Attacker(id) => id.fmt(f),
            AnyId::ControlObjective(id) => id.fmt(f),
            AnyId::Assumption(id) => id.fmt(f),
            AnyId::Control(id) => id.fmt(f),
        }
    }
}

/// A string that is no id of any kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an entity id (expected TB, CMP, A, T, CO, AS or C followed by a number from 1)")]
pub struct AnyIdParseError(pub String);

impl FromStr for AnyId {
    type Err = AnyIdParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        fn ok<T>(r: Result<T, IdParseError>) -> Option<T> {
            r.ok()
        }
        // Longest prefixes first: "CMP" and "CO" before "C", "TB" before "T", "AS" before "A".
        None.or_else(|| ok(s.parse()).map(AnyId::Component))
            .or_else(|| ok(s.parse()).map(AnyId::ControlObjective))
            .or_else(|| ok(s.parse()).map(AnyId::Control))
            .or_else(|| ok(s.parse()).map(AnyId::TrustBoundary))
            .or_else(|| ok(s.parse()).map(AnyId::Attacker))
            .or_else(|| ok(s.parse()).map(AnyId::Assumption))
            .or_else(|| ok(s.parse()).map(AnyId::Asset))
            .ok_or_else(|| AnyIdParseError(s.to_owned()))
    }
}

impl Serialize for AnyId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AnyId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for AnyId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("AnyId")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(TB|CMP|A|T|CO|AS|C)[1-9][0-9]*$",
            "description": "An entity id of any kind.",
        })
    }
}

/// An objective named by id, or by its (asset, attacker) pair, which is how a
/// new model's controls refer to objectives whose ids are not yet computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CoRef {
    Id(ControlObjectiveId),
    Pair { asset_id: AssetId, attacker_id: AttackerId },
}

/// A control's mapping to an objective, in a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MappingDraft {
    pub co: CoRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustBoundaryDraft {
    pub description: String,
    #[serde(default)]
    pub crosses: Vec<AssetId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passes: Option<BTreeSet<AttackVector>>,
    #[serde(default)]
    pub sealed: bool,
    #[serde(default)]
    pub seal_source: SealSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentDraft {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default)]
    pub trust_boundary_ids: Vec<TrustBoundaryId>,
    #[serde(default)]
    pub grades: ComponentGrades,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetDraft {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub security_properties: BTreeSet<SecurityProperty>,
    #[serde(default)]
    pub component_ids: Vec<ComponentId>,
    /// Judged factors; the methodology default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<ImpactFactors>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttackerDraft {
    pub name: String,
    pub capability: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub archetype: String,
    #[serde(default)]
    pub trust_boundary_ids: Vec<TrustBoundaryId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<LikelihoodFactors>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssumptionDraft {
    pub description: String,
    #[serde(default)]
    pub kind: AssumptionKind,
    #[serde(default)]
    pub linked_co_ids: Vec<CoRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusion: Option<ExclusionPredicate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attestation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlDraft {
    pub description: String,
    pub mappings: Vec<MappingDraft>,
    #[serde(default)]
    pub framework_refs: BTreeSet<String>,
    #[serde(default)]
    pub status: ControlStatus,
    #[serde(default)]
    pub implementation_notes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustBoundaryPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crosses: Option<Vec<AssetId>>,
    /// `null` resets to "passes every vector".
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    pub passes: Option<Option<BTreeSet<AttackVector>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal_source: Option<SealSource>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    pub repo_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    pub path: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_boundary_ids: Option<Vec<TrustBoundaryId>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_properties: Option<BTreeSet<SecurityProperty>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_ids: Option<Vec<ComponentId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttackerPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archetype: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_boundary_ids: Option<Vec<TrustBoundaryId>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssumptionPatch {
    /// Changing the description retires the attestation (it attested other words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AssumptionKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_co_ids: Option<Vec<ControlObjectiveId>>,
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    pub exclusion: Option<Option<ExclusionPredicate>>,
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Option<Attestation>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mappings: Option<Vec<CoMapping>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework_refs: Option<BTreeSet<String>>,
}

/// A whole new model: boundaries, components, assets and attackers with the
/// ids the author chose (they refer to one another); assumptions and controls
/// as drafts, numbered in order. Objectives are computed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelDraft {
    #[serde(default)]
    pub trust_boundaries: Vec<TrustBoundary>,
    #[serde(default)]
    pub components: Vec<Component>,
    pub assets: Vec<Asset>,
    pub attackers: Vec<Attacker>,
    #[serde(default)]
    pub assumptions: Vec<AssumptionDraft>,
    #[serde(default)]
    pub controls: Vec<ControlDraft>,
}
