//! Structural edits. Applying an edit to version `n` yields version `n + 1`
//! (a new value; `n` is untouched) or a typed error.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::draft::{
    AnyId, AssetDraft, AssetPatch, AssumptionDraft, AssumptionPatch, AttackerDraft, AttackerPatch, CoRef,
    ComponentDraft, ComponentPatch, ControlDraft, ControlPatch, MappingDraft, TrustBoundaryDraft, TrustBoundaryPatch,
};
use crate::entity::{Asset, Assumption, Attacker, CoMapping, Component, Control, TrustBoundary};
use crate::error::EditError;
use crate::ids::{
    AssetId, AssumptionId, AttackerId, ComponentId, ControlId, ControlObjectiveId, StableId, TrustBoundaryId,
};
use crate::judge::{IdentityProbe, IdentityVerdict, Judge};
use crate::model::{Entity, EntityKind, ThreatModel, find, find_mut};
use crate::validate::unique_name;

/// Every structural change to a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    AddTrustBoundary {
        boundary: TrustBoundaryDraft,
    },
    EditTrustBoundary {
        id: TrustBoundaryId,
        patch: TrustBoundaryPatch,
    },
    AddComponent {
        component: ComponentDraft,
    },
    EditComponent {
        id: ComponentId,
        patch: ComponentPatch,
    },
    /// Reanimates a soft-deleted asset the judge finds to be the same one.
    AddAsset {
        asset: AssetDraft,
    },
    /// Refused when the new name makes it a different asset.
    EditAsset {
        id: AssetId,
        patch: AssetPatch,
    },
    AddAttacker {
        attacker: AttackerDraft,
    },
    EditAttacker {
        id: AttackerId,
        patch: AttackerPatch,
    },
    AddAssumption {
        assumption: AssumptionDraft,
    },
    EditAssumption {
        id: AssumptionId,
        patch: AssumptionPatch,
    },
    AddControl {
        control: ControlDraft,
    },
    EditControl {
        id: ControlId,
        patch: ControlPatch,
    },
    /// Puts a control in a mitigation group for one objective (`null`:
    /// defense in depth), mapping it to the objective if it was not.
    SetMitigationGroup {
        control_id: ControlId,
        co_id: ControlObjectiveId,
        group: Option<u32>,
    },
    /// Regenerated controls: each folds into a live control with the same
    /// mechanism (its id kept, objectives and framework refs unioned) or is
    /// added with a fresh id.
    MergeControls {
        controls: Vec<ControlDraft>,
    },
    /// Soft-delete. Objectives of a removed asset or attacker are tombstoned.
    Remove {
        id: AnyId,
    },
    /// Undo a soft-delete; tombstoned objectives revive with their ids.
    Restore {
        id: AnyId,
    },
}

/// What an applied edit did, for the activity feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    Added {
        id: AnyId,
    },
    Edited {
        id: AnyId,
    },
    Removed {
        id: AnyId,
    },
    Restored {
        id: AnyId,
    },
    /// A re-added entity matched a soft-deleted one and revived it.
    Reanimated {
        id: AnyId,
    },
    /// A regenerated control folded into an existing one.
    Folded {
        into: ControlId,
    },
    /// A regenerated control matched a soft-deleted one and was not re-added.
    SkippedRemoved {
        id: ControlId,
    },
    ObjectivesAdded {
        ids: Vec<ControlObjectiveId>,
    },
    ObjectivesTombstoned {
        ids: Vec<ControlObjectiveId>,
    },
    ObjectivesRevived {
        ids: Vec<ControlObjectiveId>,
    },
}

/// The result of a successful edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub model: ThreatModel,
    pub effects: Vec<Effect>,
}

/// max(existing) + 1 over live and soft-deleted entities alike, so an id is
/// never reused. Lists are sorted by id, so the maximum is the last.
fn next_id<E: Entity>(list: &[E]) -> u32 {
    list.last().map_or(0, |e| e.id().number()) + 1
}

