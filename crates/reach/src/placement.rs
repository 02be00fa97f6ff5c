//! Where attackers stand and where assets live, in terms of live trust
//! boundaries. Computed once per model, so judging an objective is a set
//! intersection rather than a scan of the model.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::{AssetId, AttackerId, TrustBoundaryId};

use crate::index::Index;

static NONE: BTreeSet<TrustBoundaryId> = BTreeSet::new();

/// The live boundaries of every live asset and every live attacker.
#[derive(Debug)]
pub(crate) struct Placement {
    asset_boundaries: BTreeMap<AssetId, BTreeSet<TrustBoundaryId>>,
    attacker_positions: BTreeMap<AttackerId, BTreeSet<TrustBoundaryId>>,
}

impl Placement {
    /// An asset lies in the boundaries of its live components and in every
    /// live boundary that lists it in `crosses`. An attacker stands at its live
    /// boundaries. Soft-deleted or unknown components and boundaries add
    /// nothing: removed structure cannot make anything reachable.
    pub(crate) fn new(index: &Index<'_>) -> Self {
        let mut asset_boundaries: BTreeMap<AssetId, BTreeSet<TrustBoundaryId>> = BTreeMap::new();
        for asset in index.assets.values().filter(|a| !a.removed) {
            let set = asset_boundaries.entry(asset.id).or_default();
            for component in asset.component_ids.iter().filter_map(|&c| index.component(c).live()) {
                set.extend(
                    component.trust_boundary_ids.iter().copied().filter(|&tb| index.boundary(tb).live().is_some()),
                );
            }
        }
        for boundary in index.boundaries.values().filter(|tb| !tb.removed) {
            for asset in &boundary.crosses {
                // Only live assets have an entry; a crossing of anything else is ignored.
                if let Some(set) = asset_boundaries.get_mut(asset) {
                    set.insert(boundary.id);
                }
            }
        }
        let attacker_positions = index
            .attackers
            .values()
            .filter(|t| !t.removed)
            .map(|t| {
                let live = t.trust_boundary_ids.iter().copied().filter(|&tb| index.boundary(tb).live().is_some());
                (t.id, live.collect())
            })
            .collect();
        Placement { asset_boundaries, attacker_positions }
    }

    /// The live boundaries a live asset lies in (empty for anything else).
    pub(crate) fn asset_boundaries(&self, asset: AssetId) -> &BTreeSet<TrustBoundaryId> {
        self.asset_boundaries.get(&asset).unwrap_or(&NONE)
    }

    /// The live boundaries a live attacker stands at (empty for anything else).
    pub(crate) fn positions(&self, attacker: AttackerId) -> &BTreeSet<TrustBoundaryId> {
        self.attacker_positions.get(&attacker).unwrap_or(&NONE)
    }
}
