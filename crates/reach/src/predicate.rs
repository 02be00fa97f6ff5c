//! Assumption exclusion predicates: which objectives an assumption takes out
//! of reach, and which assumptions are grounds to do so at a given time.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_model::{
    Asset, Assumption, AssumptionId, AssumptionKind, Attacker, ControlObjective, ControlObjectiveId,
    ExclusionPredicate, Match,
};

use crate::index::Index;

/// Whether `predicate` covers the objective `co` of `asset` against
/// `attacker`.
///
/// A non-empty `co_ids` list names the covered objectives outright and the
/// other fields are not consulted. Otherwise every field must match: the
/// attacker and asset ids, the attacker's attack vector, one of the asset's
/// component ids, and one of the objective's properties. Each field left at
/// `*` matches anything.
pub fn predicate_matches(
    predicate: &ExclusionPredicate,
    co: &ControlObjective,
    asset: &Asset,
    attacker: &Attacker,
) -> bool {
    if !predicate.co_ids.is_empty() {
        return predicate.co_ids.contains(&co.id);
    }
    let component = match predicate.asset_component_id {
        Match::Any => true,
        Match::Exactly(id) => asset.component_ids.contains(&id),
    };
    let property = match predicate.property_match {
        Match::Any => true,
        Match::Exactly(p) => co.properties.contains(&p),
    };
    predicate.attacker_id.matches(&co.attacker_id)
        && predicate.asset_id.matches(&co.asset_id)
        && predicate.attacker_vector.matches(&attacker.likelihood.attack_vector)
        && component
        && property
}

/// Whether an assumption may remove objectives at `now`: it is live, external,
/// carries an exclusion predicate, and its attestation is in force.
///
/// Non-applicability assumptions are proven by evidence, never by a person's
/// word, so an attestation on one (the model refuses it, but an imported model
/// may carry it) is not a ground here.
pub(crate) fn is_ground(assumption: &Assumption, now: DateTime<Utc>) -> bool {
    !assumption.removed
        && assumption.kind == AssumptionKind::External
        && assumption.exclusion.is_some()
        && assumption.attestation.as_ref().is_some_and(|a| a.is_current(now))
}

/// The assumptions that are grounds at `now`, arranged so that finding the
/// lowest-id one covering an objective does not scan the model.
#[derive(Debug)]
pub(crate) struct Exclusions<'m> {
    /// Objective → lowest-id ground naming it in `co_ids`.
    by_co: BTreeMap<ControlObjectiveId, AssumptionId>,
    /// Grounds matching on fields, in id order.
    by_fields: Vec<(AssumptionId, &'m ExclusionPredicate)>,
    /// Every ground, in id order.
    grounds: Vec<(AssumptionId, &'m ExclusionPredicate)>,
}

impl<'m> Exclusions<'m> {
    pub(crate) fn new(index: &Index<'m>, now: DateTime<Utc>) -> Self {
        let mut by_co = BTreeMap::new();
        let mut by_fields = Vec::new();
        let mut grounds = Vec::new();
        // The index iterates in id order, so the first insertion per objective
        // is the lowest id.
        for assumption in index.assumptions.values().filter(|a| is_ground(a, now)) {
            let Some(predicate) = &assumption.exclusion else { continue };
            grounds.push((assumption.id, predicate));
            if predicate.co_ids.is_empty() {
                by_fields.push((assumption.id, predicate));
            } else {
                for co in &predicate.co_ids {
                    by_co.entry(*co).or_insert(assumption.id);
                }
            }
        }
        Exclusions { by_co, by_fields, grounds }
    }

    /// The lowest-id ground covering the objective, if any.
    pub(crate) fn first_match(
        &self,
        co: &ControlObjective,
        asset: &Asset,
        attacker: &Attacker,
    ) -> Option<AssumptionId> {
        let explicit = self.by_co.get(&co.id).copied();
        for (id, predicate) in &self.by_fields {
            if explicit.is_some_and(|e| e < *id) {
                break;
            }
            if predicate_matches(predicate, co, asset, attacker) {
                return Some(*id);
            }
        }
        explicit
    }

    /// Every ground, in id order.
    pub(crate) fn grounds(&self) -> &[(AssumptionId, &'m ExclusionPredicate)] {
        &self.grounds
    }
}