fn live<E: Entity>(list: &[E], id: E::Id) -> Result<&E, EditError> {
    let e = find(list, id).ok_or_else(|| EditError::UnknownId { id: id.to_string() })?;
    if e.is_removed() {
        return Err(EditError::RemovedReference { id: id.to_string() });
    }
    Ok(e)
}

fn replace<E: Entity>(list: &mut [E], entity: E) {
    if let Some(slot) = find_mut(list, entity.id()) {
        *slot = entity;
    }
}

fn asset_probe(a: &Asset) -> IdentityProbe<'_> {
    IdentityProbe { kind: EntityKind::Asset, name: &a.name, detail: &a.description }
}

fn attacker_probe(t: &Attacker) -> IdentityProbe<'_> {
    IdentityProbe { kind: EntityKind::Attacker, name: &t.name, detail: &t.capability }
}

impl ThreatModel {
    /// Applies one structural edit, producing the next version.
    pub fn apply(&self, edit: &Edit, judge: &dyn Judge) -> Result<Applied, EditError> {
        let mut next = self.clone();
        let mut effects = Vec::new();
        next.apply_in_place(edit, judge, &mut effects)?;
        let objectives = next.sync_objectives();
        if !objectives.added.is_empty() {
            effects.push(Effect::ObjectivesAdded { ids: objectives.added });
        }
        if !objectives.tombstoned.is_empty() {
            effects.push(Effect::ObjectivesTombstoned { ids: objectives.tombstoned });
        }
        if !objectives.revived.is_empty() {
            effects.push(Effect::ObjectivesRevived { ids: objectives.revived });
        }
        if next == *self {
            return Err(EditError::NoChange);
        }
        next.version = self.version + 1;
        Ok(Applied { model: next, effects })
    }

