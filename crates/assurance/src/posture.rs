//! Objective posture: a deterministic function of the model, the controls'
//! verification statuses, the assumptions' evidence and the time. No LLM.
//!
//! - `mitigated`: some mitigation group of the objective has every control
//!   verified (AND within a group, OR across groups), or a live assumption
//!   linked to it is in force (external: attested and unexpired;
//!   non-applicability: its evidence verified).
//! - `at_risk`: controls or assumptions are there but none of the above holds.
//! - `unassessed`: no live control is mapped and no assumption is linked.
//!
//! Controls in no group are defense in depth and never earn credit.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rampart_model::{
    AssetId, AssumptionId, AssumptionKind, AttackerId, ControlId, ControlObjective, ControlObjectiveId, ThreatModel,
};
use rampart_risk::{RiskRating, RiskTier};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::status::VerificationStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostureStatus {
    Mitigated,
    AtRisk,
    Unassessed,
}

/// What mitigates an objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum MitigatedBy {
    Controls { group: u32 },
    Assumption { assumption_id: AssumptionId },
}

/// Why an objective is at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskReason {
    /// Groups exist but none has every control verified.
    MissingControls,
    /// Every mapped control is defense in depth: nothing can complete.
    NoMitigationGroup,
    /// Only assumptions, none attested yet (or its evidence is not verified).
    PendingAttestation,
    /// Only assumptions, and an attestation has expired.
    ExpiredAttestation,
}

/// One mitigation group of an objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GroupState {
    pub group: u32,
    pub control_ids: Vec<ControlId>,
    /// Controls of the group that are not verified yet.
    pub missing: Vec<ControlId>,
    pub complete: bool,
}

/// The posture of one objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CoPosture {
    pub co_id: ControlObjectiveId,
    pub asset_id: AssetId,
    pub attacker_id: AttackerId,
    pub statement: String,
    pub status: PostureStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigated_by: Option<MitigatedBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RiskReason>,
    pub rating: RiskRating,
    pub groups: Vec<GroupState>,
    pub defense_in_depth: Vec<ControlId>,
    pub pending_assumption_ids: Vec<AssumptionId>,
    pub expired_assumption_ids: Vec<AssumptionId>,
}

/// Counts per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusCounts {
    pub total: usize,
    pub mitigated: usize,
    pub at_risk: usize,
    pub unassessed: usize,
}

impl StatusCounts {
    fn add(&mut self, status: PostureStatus) {
        self.total += 1;
        match status {
            PostureStatus::Mitigated => self.mitigated += 1,
            PostureStatus::AtRisk => self.at_risk += 1,
            PostureStatus::Unassessed => self.unassessed += 1,
        }
    }
}

/// The objectives of one risk tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TierGroup {
    pub tier: RiskTier,
    pub counts: StatusCounts,
    pub objectives: Vec<CoPosture>,
}

/// The posture of every live objective, grouped by risk tier (most severe first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PostureReport {
    pub model_version: u32,
    pub summary: StatusCounts,
    pub tiers: Vec<TierGroup>,
    /// Live controls whose every objective is tombstoned: they earn no credit.
    pub orphaned_controls: Vec<ControlId>,
}

impl PostureReport {
    /// Every objective's posture, in id order.
    pub fn objectives(&self) -> impl Iterator<Item = &CoPosture> {
        self.tiers.iter().flat_map(|t| t.objectives.iter())
    }
}

/// The evidence side of an assessment.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Each control's computed verification status (absent: unverified).
    pub controls: HashMap<ControlId, VerificationStatus>,
    /// The status of the evidence for non-applicability assumptions.
    pub assumptions: HashMap<AssumptionId, VerificationStatus>,
}

/// Assesses every live objective of `model` at `now`.
pub fn assess(model: &ThreatModel, evidence: &Evidence, now: DateTime<Utc>) -> PostureReport {
    // One pass over controls and assumptions builds per-objective indexes, so
    // the whole assessment is linear in the size of the model.
    let mut mapped: HashMap<ControlObjectiveId, Vec<(ControlId, Option<u32>)>> = HashMap::new();
    for control in model.live_controls() {
        for m in &control.mappings {
            mapped.entry(m.co_id).or_default().push((control.id, m.group));
        }
    }
    let mut linked: HashMap<ControlObjectiveId, Vec<AssumptionId>> = HashMap::new();
    for a in model.assumptions.iter().filter(|a| !a.removed) {
        for co in &a.linked_co_ids {
            linked.entry(*co).or_default().push(a.id);
        }
    }

    let mut by_tier: BTreeMap<RiskTier, Vec<CoPosture>> = BTreeMap::new();
    for co in model.live_objectives() {
        let posture = assess_one(model, co, mapped.get(&co.id), linked.get(&co.id), evidence, now);
        by_tier.entry(posture.rating.risk_tier).or_default().push(posture);
    }

    let mut summary = StatusCounts::default();
    let tiers = RiskTier::SEVERITY_ORDER
        .into_iter()
        .filter_map(|tier| {
            let mut objectives = by_tier.remove(&tier)?;
            objectives.sort_by_key(|p| p.co_id);
            let mut counts = StatusCounts::default();
            for p in &objectives {
                counts.add(p.status);
                summary.add(p.status);
            }
            Some(TierGroup { tier, counts, objectives })
        })
        .collect();
    let mut orphaned_controls = model.orphaned_controls();
    orphaned_controls.sort();
    PostureReport { model_version: model.version, summary, tiers, orphaned_controls }
}

