//! The reachability composer: one verdict for every live control objective.
//!
//! The steps, in order (the first that applies decides; see
//! `docs/methodology/reachability.md`):
//!
//! 1. asset or attacker unknown or soft-deleted → indeterminate `missing_entity`;
//! 2. a ground assumption's predicate covers it → unreachable `assumption_excludes`;
//! 3. attacker at no live boundary → indeterminate `attacker_unpositioned`;
//! 4. asset in no live boundary → indeterminate `asset_unbounded`;
//! 5. no boundary in common → indeterminate `no_shared_boundary`;
//! 6. a shared boundary passes the vector → reachable `boundary_passes`;
//! 7. every shared boundary blocks it: all seals attested → unreachable
//!    `boundary_blocks`, otherwise reachable `block_unattested`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_model::{AnyId, ControlObjective, ControlObjectiveId, ThreatModel, TrustBoundaryId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::boundary::{passes, seal_attested};
use crate::index::{Index, Presence};
use crate::narrate::{self, Parties};
use crate::placement::Placement;
use crate::predicate::Exclusions;
use crate::verdict::{CoVerdict, Reason, VerdictKind};

/// Verdict counts. Every kind and every reason is present, zero or not, so a
/// reader never has to default a missing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReachabilitySummary {
    /// Number of verdicts (= live objectives).
    pub total: usize,
    pub by_kind: BTreeMap<VerdictKind, usize>,
    pub by_reason: BTreeMap<Reason, usize>,
}

impl ReachabilitySummary {
    fn of(verdicts: &[CoVerdict]) -> Self {
        let mut by_kind: BTreeMap<VerdictKind, usize> = VerdictKind::ALL.iter().map(|k| (*k, 0)).collect();
        let mut by_reason: BTreeMap<Reason, usize> = Reason::ALL.iter().map(|r| (*r, 0)).collect();
        for v in verdicts {
            *by_kind.entry(v.kind).or_default() += 1;
            *by_reason.entry(v.reason).or_default() += 1;
        }
        ReachabilitySummary { total: verdicts.len(), by_kind, by_reason }
    }
}

/// Reachability of every live objective of one model version at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReachabilityReport {
    /// The version of the model evaluated.
    pub model_version: u32,
    /// The instant attestations were judged at.
    pub as_of: DateTime<Utc>,
    /// One per live objective, in objective id order.
    pub verdicts: Vec<CoVerdict>,
    pub summary: ReachabilitySummary,
}

impl ReachabilityReport {
    /// The verdict of one objective; `None` for tombstoned or unknown ones.
    pub fn verdict(&self, co: ControlObjectiveId) -> Option<&CoVerdict> {
        self.verdicts.binary_search_by_key(&co, |v| v.co_id).ok().and_then(|i| self.verdicts.get(i))
    }

    /// The verdicts with one reason, in objective id order.
    pub fn with_reason(&self, reason: Reason) -> impl Iterator<Item = &CoVerdict> {
        self.verdicts.iter().filter(move |v| v.reason == reason)
    }
}

/// Gives every live control objective of `model` a reachability verdict, with
/// attestations judged at `now`.
///
/// Pure and deterministic: the same model and instant always give the same
/// report, whatever the order of the model's lists.
pub fn reachability(model: &ThreatModel, now: DateTime<Utc>) -> ReachabilityReport {
    evaluate(&Index::new(model), now)
}

pub(crate) fn evaluate(index: &Index<'_>, now: DateTime<Utc>) -> ReachabilityReport {
    let placement = Placement::new(index);
    let exclusions = Exclusions::new(index, now);
    let judge = Judge { index, placement: &placement, exclusions: &exclusions };
    let verdicts: Vec<CoVerdict> = index.live_objectives().map(|co| judge.verdict(co)).collect();
    let summary = ReachabilitySummary::of(&verdicts);
    ReachabilityReport { model_version: index.model.version, as_of: now, verdicts, summary }
}

/// Settles a verdict's reason, with the kind that reason implies.
fn decide(v: &mut CoVerdict, reason: Reason, narration: String) {
    v.reason = reason;
    v.kind = reason.kind();
    v.narration = narration;
}

/// Everything precomputed once, shared by every objective.
struct Judge<'a, 'm> {
    index: &'a Index<'m>,
    placement: &'a Placement,
    exclusions: &'a Exclusions<'m>,
}