    fn apply_in_place(&mut self, edit: &Edit, judge: &dyn Judge, effects: &mut Vec<Effect>) -> Result<(), EditError> {
        match edit {
            Edit::AddTrustBoundary { boundary } => {
                let d = boundary.clone();
                let mut tb = TrustBoundary {
                    id: TrustBoundaryId(next_id(&self.trust_boundaries)),
                    description: d.description,
                    crosses: d.crosses,
                    passes: d.passes,
                    sealed: d.sealed,
                    seal_source: d.seal_source,
                    removed: false,
                };
                self.check_boundary(&mut tb, None)?;
                effects.push(Effect::Added { id: AnyId::TrustBoundary(tb.id) });
                self.trust_boundaries.push(tb);
            }
            Edit::EditTrustBoundary { id, patch } => {
                let old = live(&self.trust_boundaries, *id)?.clone();
                let mut tb = old.clone();
                let p = patch.clone();
                if let Some(v) = p.description {
                    tb.description = v;
                }
                if let Some(v) = p.crosses {
                    tb.crosses = v;
                }
                if let Some(v) = p.passes {
                    tb.passes = v;
                }
                if let Some(v) = p.sealed {
                    tb.sealed = v;
                }
                let structure_changed = tb.crosses != old.crosses || tb.passes != old.passes || tb.sealed != old.sealed;
                match p.seal_source {
                    Some(v) => tb.seal_source = v,
                    // An attestation covered the old structure, not the new one.
                    None if structure_changed => tb.seal_source = crate::entity::SealSource::Unattested,
                    None => {}
                }
                self.check_boundary(&mut tb, Some(&old))?;
                effects.push(Effect::Edited { id: AnyId::TrustBoundary(tb.id) });
                replace(&mut self.trust_boundaries, tb);
            }
            Edit::AddComponent { component } => {
                let d = component.clone();
                let mut c = Component {
                    id: ComponentId(next_id(&self.components)),
                    name: d.name,
                    repo_url: d.repo_url,
                    path: d.path,
                    trust_boundary_ids: d.trust_boundary_ids,
                    grades: d.grades,
                    removed: false,
                };
                self.check_component(&mut c, None)?;
                unique_name(&self.components, None, &c.name, |x| &x.name)?;
                effects.push(Effect::Added { id: AnyId::Component(c.id) });
                self.components.push(c);
            }
            Edit::EditComponent { id, patch } => {
                let old = live(&self.components, *id)?.clone();
                let mut c = old.clone();
                let p = patch.clone();
                if let Some(v) = p.name {
                    c.name = v;
                }
                if let Some(v) = p.repo_url {
                    c.repo_url = v;
                }
                if let Some(v) = p.path {
                    c.path = v;
                }
                if let Some(v) = p.trust_boundary_ids {
                    c.trust_boundary_ids = v;
                }
                self.check_component(&mut c, Some(&old))?;
                unique_name(&self.components, Some(c.id), &c.name, |x| &x.name)?;
                effects.push(Effect::Edited { id: AnyId::Component(c.id) });
                replace(&mut self.components, c);
            }
            Edit::AddAsset { asset } => self.add_asset(asset, judge, effects)?,
            Edit::EditAsset { id, patch } => {
                let old = live(&self.assets, *id)?.clone();
                let mut a = old.clone();
                let p = patch.clone();
                if let Some(v) = p.name {
                    a.name = v;
                }
                if let Some(v) = p.description {
                    a.description = v;
                }
                if let Some(v) = p.security_properties {
                    a.security_properties = v;
                }
                if let Some(v) = p.component_ids {
                    a.component_ids = v;
                }
                if let Some(v) = p.notes {
                    a.notes = v;
                }
                self.check_asset(&mut a, Some(&old))?;
                unique_name(&self.assets, Some(a.id), &a.name, |x| &x.name)?;
                if a.name != old.name {
                    keep_identity(judge, &asset_probe(&old), &asset_probe(&a), old.id.to_string())?;
                }
                effects.push(Effect::Edited { id: AnyId::Asset(a.id) });
                replace(&mut self.assets, a);
            }
            Edit::AddAttacker { attacker } => self.add_attacker(attacker, judge, effects)?,
            Edit::EditAttacker { id, patch } => {
                let old = live(&self.attackers, *id)?.clone();
                let mut t = old.clone();
                let p = patch.clone();
                if let Some(v) = p.name {
                    t.name = v;
                }
                if let Some(v) = p.capability {
                    t.capability = v;
                }
                if let Some(v) = p.position {
                    t.position = v;
                }
                if let Some(v) = p.archetype {
                    t.archetype = v;
                }
                if let Some(v) = p.trust_boundary_ids {
                    t.trust_boundary_ids = v;
                }
                self.check_attacker(&mut t, Some(&old))?;
                unique_name(&self.attackers, Some(t.id), &t.name, |x| &x.name)?;
                if t.name != old.name {
                    keep_identity(judge, &attacker_probe(&old), &attacker_probe(&t), old.id.to_string())?;
                }
                effects.push(Effect::Edited { id: AnyId::Attacker(t.id) });
                replace(&mut self.attackers, t);
            }
            Edit::AddAssumption { assumption } => {
                let id = self.add_assumption(assumption)?;
                effects.push(Effect::Added { id: AnyId::Assumption(id) });
            }
            Edit::EditAssumption { id, patch } => {
                let old = live(&self.assumptions, *id)?.clone();
                let mut a = old.clone();
                let p = patch.clone();
                if let Some(v) = p.description {
                    a.description = v;
                }
                if let Some(v) = p.kind {
                    a.kind = v;
                }
                if let Some(v) = p.linked_co_ids {
                    a.linked_co_ids = v;
                }
                if let Some(v) = p.exclusion {
                    a.exclusion = v;
                }
                // An attestation vouches for these words, this scope and this predicate only.
                let claim_changed = a.description.trim() != old.description
                    || a.kind != old.kind
                    || a.linked_co_ids != old.linked_co_ids
                    || a.exclusion != old.exclusion;
                match p.attestation {
                    Some(v) => a.attestation = v,
                    None if claim_changed => a.attestation = None,
                    None => {}
                }
                self.check_assumption(&mut a, Some(&old))?;
                effects.push(Effect::Edited { id: AnyId::Assumption(a.id) });
                replace(&mut self.assumptions, a);
            }
            Edit::AddControl { control } => {
                let id = self.add_control(control)?;
                effects.push(Effect::Added { id: AnyId::Control(id) });
            }
            Edit::EditControl { id, patch } => {
                let old = live(&self.controls, *id)?.clone();
                let mut c = old.clone();
                let p = patch.clone();
                if let Some(v) = p.description {
                    c.description = v;
                }
                if let Some(v) = p.mappings {
                    c.mappings = v;
                }
                if let Some(v) = p.framework_refs {
                    c.framework_refs = v;
                }
                self.check_control(&mut c, Some(&old))?;
                effects.push(Effect::Edited { id: AnyId::Control(c.id) });
                replace(&mut self.controls, c);
            }
            Edit::SetMitigationGroup { control_id, co_id, group } => {
                let old = live(&self.controls, *control_id)?.clone();
                let mut c = old.clone();
                match c.mappings.iter_mut().find(|m| m.co_id == *co_id) {
                    Some(m) => m.group = *group,
                    None => c.mappings.push(CoMapping { co_id: *co_id, group: *group }),
                }
                self.check_control(&mut c, Some(&old))?;
                effects.push(Effect::Edited { id: AnyId::Control(c.id) });
                replace(&mut self.controls, c);
            }
            Edit::MergeControls { controls } => {
                for draft in controls {
                    self.merge_control(draft, judge, effects)?;
                }
            }
            Edit::Remove { id } => {
                self.set_removed(*id, true)?;
                effects.push(Effect::Removed { id: *id });
            }
            Edit::Restore { id } => {
                self.set_removed(*id, false)?;
                effects.push(Effect::Restored { id: *id });
            }
        }
        Ok(())
    }

