//! The model aggregate: one immutable version of a threat model.

use std::collections::{BTreeSet, HashMap};

use rampart_risk::{RiskRating, VersionFactors, rate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::entity::{
    Asset, Assumption, Attacker, Component, Control, ControlObjective, SecurityProperty, TrustBoundary,
};
use crate::ids::{
    AssetId, AssumptionId, AttackerId, ComponentId, ControlId, ControlObjectiveId, StableId, TrustBoundaryId,
};

/// The kinds of entity, in the order they are listed everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    TrustBoundary,
    Component,
    Asset,
    Attacker,
    ControlObjective,
    Assumption,
    Control,
}

impl EntityKind {
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::TrustBoundary => "trust boundary",
            EntityKind::Component => "component",
            EntityKind::Asset => "asset",
            EntityKind::Attacker => "attacker",
            EntityKind::ControlObjective => "control objective",
            EntityKind::Assumption => "assumption",
            EntityKind::Control => "control",
        }
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What every entity has: a stable id and a soft-delete flag.
pub trait Entity: Clone + Serialize {
    type Id: StableId;
    const KIND: EntityKind;
    fn id(&self) -> Self::Id;
    fn is_removed(&self) -> bool;
    fn set_removed(&mut self, removed: bool);
}

macro_rules! impl_entity {
    ($ty:ty, $id:ty, $kind:expr) => {
        impl Entity for $ty {
            type Id = $id;
            const KIND: EntityKind = $kind;
            fn id(&self) -> $id {
                self.id
            }
            fn is_removed(&self) -> bool {
                self.removed
            }
            fn set_removed(&mut self, removed: bool) {
                self.removed = removed;
            }
        }
    };
}

impl_entity!(TrustBoundary, TrustBoundaryId, EntityKind::TrustBoundary);
impl_entity!(Component, ComponentId, EntityKind::Component);
impl_entity!(Asset, AssetId, EntityKind::Asset);
impl_entity!(Attacker, AttackerId, EntityKind::Attacker);
impl_entity!(ControlObjective, ControlObjectiveId, EntityKind::ControlObjective);
impl_entity!(Assumption, AssumptionId, EntityKind::Assumption);
impl_entity!(Control, ControlId, EntityKind::Control);

/// Lists of entities are kept sorted by id (allocation is max + 1 and appends),
/// so lookups are binary searches.
pub(crate) fn find<E: Entity>(list: &[E], id: E::Id) -> Option<&E> {
    list.binary_search_by_key(&id, Entity::id).ok().map(|i| &list[i])
}

pub(crate) fn find_mut<E: Entity>(list: &mut [E], id: E::Id) -> Option<&mut E> {
    list.binary_search_by_key(&id, Entity::id).ok().map(move |i| &mut list[i])
}

/// One version of a threat model: every entity ever created in it, live or
/// soft-deleted, and the computed control objectives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatModel {
    /// Version number, from 1; every structural change makes the next one.
    pub version: u32,
    pub trust_boundaries: Vec<TrustBoundary>,
    pub components: Vec<Component>,
    pub assets: Vec<Asset>,
    pub attackers: Vec<Attacker>,
    /// Computed: one per asset × attacker pair ever live, never generated.
    pub control_objectives: Vec<ControlObjective>,
    pub assumptions: Vec<Assumption>,
    pub controls: Vec<Control>,
}

impl ThreatModel {
    pub fn trust_boundary(&self, id: TrustBoundaryId) -> Option<&TrustBoundary> {
        find(&self.trust_boundaries, id)
    }
    pub fn component(&self, id: ComponentId) -> Option<&Component> {
        find(&self.components, id)
    }
    pub fn asset(&self, id: AssetId) -> Option<&Asset> {
        find(&self.assets, id)
    }
    pub fn attacker(&self, id: AttackerId) -> Option<&Attacker> {
        find(&self.attackers, id)
    }
    pub fn control_objective(&self, id: ControlObjectiveId) -> Option<&ControlObjective> {
        find(&self.control_objectives, id)
    }
    pub fn assumption(&self, id: AssumptionId) -> Option<&Assumption> {
        find(&self.assumptions, id)
    }
    pub fn control(&self, id: ControlId) -> Option<&Control> {
        find(&self.controls, id)
    }

    /// Live (not tombstoned) control objectives.
    pub fn live_objectives(&self) -> impl Iterator<Item = &ControlObjective> {
        self.control_objectives.iter().filter(|co| !co.removed)
    }

    /// Live controls.
    pub fn live_controls(&self) -> impl Iterator<Item = &Control> {
        self.controls.iter().filter(|c| !c.removed)
    }

    /// The objective owned by an (asset, attacker) pair, live or tombstoned.
    pub fn objective_for(&self, asset: AssetId, attacker: AttackerId) -> Option<&ControlObjective> {
        self.control_objectives.iter().find(|co| co.asset_id == asset && co.attacker_id == attacker)
    }

