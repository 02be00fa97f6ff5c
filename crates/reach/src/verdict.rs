//! The per-objective outcome of reachability: its kind, the machine reason,
//! the ids that decided it, and a sentence a person can read.

use rampart_model::{AnyId, AssetId, AssumptionId, AttackerId, ControlObjectiveId, TrustBoundaryId};
use rampart_risk::AttackVector;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether the attacker of an objective can get at its asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// The structure gives the attacker a way in; the objective must be met.
    Reachable,
    /// An attested ground takes the objective out of scope.
    Unreachable,
    /// Structure needed to decide is missing; the verdict names what.
    Indeterminate,
}

impl VerdictKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [VerdictKind; 3] = [Self::Reachable, Self::Unreachable, Self::Indeterminate];
}

/// Why an objective got its verdict. Each reason belongs to exactly one
/// [`VerdictKind`] ([`Reason::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Reachable: a boundary the attacker and asset share lets the attacker's
    /// vector through.
    BoundaryPasses,
    /// Reachable: every shared boundary blocks the vector, but at least one of
    /// those blocks rests on a seal nobody has attested.
    BlockUnattested,
    /// Unreachable: a live, currently attested assumption's exclusion
    /// predicate covers the objective.
    AssumptionExcludes,
    /// Unreachable: every shared boundary blocks the vector under an attested
    /// seal.
    BoundaryBlocks,
    /// Indeterminate: the objective's asset or attacker is unknown or
    /// soft-deleted.
    MissingEntity,
    /// Indeterminate: the attacker stands at no live trust boundary.
    AttackerUnpositioned,
    /// Indeterminate: the asset lies in no live trust boundary.
    AssetUnbounded,
    /// Indeterminate: attacker and asset are placed, but at disjoint
    /// boundaries.
    NoSharedBoundary,
}

impl Reason {
    /// Every reason, in the order reports list them.
    pub const ALL: [Reason; 8] = [
        Self::BoundaryPasses,
        Self::BlockUnattested,
        Self::AssumptionExcludes,
        Self::BoundaryBlocks,
        Self::MissingEntity,
        Self::AttackerUnpositioned,
        Self::AssetUnbounded,
        Self::NoSharedBoundary,
    ];

    /// The verdict kind this reason gives.
    pub fn kind(self) -> VerdictKind {
        match self {
            Self::BoundaryPasses | Self::BlockUnattested => VerdictKind::Reachable,
            Self::AssumptionExcludes | Self::BoundaryBlocks => VerdictKind::Unreachable,
            Self::MissingEntity | Self::AttackerUnpositioned | Self::AssetUnbounded | Self::NoSharedBoundary => {
                VerdictKind::Indeterminate
            }
        }
    }

    /// The wire name (`boundary_passes`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BoundaryPasses => "boundary_passes",
            Self::BlockUnattested => "block_unattested",
            Self::AssumptionExcludes => "assumption_excludes",
            Self::BoundaryBlocks => "boundary_blocks",
            Self::MissingEntity => "missing_entity",
            Self::AttackerUnpositioned => "attacker_unpositioned",
            Self::AssetUnbounded => "asset_unbounded",
            Self::NoSharedBoundary => "no_shared_boundary",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The reachability verdict of one live control objective.
///
/// `kind` always equals `reason.kind()`; both are carried so a reader need not
/// know the mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CoVerdict {
    pub co_id: ControlObjectiveId,
    pub asset_id: AssetId,
    pub attacker_id: AttackerId,
    pub kind: VerdictKind,
    pub reason: Reason,
    /// The attacker's attack vector, when the attacker is live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack_vector: Option<AttackVector>,
    /// The live boundaries the attacker stands at (empty when the attacker or
    /// asset is missing: nothing was placed).
    #[serde(default)]
    pub attacker_positions: Vec<TrustBoundaryId>,
    /// The live boundaries the asset lies in (empty when the attacker or asset
    /// is missing).
    #[serde(default)]
    pub asset_boundaries: Vec<TrustBoundaryId>,
    /// The boundaries that decided the verdict: for `boundary_passes` the
    /// shared boundaries that let the vector through; for `boundary_blocks`
    /// every shared boundary; for `block_unattested` the shared boundaries
    /// whose seal is not attested. Empty for the other reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundary_ids: Vec<TrustBoundaryId>,
    /// For `assumption_excludes`: the lowest-id assumption that excludes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption_id: Option<AssumptionId>,
    /// For `missing_entity`: the asset and/or attacker that is unknown or
    /// soft-deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_ids: Vec<AnyId>,
    /// One sentence explaining the verdict.
    pub narration: String,
}