    fn add_asset(&mut self, draft: &AssetDraft, judge: &dyn Judge, effects: &mut Vec<Effect>) -> Result<(), EditError> {
        let d = draft.clone();
        let mut a = Asset {
            id: AssetId(next_id(&self.assets)),
            name: d.name,
            description: d.description,
            security_properties: d.security_properties,
            component_ids: d.component_ids,
            impact: d.impact.unwrap_or_default(),
            notes: d.notes,
            removed: false,
        };
        self.check_asset(&mut a, None)?;
        unique_name(&self.assets, None, &a.name, |x| &x.name)?;
        let candidate = reanimation_candidate(&self.assets, &asset_probe(&a), judge, asset_probe, |x| &x.name)?;
        if let Some(old_id) = candidate {
            let Some(old) = find_mut(&mut self.assets, old_id) else {
                return Err(EditError::UnknownId { id: old_id.to_string() });
            };
            a.id = old_id;
            if d.impact.is_none() {
                a.impact = old.impact;
            }
            *old = a;
            effects.push(Effect::Reanimated { id: AnyId::Asset(old_id) });
        } else {
            effects.push(Effect::Added { id: AnyId::Asset(a.id) });
            self.assets.push(a);
        }
        Ok(())
    }

    fn add_attacker(
        &mut self,
        draft: &AttackerDraft,
        judge: &dyn Judge,
        effects: &mut Vec<Effect>,
    ) -> Result<(), EditError> {
        let d = draft.clone();
        let mut t = Attacker {
            id: AttackerId(next_id(&self.attackers)),
            name: d.name,
            capability: d.capability,
            position: d.position,
            archetype: d.archetype,
            trust_boundary_ids: d.trust_boundary_ids,
            likelihood: d.likelihood.unwrap_or_default(),
            removed: false,
        };
        self.check_attacker(&mut t, None)?;
        unique_name(&self.attackers, None, &t.name, |x| &x.name)?;
        let candidate =
            reanimation_candidate(&self.attackers, &attacker_probe(&t), judge, attacker_probe, |x| &x.name)?;
        if let Some(old_id) = candidate {
            let Some(old) = find_mut(&mut self.attackers, old_id) else {
                return Err(EditError::UnknownId { id: old_id.to_string() });
            };
            t.id = old_id;
            if d.likelihood.is_none() {
                t.likelihood = old.likelihood;
            }
            *old = t;
            effects.push(Effect::Reanimated { id: AnyId::Attacker(old_id) });
        } else {
            effects.push(Effect::Added { id: AnyId::Attacker(t.id) });
            self.attackers.push(t);
        }
        Ok(())
    }

