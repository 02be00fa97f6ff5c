//! Id → entity maps, built once per evaluation.
//!
//! The model crate finds entities by binary search, which relies on every list
//! being sorted by id. A model read from a file or built by hand may break that
//! invariant, and a missed lookup would silently change a verdict. Building our
//! own ordered maps once keeps each lookup logarithmic, makes the result
//! independent of list order, and lets every later pass iterate in id order.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use rampart_model::{
    AnyId, Asset, AssetId, Assumption, AssumptionId, Attacker, AttackerId, Component, ComponentId, ControlObjective,
    ControlObjectiveId, Entity, ThreatModel, TrustBoundary, TrustBoundaryId,
};

/// What a reference points at.
#[derive(Debug)]
pub(crate) enum Presence<'m, E> {
    Live(&'m E),
    Removed(&'m E),
    Unknown,
}

// Written out because deriving would demand `E: Copy`; only references are held.
impl<E> Clone for Presence<'_, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E> Copy for Presence<'_, E> {}

impl<'m, E> Presence<'m, E> {
    pub(crate) fn live(self) -> Option<&'m E> {
        match self {
            Presence::Live(e) => Some(e),
            Presence::Removed(_) | Presence::Unknown => None,
        }
    }
}

/// Every entity of one model version, keyed by id.
#[derive(Debug)]
pub(crate) struct Index<'m> {
    pub(crate) model: &'m ThreatModel,
    pub(crate) boundaries: BTreeMap<TrustBoundaryId, &'m TrustBoundary>,
    pub(crate) components: BTreeMap<ComponentId, &'m Component>,
    pub(crate) assets: BTreeMap<AssetId, &'m Asset>,
    pub(crate) attackers: BTreeMap<AttackerId, &'m Attacker>,
    pub(crate) objectives: BTreeMap<ControlObjectiveId, &'m ControlObjective>,
    pub(crate) assumptions: BTreeMap<AssumptionId, &'m Assumption>,
    /// Ids held by more than one entity of a kind (sorted, each once). The
    /// first entity in list order is the one used.
    pub(crate) duplicates: Vec<AnyId>,
}

fn map_of<'m, E: Entity>(
    list: &'m [E],
    wrap: fn(E::Id) -> AnyId,
    duplicates: &mut Vec<AnyId>,
) -> BTreeMap<E::Id, &'m E> {
    let mut map = BTreeMap::new();
    for e in list {
        match map.entry(e.id()) {
            Entry::Occupied(_) => duplicates.push(wrap(e.id())),
            Entry::Vacant(slot) => {
                slot.insert(e);
            }
        }
    }
    map
}

fn presence<'m, E: Entity>(map: &BTreeMap<E::Id, &'m E>, id: E::Id) -> Presence<'m, E> {
    match map.get(&id) {
        Some(e) if e.is_removed() => Presence::Removed(e),
        Some(e) => Presence::Live(e),
        None => Presence::Unknown,
    }
}

impl<'m> Index<'m> {
    pub(crate) fn new(model: &'m ThreatModel) -> Self {
        let mut duplicates = Vec::new();
        let boundaries = map_of(&model.trust_boundaries, AnyId::TrustBoundary, &mut duplicates);
        let components = map_of(&model.components, AnyId::Component, &mut duplicates);
        let assets = map_of(&model.assets, AnyId::Asset, &mut duplicates);
        let attackers = map_of(&model.attackers, AnyId::Attacker, &mut duplicates);
        let objectives = map_of(&model.control_objectives, AnyId::ControlObjective, &mut duplicates);
        let assumptions = map_of(&model.assumptions, AnyId::Assumption, &mut duplicates);
        duplicates.sort();
        duplicates.dedup();
        Index { model, boundaries, components, assets, attackers, objectives, assumptions, duplicates }
    }

    pub(crate) fn boundary(&self, id: TrustBoundaryId) -> Presence<'m, TrustBoundary> {
        presence(&self.boundaries, id)
    }

    pub(crate) fn component(&self, id: ComponentId) -> Presence<'m, Component> {
        presence(&self.components, id)
    }

    pub(crate) fn asset(&self, id: AssetId) -> Presence<'m, Asset> {
        presence(&self.assets, id)
    }

    pub(crate) fn attacker(&self, id: AttackerId) -> Presence<'m, Attacker> {
        presence(&self.attackers, id)
    }

    pub(crate) fn objective(&self, id: ControlObjectiveId) -> Presence<'m, ControlObjective> {
        presence(&self.objectives, id)
    }

    /// Live objectives in id order.
    pub(crate) fn live_objectives(&self) -> impl Iterator<Item = &'m ControlObjective> + '_ {
        self.objectives.values().copied().filter(|co| !co.removed)
    }
}
