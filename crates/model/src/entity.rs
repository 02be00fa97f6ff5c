//! The entities of a threat model. Every entity carries its stable id and a
//! `removed` flag: entities are soft-deleted, never hard-removed.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rampart_risk::{AttackVector, ImpactFactors, LikelihoodFactors};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::{AssetId, AssumptionId, AttackerId, ComponentId, ControlId, ControlObjectiveId, TrustBoundaryId};

/// A security property of an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecurityProperty {
    /// C: only the authorised can read it.
    Confidentiality,
    /// I: only the authorised can change it.
    Integrity,
    /// A: it is there when needed.
    Availability,
    /// U: it is used only for its bound purpose (non-extractable keys, tokens).
    Usage,
}

impl SecurityProperty {
    pub const ALL: [SecurityProperty; 4] = [Self::Confidentiality, Self::Integrity, Self::Availability, Self::Usage];

    /// The one-letter code used on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::Confidentiality => "C",
            Self::Integrity => "I",
            Self::Availability => "A",
            Self::Usage => "U",
        }
    }

    /// The full English name used in objective statements.
    pub fn name(self) -> &'static str {
        match self {
            Self::Confidentiality => "Confidentiality",
            Self::Integrity => "Integrity",
            Self::Availability => "Availability",
            Self::Usage => "Usage",
        }
    }
}

/// A string that names no security property.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown security property `{0}`: expected one of C, I, A, U")]
pub struct UnknownProperty(pub String);

impl FromStr for SecurityProperty {
    type Err = UnknownProperty;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "c" | "confidentiality" => Ok(Self::Confidentiality),
            "i" | "integrity" => Ok(Self::Integrity),
            "a" | "availability" => Ok(Self::Availability),
            "u" | "usage" => Ok(Self::Usage),
            _ => Err(UnknownProperty(s.to_owned())),
        }
    }
}

impl fmt::Display for SecurityProperty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for SecurityProperty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for SecurityProperty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for SecurityProperty {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("SecurityProperty")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "enum": ["C", "I", "A", "U"],
            "description": "C confidentiality, I integrity, A availability, U usage (full names are accepted on input).",
        })
    }
}

/// Whether a boundary's seal has been attested by an accountable person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SealSource {
    Attested,
    #[default]
    Unattested,
}

/// Where two security domains meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustBoundary {
    pub id: TrustBoundaryId,
    pub description: String,
    /// Assets whose data crosses this boundary.
    #[serde(default)]
    pub crosses: Vec<AssetId>,
    /// Attack vectors that structurally traverse the boundary. Absent: all
    /// pass. Empty: none pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passes: Option<BTreeSet<AttackVector>>,
    /// No lateral ingress. Only an attested seal removes objectives.
    #[serde(default)]
    pub sealed: bool,
    #[serde(default)]
    pub seal_source: SealSource,
    #[serde(default)]
    pub removed: bool,
}

/// Assurance-level targets of a component (metadata: editing them does not
/// create a version).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentGrades {
    /// IEC 62443 target security level, 1–4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_sl: Option<u8>,
    /// Common Criteria evaluation assurance level, 1–7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eal: Option<u8>,
    /// FIPS 140 level, 1–4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fips_level: Option<u8>,
}

/// A deployable unit (service, process, frontend) that bridges the security
/// architecture to code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub id: ComponentId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default)]
    pub trust_boundary_ids: Vec<TrustBoundaryId>,
    #[serde(default)]
    pub grades: ComponentGrades,
    #[serde(default)]
    pub removed: bool,
}

/// Something that needs protection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    pub id: AssetId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub security_properties: BTreeSet<SecurityProperty>,
    #[serde(default)]
    pub component_ids: Vec<ComponentId>,
    #[serde(default)]
    pub impact: ImpactFactors,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub removed: bool,
}

/// A capability-defined threat actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attacker {
    pub id: AttackerId,
    /// Short label used in objective statements ("External Network Attacker").
    pub name: String,
    /// What the attacker can concretely do.
    pub capability: String,
    /// Where the attacker stands.
    #[serde(default)]
    pub position: String,
    /// The kind of actor (external, insider, supply chain, …).
    #[serde(default)]
    pub archetype: String,
    /// Boundaries the attacker is positioned at.
    #[serde(default)]
    pub trust_boundary_ids: Vec<TrustBoundaryId>,
    #[serde(default)]
    pub likelihood: LikelihoodFactors,
    #[serde(default)]
    pub removed: bool,
}

