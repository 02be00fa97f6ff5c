//! Creating version 1 of a model from a [`ModelDraft`].

use std::collections::BTreeSet;

use crate::draft::AnyId;
use crate::draft::ModelDraft;
use crate::edit::{Applied, Effect};
use crate::error::EditError;
use crate::model::{Entity, ThreatModel};
use crate::validate::all_names_unique;

fn sorted_unique<E: Entity>(field: &str, mut list: Vec<E>) -> Result<Vec<E>, EditError> {
    list.sort_by_key(Entity::id);
    let mut seen = BTreeSet::new();
    for e in &list {
        if !seen.insert(e.id()) {
            return Err(EditError::DuplicateId { id: e.id().to_string() });
        }
        if e.is_removed() {
            return Err(EditError::invalid(field, format!("{} cannot be created soft-deleted", e.id())));
        }
    }
    Ok(list)
}

impl ThreatModel {
    /// Validates a draft and computes its objectives: version 1.
    pub fn create(draft: &ModelDraft) -> Result<Applied, EditError> {
        let d = draft.clone();
        if d.assets.is_empty() {
            return Err(EditError::invalid("assets", "a model needs at least one asset"));
        }
        if d.attackers.is_empty() {
            return Err(EditError::invalid("attackers", "a model needs at least one attacker"));
        }
        let mut model = ThreatModel {
            version: 1,
            trust_boundaries: sorted_unique("trust_boundaries", d.trust_boundaries)?,
            components: sorted_unique("components", d.components)?,
            assets: sorted_unique("assets", d.assets)?,
            attackers: sorted_unique("attackers", d.attackers)?,
            control_objectives: Vec::new(),
            assumptions: Vec::new(),
            controls: Vec::new(),
        };
        // Each entity is validated against the whole assembled model, since
        // they refer to one another.
        for i in 0..model.trust_boundaries.len() {
            let mut e = model.trust_boundaries[i].clone();
            model.check_boundary(&mut e, None)?;
            model.trust_boundaries[i] = e;
        }
        for i in 0..model.components.len() {
            let mut e = model.components[i].clone();
            model.check_component(&mut e, None)?;
            model.components[i] = e;
        }
        for i in 0..model.assets.len() {
            let mut e = model.assets[i].clone();
            model.check_asset(&mut e, None)?;
            model.assets[i] = e;
        }
        for i in 0..model.attackers.len() {
            let mut e = model.attackers[i].clone();
            model.check_attacker(&mut e, None)?;
            model.attackers[i] = e;
        }
        all_names_unique(&model.components, |x| &x.name)?;
        all_names_unique(&model.assets, |x| &x.name)?;
        all_names_unique(&model.attackers, |x| &x.name)?;
        let mut effects: Vec<Effect> = Vec::new();
        effects.extend(model.trust_boundaries.iter().map(|e| Effect::Added { id: AnyId::TrustBoundary(e.id) }));
        effects.extend(model.components.iter().map(|e| Effect::Added { id: AnyId::Component(e.id) }));
        effects.extend(model.assets.iter().map(|e| Effect::Added { id: AnyId::Asset(e.id) }));
        effects.extend(model.attackers.iter().map(|e| Effect::Added { id: AnyId::Attacker(e.id) }));
        let objectives = model.sync_objectives();
        effects.push(Effect::ObjectivesAdded { ids: objectives.added });
        for a in &d.assumptions {
            let id = model.add_assumption(a)?;
            effects.push(Effect::Added { id: AnyId::Assumption(id) });
        }
        for c in &d.controls {
            let id = model.add_control(c)?;
            effects.push(Effect::Added { id: AnyId::Control(id) });
        }
        Ok(Applied { model, effects })
    }
}