    /// The earliest instant after `now` at which a judgement that depends on
    /// the time can change: an assumption's attestation coming into force or
    /// expiring. Posture, reachability and coherence computed at `now` hold
    /// unchanged until then (`None`: for ever), which is what lets a reader
    /// reuse them.
    pub fn next_time_boundary(&self, now: chrono::DateTime<chrono::Utc>) -> Option<chrono::DateTime<chrono::Utc>> {
        self.assumptions
            .iter()
            .filter_map(|a| a.attestation.as_ref())
            .flat_map(|att| [Some(att.attested_at), att.expires_at])
            .flatten()
            .filter(|t| *t > now)
            .min()
    }

    /// Whether a control is orphaned: live, but every objective it maps to is
    /// tombstoned (or unknown). Derived, never stored; orphans earn no credit.
    pub fn is_orphaned(&self, control: &Control) -> bool {
        !control.removed && control.mappings.iter().all(|m| self.control_objective(m.co_id).is_none_or(|co| co.removed))
    }

    /// Ids of the orphaned controls.
    pub fn orphaned_controls(&self) -> Vec<ControlId> {
        self.controls.iter().filter(|c| self.is_orphaned(c)).map(|c| c.id).collect()
    }

    /// The risk rating of an objective from its asset's and attacker's factors.
    pub fn rating(&self, co: &ControlObjective) -> Option<RiskRating> {
        let asset = self.asset(co.asset_id)?;
        let attacker = self.attacker(co.attacker_id)?;
        Some(rate(&asset.impact, &attacker.likelihood))
    }

    /// The factors of an objective's asset and attacker in this version, for
    /// the per-objective factor history.
    pub fn version_factors(&self, co: ControlObjectiveId) -> Option<VersionFactors> {
        let co = self.control_objective(co)?;
        Some(VersionFactors {
            version: self.version,
            impact: self.asset(co.asset_id)?.impact,
            likelihood: self.attacker(co.attacker_id)?.likelihood,
        })
    }

    /// SHA-256 over the canonical JSON of the whole snapshot, `sha256:<hex>`.
    /// Identical on every platform.
    pub fn content_hash(&self) -> String {
        crate::canonical::sha256_of(self)
    }

    /// Recomputes the control-objective matrix: exactly one objective per
    /// asset × attacker pair. A pair that is live gets a live objective (its
    /// existing one revived, or a new one with the next id); a pair whose
    /// asset or attacker is removed has its objective tombstoned.
    pub(crate) fn sync_objectives(&mut self) -> ObjectiveChanges {
        let mut changes = ObjectiveChanges::default();
        let index: HashMap<(AssetId, AttackerId), usize> =
            self.control_objectives.iter().enumerate().map(|(i, co)| ((co.asset_id, co.attacker_id), i)).collect();
        let mut next = self.control_objectives.iter().map(|co| co.id.0).max().unwrap_or(0) + 1;
        for asset in &self.assets {
            for attacker in &self.attackers {
                let live = !asset.removed && !attacker.removed;
                match index.get(&(asset.id, attacker.id)) {
                    Some(&i) => {
                        let co = &mut self.control_objectives[i];
                        if live {
                            if co.removed {
                                co.removed = false;
                                changes.revived.push(co.id);
                            }
                            co.properties = asset.security_properties.clone();
                            co.statement = statement(&asset.security_properties, &asset.name, &attacker.name);
                        } else if !co.removed {
                            co.removed = true;
                            changes.tombstoned.push(co.id);
                        }
                    }
                    None if live => {
                        let id = ControlObjectiveId(next);
                        next += 1;
                        self.control_objectives.push(ControlObjective {
                            id,
                            asset_id: asset.id,
                            attacker_id: attacker.id,
                            properties: asset.security_properties.clone(),
                            statement: statement(&asset.security_properties, &asset.name, &attacker.name),
                            cal: None,
                            removed: false,
                        });
                        changes.added.push(id);
                    }
                    None => {}
                }
            }
        }
        changes
    }
}

/// What a recomputation of the objective matrix did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ObjectiveChanges {
    pub(crate) added: Vec<ControlObjectiveId>,
    pub(crate) tombstoned: Vec<ControlObjectiveId>,
    pub(crate) revived: Vec<ControlObjectiveId>,
}

/// The SHALL statement of an objective: every property of the asset bundled
/// into one sentence, e.g. "Confidentiality and Integrity of OAuth Tokens shall
/// be protected from External Network Attacker".
pub fn statement(properties: &BTreeSet<SecurityProperty>, asset_name: &str, attacker_name: &str) -> String {
    let names: Vec<&str> = properties.iter().map(|p| p.name()).collect();
    let joined = match names.as_slice() {
        [] => String::from("Security"),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    };
    format!("{joined} of {asset_name} shall be protected from {attacker_name}")
}