    pub(crate) fn resolve_co(&self, co: CoRef) -> Result<ControlObjectiveId, EditError> {
        match co {
            CoRef::Id(id) => Ok(id),
            CoRef::Pair { asset_id, attacker_id } => self
                .objective_for(asset_id, attacker_id)
                .map(|co| co.id)
                .ok_or_else(|| EditError::UnknownId { id: format!("the objective of ({asset_id}, {attacker_id})") }),
        }
    }

    fn resolve_mappings(&self, drafts: &[MappingDraft]) -> Result<Vec<CoMapping>, EditError> {
        drafts.iter().map(|m| Ok(CoMapping { co_id: self.resolve_co(m.co)?, group: m.group })).collect()
    }

    pub(crate) fn add_assumption(&mut self, draft: &AssumptionDraft) -> Result<AssumptionId, EditError> {
        let d = draft.clone();
        let linked = d.linked_co_ids.iter().map(|r| self.resolve_co(*r)).collect::<Result<Vec<_>, _>>()?;
        let mut a = Assumption {
            id: AssumptionId(next_id(&self.assumptions)),
            description: d.description,
            kind: d.kind,
            linked_co_ids: linked,
            exclusion: d.exclusion,
            attestation: d.attestation,
            removed: false,
        };
        self.check_assumption(&mut a, None)?;
        let id = a.id;
        self.assumptions.push(a);
        Ok(id)
    }

    pub(crate) fn add_control(&mut self, draft: &ControlDraft) -> Result<ControlId, EditError> {
        let d = draft.clone();
        let mut c = Control {
            id: ControlId(next_id(&self.controls)),
            description: d.description,
            mappings: self.resolve_mappings(&d.mappings)?,
            framework_refs: d.framework_refs,
            status: d.status,
            implementation_notes: d.implementation_notes,
            removed: false,
        };
        self.check_control(&mut c, None)?;
        let id = c.id;
        self.controls.push(c);
        Ok(id)
    }

    /// Folds a regenerated control into a live control with the same
    /// mechanism, or adds it. Existing mitigation-group choices are kept.
    fn merge_control(
        &mut self,
        draft: &ControlDraft,
        judge: &dyn Judge,
        effects: &mut Vec<Effect>,
    ) -> Result<(), EditError> {
        let mut matched = None;
        for existing in &self.controls {
            if judge.same_mechanism(&existing.description, &draft.description)? {
                matched = Some((existing.id, existing.removed));
                if !existing.removed {
                    break;
                }
            }
        }
        match matched {
            Some((id, false)) => {
                let old = live(&self.controls, id)?.clone();
                let mut c = old.clone();
                for m in self.resolve_mappings(&draft.mappings)? {
                    if c.mapping_for(m.co_id).is_none() {
                        c.mappings.push(m);
                    }
                }
                c.framework_refs.extend(draft.framework_refs.iter().cloned());
                self.check_control(&mut c, Some(&old))?;
                if c != old {
                    replace(&mut self.controls, c);
                    effects.push(Effect::Folded { into: id });
                }
            }
            // The operator deleted this mechanism on purpose; regeneration does not bring it back.
            Some((id, true)) => effects.push(Effect::SkippedRemoved { id }),
            None => {
                let id = self.add_control(draft)?;
                effects.push(Effect::Added { id: AnyId::Control(id) });
            }
        }
        Ok(())
    }