fn assess_one(
    model: &ThreatModel,
    co: &ControlObjective,
    mapped: Option<&Vec<(ControlId, Option<u32>)>>,
    linked: Option<&Vec<AssumptionId>>,
    evidence: &Evidence,
    now: DateTime<Utc>,
) -> CoPosture {
    let verified = |id: &ControlId| evidence.controls.get(id) == Some(&VerificationStatus::Verified);

    let mut groups: BTreeMap<u32, Vec<ControlId>> = BTreeMap::new();
    let mut defense_in_depth = Vec::new();
    for (control, group) in mapped.map(Vec::as_slice).unwrap_or_default() {
        match group {
            Some(g) => groups.entry(*g).or_default().push(*control),
            None => defense_in_depth.push(*control),
        }
    }
    defense_in_depth.sort();
    let groups: Vec<GroupState> = groups
        .into_iter()
        .map(|(group, mut control_ids)| {
            control_ids.sort();
            let missing: Vec<ControlId> = control_ids.iter().copied().filter(|c| !verified(c)).collect();
            GroupState { group, complete: missing.is_empty(), control_ids, missing }
        })
        .collect();

    let mut in_force = None;
    let mut pending_assumption_ids = Vec::new();
    let mut expired_assumption_ids = Vec::new();
    let mut linked: Vec<AssumptionId> = linked.cloned().unwrap_or_default();
    linked.sort();
    for id in &linked {
        let Some(a) = model.assumption(*id) else { continue };
        let holds = match a.kind {
            AssumptionKind::External => match &a.attestation {
                Some(att) if att.is_current(now) => true,
                Some(att) if att.expires_at.is_some_and(|exp| exp <= now) => {
                    expired_assumption_ids.push(a.id);
                    false
                }
                _ => {
                    pending_assumption_ids.push(a.id);
                    false
                }
            },
            AssumptionKind::NonApplicability => {
                let ok = evidence.assumptions.get(&a.id) == Some(&VerificationStatus::Verified);
                if !ok {
                    pending_assumption_ids.push(a.id);
                }
                ok
            }
        };
        if holds && in_force.is_none() {
            in_force = Some(a.id);
        }
    }

    let has_controls = !groups.is_empty() || !defense_in_depth.is_empty();
    // Verified controls outrank an attested claim when both hold.
    let (status, mitigated_by, reason) = if let Some(g) = groups.iter().find(|g| g.complete) {
        (PostureStatus::Mitigated, Some(MitigatedBy::Controls { group: g.group }), None)
    } else if let Some(assumption_id) = in_force {
        (PostureStatus::Mitigated, Some(MitigatedBy::Assumption { assumption_id }), None)
    } else if has_controls {
        let reason = if groups.is_empty() { RiskReason::NoMitigationGroup } else { RiskReason::MissingControls };
        (PostureStatus::AtRisk, None, Some(reason))
    } else if !expired_assumption_ids.is_empty() {
        (PostureStatus::AtRisk, None, Some(RiskReason::ExpiredAttestation))
    } else if !pending_assumption_ids.is_empty() {
        (PostureStatus::AtRisk, None, Some(RiskReason::PendingAttestation))
    } else {
        (PostureStatus::Unassessed, None, None)
    };

    let rating = model.rating(co).unwrap_or(RiskRating {
        impact: rampart_risk::Level::High,
        likelihood: rampart_risk::Level::High,
        risk_tier: RiskTier::Critical,
    });
    CoPosture {
        co_id: co.id,
        asset_id: co.asset_id,
        attacker_id: co.attacker_id,
        statement: co.statement.clone(),
        status,
        mitigated_by,
        reason,
        rating,
        groups,
        defense_in_depth,
        pending_assumption_ids,
        expired_assumption_ids,
    }
}
