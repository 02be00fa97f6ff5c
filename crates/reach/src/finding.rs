//! The vocabulary of the coherence report: finding kinds, severities, the
//! finding itself and the report with its summary.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_model::AnyId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoherenceSeverity {
    /// Worth knowing; may be intended (an external component with no code).
    Info,
    /// The model says less than it could: a verdict stays open or reachable
    /// for want of structure or an attestation.
    Warning,
    /// The model contradicts itself: a reference to nothing, a duplicate id.
    Error,
}

impl CoherenceSeverity {
    /// Every severity, lowest first.
    pub const ALL: [CoherenceSeverity; 3] = [Self::Info, Self::Warning, Self::Error];
}

/// What a coherence finding is about.
///
/// The `*_unknown` kinds are errors when the referenced id does not exist at
/// all and warnings when it exists but is soft-deleted (the model lets an
/// entity keep pointing at something deleted after the fact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Two entities of one kind share an id (error).
    DuplicateId,
    /// A live boundary lists an unknown or soft-deleted asset in `crosses`.
    BoundaryCrossesUnknownAsset,
    /// A live boundary is sealed but the seal is not attested (warning).
    SealUnattested,
    /// A live boundary's seal source is attested but it is not sealed (info).
    SealAttestedUnsealed,
    /// A live component has neither repository URL nor path (info).
    ComponentUnbound,
    /// A live component is in no live trust boundary (warning).
    ComponentUnplaced,
    /// A live component refers to an unknown or soft-deleted boundary.
    ComponentBoundaryUnknown,
    /// A live asset refers to an unknown or soft-deleted component.
    AssetComponentUnknown,
    /// A live asset has no live component and no live boundary crosses it (warning).
    AssetUnscoped,
    /// A live attacker refers to an unknown or soft-deleted boundary.
    AttackerBoundaryUnknown,
    /// A live external assumption with an exclusion predicate has no
    /// attestation in force yet (warning).
    AssumptionUnattested,
    /// A live external assumption with an exclusion predicate has an expired
    /// attestation (warning).
    AssumptionExpired,
    /// A live non-applicability assumption carries a person's attestation,
    /// which is ignored (warning).
    AssumptionAttestationIgnored,
    /// A live assumption links to an objective that does not exist (error).
    AssumptionCoUnknown,
    /// A live assumption links to a tombstoned objective (warning).
    AssumptionCoTombstoned,
    /// A live assumption's exclusion predicate names an id that does not
    /// exist (error).
    AssumptionPredicateUnknown,
    /// An assumption in force has a predicate that covers no live objective (info).
    AssumptionExcludesNothing,
    /// A live objective's asset or attacker is unknown or soft-deleted (error).
    CoMissingEntity,
    /// A live objective's attacker stands at no live boundary (warning).
    CoAttackerUnpositioned,
    /// A live objective's asset lies in no live boundary (warning).
    CoAssetUnbounded,
    /// A live objective's attacker and asset share no boundary (warning).
    CoNoSharedBoundary,
    /// A live objective stays reachable only because a blocking seal is not
    /// attested (warning).
    CoBlockUnattested,
}

impl FindingKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [FindingKind; 22] = [
        Self::DuplicateId,
        Self::BoundaryCrossesUnknownAsset,
        Self::SealUnattested,
        Self::SealAttestedUnsealed,
        Self::ComponentUnbound,
        Self::ComponentUnplaced,
        Self::ComponentBoundaryUnknown,
        Self::AssetComponentUnknown,
        Self::AssetUnscoped,
        Self::AttackerBoundaryUnknown,
        Self::AssumptionUnattested,
        Self::AssumptionExpired,
        Self::AssumptionAttestationIgnored,
        Self::AssumptionCoUnknown,
        Self::AssumptionCoTombstoned,
        Self::AssumptionPredicateUnknown,
        Self::AssumptionExcludesNothing,
        Self::CoMissingEntity,
        Self::CoAttackerUnpositioned,
        Self::CoAssetUnbounded,
        Self::CoNoSharedBoundary,
        Self::CoBlockUnattested,
    ];
}

/// One structural finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CoherenceFinding {
    pub kind: FindingKind,
    pub severity: CoherenceSeverity,
    /// The entities involved, the subject first (serialized as id strings).
    pub ids: Vec<AnyId>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The concrete edit that resolves it.
    pub suggested_fix: String,
}

/// CoherenceFinding counts. Every kind and severity is present, zero or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CoherenceSummary {
    pub total: usize,
    pub by_kind: BTreeMap<FindingKind, usize>,
    pub by_severity: BTreeMap<CoherenceSeverity, usize>,
}

impl CoherenceSummary {
    pub(crate) fn of(findings: &[CoherenceFinding]) -> Self {
        let mut by_kind: BTreeMap<FindingKind, usize> = FindingKind::ALL.iter().map(|k| (*k, 0)).collect();
        let mut by_severity: BTreeMap<CoherenceSeverity, usize> =
            CoherenceSeverity::ALL.iter().map(|s| (*s, 0)).collect();
        for f in findings {
            *by_kind.entry(f.kind).or_default() += 1;
            *by_severity.entry(f.severity).or_default() += 1;
        }
        CoherenceSummary { total: findings.len(), by_kind, by_severity }
    }
}

/// The structural findings of one model version at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CoherenceReport {
    /// The version of the model examined.
    pub model_version: u32,
    /// The instant attestations were judged at.
    pub as_of: DateTime<Utc>,
    /// Sorted by kind, then by the ids involved.
    pub findings: Vec<CoherenceFinding>,
    pub summary: CoherenceSummary,
}

impl CoherenceReport {
    /// The findings of one kind, in report order.
    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &CoherenceFinding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}