/// A computed SHALL statement for one asset × attacker pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlObjective {
    pub id: ControlObjectiveId,
    pub asset_id: AssetId,
    pub attacker_id: AttackerId,
    pub properties: BTreeSet<SecurityProperty>,
    pub statement: String,
    /// ISO/SAE 21434 cybersecurity assurance level, 1–4 (metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cal: Option<u8>,
    /// Tombstoned: its asset or attacker is soft-deleted.
    #[serde(default)]
    pub removed: bool,
}

/// What an assumption claims.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssumptionKind {
    /// Something outside the system is taken as given; a person may attest it.
    #[default]
    External,
    /// The objective does not apply; must be proven by evidence.
    NonApplicability,
}

/// An accountable person's signed-off acceptance of an assumption or seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    pub attested_by: String,
    pub statement: String,
    pub attested_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_url: Option<String>,
}

impl Attestation {
    /// In force at `now`: given no later than `now` and not yet expired.
    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        self.attested_at <= now && self.expires_at.is_none_or(|exp| now < exp)
    }
}

/// A predicate field that matches anything (`"*"`) or exactly one value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Match<T> {
    #[default]
    Any,
    Exactly(T),
}

impl<T: PartialEq> Match<T> {
    pub fn matches(&self, value: &T) -> bool {
        match self {
            Match::Any => true,
            Match::Exactly(v) => v == value,
        }
    }
}

impl<T: Serialize> Serialize for Match<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Match::Any => serializer.serialize_str("*"),
            Match::Exactly(v) => v.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Match<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.as_str() == Some("*") {
            return Ok(Match::Any);
        }
        T::deserialize(value).map(Match::Exactly).map_err(serde::de::Error::custom)
    }
}

impl<T: JsonSchema> JsonSchema for Match<T> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("Match_{}", T::schema_name()))
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let inner = generator.subschema_for::<T>();
        schemars::json_schema!({
            "description": "`*` matches anything; otherwise the exact value.",
            "anyOf": [{ "const": "*" }, inner],
        })
    }
}

/// Which objectives an attested assumption removes from reach. Every field
/// defaults to `*`; a non-empty `co_ids` overrides the match fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExclusionPredicate {
    #[serde(default)]
    pub attacker_id: Match<AttackerId>,
    #[serde(default)]
    pub attacker_vector: Match<AttackVector>,
    #[serde(default)]
    pub asset_id: Match<AssetId>,
    #[serde(default)]
    pub asset_component_id: Match<ComponentId>,
    #[serde(default)]
    pub property_match: Match<SecurityProperty>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_ids: Vec<ControlObjectiveId>,
}

/// Something the model takes for granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assumption {
    pub id: AssumptionId,
    pub description: String,
    #[serde(default)]
    pub kind: AssumptionKind,
    #[serde(default)]
    pub linked_co_ids: Vec<ControlObjectiveId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusion: Option<ExclusionPredicate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attestation>,
    #[serde(default)]
    pub removed: bool,
}

/// A control's place in one objective: a numbered mitigation group, or none
/// (defense in depth, which earns no credit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoMapping {
    pub co_id: ControlObjectiveId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
}

/// The operator's declaration of a control's state (metadata). Whether it is
/// *verified* is computed from evidence, never declared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    #[default]
    NotImplemented,
    Implemented,
}

/// A concrete security measure mapped to objectives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: ControlId,
    pub description: String,
    pub mappings: Vec<CoMapping>,
    #[serde(default)]
    pub framework_refs: BTreeSet<String>,
    #[serde(default)]
    pub status: ControlStatus,
    #[serde(default)]
    pub implementation_notes: String,
    #[serde(default)]
    pub removed: bool,
}

impl Control {
    /// The group of this control for one objective, if mapped.
    pub fn mapping_for(&self, co: ControlObjectiveId) -> Option<&CoMapping> {
        self.mappings.iter().find(|m| m.co_id == co)
    }
}