impl Judge<'_, '_> {
    fn verdict(&self, co: &ControlObjective) -> CoVerdict {
        let mut v = CoVerdict {
            co_id: co.id,
            asset_id: co.asset_id,
            attacker_id: co.attacker_id,
            kind: VerdictKind::Indeterminate,
            reason: Reason::MissingEntity,
            attack_vector: None,
            attacker_positions: Vec::new(),
            asset_boundaries: Vec::new(),
            boundary_ids: Vec::new(),
            assumption_id: None,
            missing_ids: Vec::new(),
            narration: String::new(),
        };

        // Step 1: both parties must exist and be live.
        let asset = self.index.asset(co.asset_id);
        let attacker = self.index.attacker(co.attacker_id);
        let (Presence::Live(asset), Presence::Live(attacker)) = (asset, attacker) else {
            let mut parts = Vec::new();
            match asset {
                Presence::Live(_) => {}
                Presence::Removed(a) => parts.push(narrate::missing_part("asset", a.id, Some(&a.name))),
                Presence::Unknown => parts.push(narrate::missing_part("asset", co.asset_id, None)),
            }
            match attacker {
                Presence::Live(t) => v.attack_vector = Some(t.likelihood.attack_vector),
                Presence::Removed(t) => parts.push(narrate::missing_part("attacker", t.id, Some(&t.name))),
                Presence::Unknown => parts.push(narrate::missing_part("attacker", co.attacker_id, None)),
            }
            if asset.live().is_none() {
                v.missing_ids.push(AnyId::Asset(co.asset_id));
            }
            if attacker.live().is_none() {
                v.missing_ids.push(AnyId::Attacker(co.attacker_id));
            }
            v.narration = narrate::missing_entity(co.id, &parts);
            return v;
        };

        let vector = attacker.likelihood.attack_vector;
        let positions = self.placement.positions(attacker.id);
        let bounds = self.placement.asset_boundaries(asset.id);
        v.attack_vector = Some(vector);
        v.attacker_positions = positions.iter().copied().collect();
        v.asset_boundaries = bounds.iter().copied().collect();
        let parties = Parties { co: co.id, asset, attacker };

        // Step 2: an attested assumption outranks the structure, including
        // missing structure — it is an accountable person's statement about
        // exactly this objective.
        if let Some(id) = self.exclusions.first_match(co, asset, attacker) {
            decide(&mut v, Reason::AssumptionExcludes, narrate::assumption_excludes(&parties, id));
            v.assumption_id = Some(id);
            return v;
        }

        // Steps 3–5: without a place for both parties, and a place in common,
        // nothing can be said either way.
        if positions.is_empty() {
            decide(&mut v, Reason::AttackerUnpositioned, narrate::attacker_unpositioned(&parties));
            return v;
        }
        if bounds.is_empty() {
            decide(&mut v, Reason::AssetUnbounded, narrate::asset_unbounded(&parties));
            return v;
        }
        let shared: Vec<TrustBoundaryId> = positions.intersection(bounds).copied().collect();
        if shared.is_empty() {
            let text = narrate::no_shared_boundary(&parties, &v.attacker_positions, &v.asset_boundaries);
            decide(&mut v, Reason::NoSharedBoundary, text);
            return v;
        }

        // Step 6: one open door is enough.
        let live = |id: &TrustBoundaryId| self.index.boundary(*id).live();
        let passing: Vec<TrustBoundaryId> =
            shared.iter().copied().filter(|id| live(id).is_some_and(|tb| passes(tb, vector))).collect();
        if !passing.is_empty() {
            decide(&mut v, Reason::BoundaryPasses, narrate::boundary_passes(&parties, &passing));
            v.boundary_ids = passing;
            return v;
        }

        // Step 7: every door is shut; only attested seals may be relied on.
        let unattested: Vec<TrustBoundaryId> =
            shared.iter().copied().filter(|id| !live(id).is_some_and(seal_attested)).collect();
        if unattested.is_empty() {
            decide(&mut v, Reason::BoundaryBlocks, narrate::boundary_blocks(&parties, &shared));
            v.boundary_ids = shared;
        } else {
            decide(&mut v, Reason::BlockUnattested, narrate::block_unattested(&parties, &shared, &unattested));
            v.boundary_ids = unattested;
        }
        v
    }
}