    fn set_removed(&mut self, id: AnyId, removed: bool) -> Result<(), EditError> {
        match id {
            AnyId::TrustBoundary(id) => toggle(&mut self.trust_boundaries, id, removed),
            AnyId::Component(id) => toggle(&mut self.components, id, removed),
            AnyId::Asset(id) => {
                if removed
                    && self.assets.iter().filter(|a| !a.removed).count() == 1
                    && self.asset(id).is_some_and(|a| !a.removed)
                {
                    return Err(EditError::LastLive { id: id.to_string(), kind: EntityKind::Asset });
                }
                if !removed && let Some(a) = self.asset(id) {
                    unique_name(&self.assets, Some(id), &a.name, |x| &x.name)?;
                }
                toggle(&mut self.assets, id, removed)
            }
            AnyId::Attacker(id) => {
                if removed
                    && self.attackers.iter().filter(|t| !t.removed).count() == 1
                    && self.attacker(id).is_some_and(|t| !t.removed)
                {
                    return Err(EditError::LastLive { id: id.to_string(), kind: EntityKind::Attacker });
                }
                if !removed && let Some(t) = self.attacker(id) {
                    unique_name(&self.attackers, Some(id), &t.name, |x| &x.name)?;
                }
                toggle(&mut self.attackers, id, removed)
            }
            AnyId::ControlObjective(id) => Err(EditError::ComputedEntity {
                id: id.to_string(),
                action: if removed { "removed" } else { "restored" },
                action_hint: if removed { "remove its asset or attacker" } else { "restore its asset or attacker" },
            }),
            AnyId::Assumption(id) => {
                toggle(&mut self.assumptions, id, removed)?;
                if removed && let Some(a) = find_mut(&mut self.assumptions, id) {
                    // An attestation does not survive deletion: restoring needs a fresh one.
                    a.attestation = None;
                }
                Ok(())
            }
            AnyId::Control(id) => toggle(&mut self.controls, id, removed),
        }
    }
}

fn toggle<E: Entity>(list: &mut [E], id: E::Id, removed: bool) -> Result<(), EditError> {
    let e = find_mut(list, id).ok_or_else(|| EditError::UnknownId { id: id.to_string() })?;
    match (e.is_removed(), removed) {
        (true, true) => Err(EditError::AlreadyRemoved { id: id.to_string() }),
        (false, false) => Err(EditError::NotRemoved { id: id.to_string() }),
        _ => {
            e.set_removed(removed);
            Ok(())
        }
    }
}

/// An identity-changing rename is refused; same or plausibly-same applies.
fn keep_identity(
    judge: &dyn Judge,
    old: &IdentityProbe<'_>,
    new: &IdentityProbe<'_>,
    id: String,
) -> Result<(), EditError> {
    match judge.identity(old, new)? {
        IdentityVerdict::Same | IdentityVerdict::Uncertain => Ok(()),
        IdentityVerdict::Different => {
            Err(EditError::IdentityChange { id, kind: old.kind, from: old.name.to_owned(), to: new.name.to_owned() })
        }
    }
}

/// The soft-deleted entity a new one is the same as, if any. A plausible but
/// uncertain match refuses the add with a suggestion.
fn reanimation_candidate<E: Entity>(
    list: &[E],
    proposed: &IdentityProbe<'_>,
    judge: &dyn Judge,
    probe: impl Fn(&E) -> IdentityProbe<'_>,
    name_of: impl Fn(&E) -> &str,
) -> Result<Option<E::Id>, EditError> {
    let mut uncertain = None;
    for e in list.iter().filter(|e| e.is_removed()) {
        match judge.identity(&probe(e), proposed)? {
            IdentityVerdict::Same => return Ok(Some(e.id())),
            IdentityVerdict::Uncertain if uncertain.is_none() => uncertain = Some(e),
            _ => {}
        }
    }
    match uncertain {
        Some(e) => Err(EditError::PossibleReanimation {
            kind: E::KIND,
            name: proposed.name.to_owned(),
            candidate: e.id().to_string(),
            candidate_name: name_of(e).to_owned(),
        }),
        None => Ok(None),
    }
}
