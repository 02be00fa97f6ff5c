//! Factor revisions: append-only records of factor edits, the read-time overlay
//! that applies them, and the per-objective factor history.
//!
//! A factor edit never bumps the model version. The snapshot of version `n`
//! keeps the factors as they were when `n` was created; revisions recorded
//! against `n` are laid over it at read time. When the next structural edit
//! creates `n + 1`, its snapshot is taken from the overlaid view, so the chain
//! stays consistent and a historical read of `n` still shows `n`'s factors.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::compose::{RiskRating, rate};
use crate::factors::{
    AttackComplexity, AttackVector, BlastRadius, CapabilityPrevalence, Factor, ImpactFactors, LikelihoodFactors,
    PrivilegesRequired, Recoverability, RegulatoryScope, Subscore, UserInteraction,
};

/// Longest change reason accepted, in characters.
pub const MAX_REASON_CHARS: usize = 2_000;

/// Whose factors a revision changes. Ids are the model's stable ids (`A3`, `T2`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum FactorSubject {
    Asset(String),
    Attacker(String),
}

/// New values for some impact factors; absent fields are left alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpactPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<Subscore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<Subscore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Subscore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Subscore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blast_radius: Option<BlastRadius>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recoverability: Option<Recoverability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulatory_scope: Option<RegulatoryScope>,
}

/// New values for some likelihood factors; absent fields are left alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LikelihoodPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack_vector: Option<AttackVector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileges_required: Option<PrivilegesRequired>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack_complexity: Option<AttackComplexity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_interaction: Option<UserInteraction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability_prevalence: Option<CapabilityPrevalence>,
}

/// One factor's old and new value, by wire name and label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FactorChange {
    pub factor: String,
    pub from: String,
    pub to: String,
}

fn push_change<F: Factor>(out: &mut Vec<FactorChange>, name: &str, from: F, to: Option<F>) {
    if let Some(to) = to.filter(|to| *to != from) {
        out.push(FactorChange { factor: name.to_owned(), from: from.label().to_owned(), to: to.label().to_owned() });
    }
}

impl ImpactPatch {
    /// The factors after the patch.
    pub fn apply(&self, base: &ImpactFactors) -> ImpactFactors {
        ImpactFactors {
            confidentiality: self.confidentiality.unwrap_or(base.confidentiality),
            integrity: self.integrity.unwrap_or(base.integrity),
            availability: self.availability.unwrap_or(base.availability),
            usage: self.usage.unwrap_or(base.usage),
            blast_radius: self.blast_radius.unwrap_or(base.blast_radius),
            recoverability: self.recoverability.unwrap_or(base.recoverability),
            regulatory_scope: self.regulatory_scope.unwrap_or(base.regulatory_scope),
        }
    }

    /// What the patch changes relative to `base` (unchanged fields omitted).
    pub fn changes(&self, base: &ImpactFactors) -> Vec<FactorChange> {
        let mut out = Vec::new();
        push_change(&mut out, "confidentiality", base.confidentiality, self.confidentiality);
        push_change(&mut out, "integrity", base.integrity, self.integrity);
        push_change(&mut out, "availability", base.availability, self.availability);
        push_change(&mut out, "usage", base.usage, self.usage);
        push_change(&mut out, "blast_radius", base.blast_radius, self.blast_radius);
        push_change(&mut out, "recoverability", base.recoverability, self.recoverability);
        push_change(&mut out, "regulatory_scope", base.regulatory_scope, self.regulatory_scope);
        out
    }
}

impl LikelihoodPatch {
    /// The factors after the patch.
    pub fn apply(&self, base: &LikelihoodFactors) -> LikelihoodFactors {
        LikelihoodFactors {
            attack_vector: self.attack_vector.unwrap_or(base.attack_vector),
            privileges_required: self.privileges_required.unwrap_or(base.privileges_required),
            attack_complexity: self.attack_complexity.unwrap_or(base.attack_complexity),
            user_interaction: self.user_interaction.unwrap_or(base.user_interaction),
            capability_prevalence: self.capability_prevalence.unwrap_or(base.capability_prevalence),
        }
    }

    /// What the patch changes relative to `base` (unchanged fields omitted).
    pub fn changes(&self, base: &LikelihoodFactors) -> Vec<FactorChange> {
        let mut out = Vec::new();
        push_change(&mut out, "attack_vector", base.attack_vector, self.attack_vector);
        push_change(&mut out, "privileges_required", base.privileges_required, self.privileges_required);
        push_change(&mut out, "attack_complexity", base.attack_complexity, self.attack_complexity);
        push_change(&mut out, "user_interaction", base.user_interaction, self.user_interaction);
        push_change(&mut out, "capability_prevalence", base.capability_prevalence, self.capability_prevalence);
        out
    }
}

/// The new values a revision sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "factors", rename_all = "snake_case")]
pub enum FactorPatch {
    Impact(ImpactPatch),
    Likelihood(LikelihoodPatch),
}

/// One recorded factor edit. Append-only: revisions are never changed or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FactorRevision {
    /// Position in the model's revision log, from 1; orders revisions.
    pub seq: u64,
    pub subject: FactorSubject,
    /// The model version the edit was applied against.
    pub model_version: u32,
    pub editor: String,
    pub at: DateTime<Utc>,
    pub change_reason: String,
    pub patch: FactorPatch,
    /// The delta against the factors in force when the edit was made.
    pub changes: Vec<FactorChange>,
}

/// Why a factor edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevisionError {
    #[error("a change reason is required for a factor edit")]
    MissingReason,
    #[error("the change reason is longer than {MAX_REASON_CHARS} characters")]
    ReasonTooLong,
    #[error("the edit changes no factor")]
    NoChange,
    #[error("{subject:?} carries {expected} factors, not {given} factors")]
    WrongFactorKind { subject: FactorSubject, expected: &'static str, given: &'static str },
}

/// The factors currently in force for one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrentFactors {
    Impact(ImpactFactors),
    Likelihood(LikelihoodFactors),
}

/// Everything a new revision needs besides its computed delta.
#[derive(Debug, Clone)]
pub struct RevisionRequest {
    pub seq: u64,
    pub subject: FactorSubject,
    pub model_version: u32,
    pub editor: String,
    pub at: DateTime<Utc>,
    pub change_reason: String,
    pub patch: FactorPatch,
}

impl FactorRevision {
    /// Validates an edit against the factors in force and records it.
    pub fn record(request: RevisionRequest, current: CurrentFactors) -> Result<FactorRevision, RevisionError> {
        let reason = request.change_reason.trim();
        if reason.is_empty() {
            return Err(RevisionError::MissingReason);
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(RevisionError::ReasonTooLong);
        }
        let changes = match (&request.subject, request.patch, current) {
            (FactorSubject::Asset(_), FactorPatch::Impact(p), CurrentFactors::Impact(base)) => p.changes(&base),
            (FactorSubject::Attacker(_), FactorPatch::Likelihood(p), CurrentFactors::Likelihood(base)) => {
                p.changes(&base)
            }
            (subject @ FactorSubject::Asset(_), _, _) => {
                return Err(RevisionError::WrongFactorKind {
                    subject: subject.clone(),
                    expected: "impact",
                    given: "likelihood",
                });
            }
            (subject @ FactorSubject::Attacker(_), _, _) => {
                return Err(RevisionError::WrongFactorKind {
                    subject: subject.clone(),
                    expected: "likelihood",
                    given: "impact",
                });
            }
        };
        if changes.is_empty() {
            return Err(RevisionError::NoChange);
        }
        Ok(FactorRevision {
            seq: request.seq,
            subject: request.subject,
            model_version: request.model_version,
            editor: request.editor,
            at: request.at,
            change_reason: reason.to_owned(),
            patch: request.patch,
            changes,
        })
    }
}

/// Lays the revisions recorded against `model_version` for `asset_id` over the
/// snapshot's impact factors, in `seq` order.
pub fn overlay_impact(
    base: ImpactFactors,
    asset_id: &str,
    model_version: u32,
    revisions: &[FactorRevision],
) -> ImpactFactors {
    ordered_for(revisions, model_version).fold(base, |acc, r| match (&r.subject, &r.patch) {
        (FactorSubject::Asset(id), FactorPatch::Impact(p)) if id == asset_id => p.apply(&acc),
        _ => acc,
    })
}

/// Lays the revisions recorded against `model_version` for `attacker_id` over
/// the snapshot's likelihood factors, in `seq` order.
pub fn overlay_likelihood(
    base: LikelihoodFactors,
    attacker_id: &str,
    model_version: u32,
    revisions: &[FactorRevision],
) -> LikelihoodFactors {
    ordered_for(revisions, model_version).fold(base, |acc, r| match (&r.subject, &r.patch) {
        (FactorSubject::Attacker(id), FactorPatch::Likelihood(p)) if id == attacker_id => p.apply(&acc),
        _ => acc,
    })
}

fn ordered_for(revisions: &[FactorRevision], model_version: u32) -> impl Iterator<Item = &FactorRevision> {
    let mut selected: Vec<&FactorRevision> = revisions.iter().filter(|r| r.model_version == model_version).collect();
    selected.sort_by_key(|r| r.seq);
    selected.into_iter()
}

/// The factors of one objective's asset and attacker as stored in one version's snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VersionFactors {
    pub version: u32,
    pub impact: ImpactFactors,
    pub likelihood: LikelihoodFactors,
}

/// One revision step in a factor history, with the rating after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryStep {
    pub seq: u64,
    pub subject: FactorSubject,
    pub editor: String,
    pub at: DateTime<Utc>,
    pub change_reason: String,
    pub changes: Vec<FactorChange>,
    pub rating: RiskRating,
}

/// One version of a factor history: the rating as the version was created,
/// then every revision recorded against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryEntry {
    pub version: u32,
    pub rating_at_creation: RiskRating,
    pub steps: Vec<HistoryStep>,
}

/// The chronological factor history of one asset × attacker pair: one entry per
/// version in which the pair existed (`points`, any order), each with the
/// revisions to that pair's asset or attacker recorded against the version.
pub fn factor_history(
    points: &[VersionFactors],
    asset_id: &str,
    attacker_id: &str,
    revisions: &[FactorRevision],
) -> Vec<HistoryEntry> {
    let mut points = points.to_vec();
    points.sort_by_key(|p| p.version);
    points
        .iter()
        .map(|point| {
            let mut impact = point.impact;
            let mut likelihood = point.likelihood;
            let steps = ordered_for(revisions, point.version)
                .filter_map(|r| {
                    match (&r.subject, &r.patch) {
                        (FactorSubject::Asset(id), FactorPatch::Impact(p)) if id == asset_id => {
                            impact = p.apply(&impact)
                        }
                        (FactorSubject::Attacker(id), FactorPatch::Likelihood(p)) if id == attacker_id => {
                            likelihood = p.apply(&likelihood)
                        }
                        _ => return None,
                    }
                    Some(HistoryStep {
                        seq: r.seq,
                        subject: r.subject.clone(),
                        editor: r.editor.clone(),
                        at: r.at,
                        change_reason: r.change_reason.clone(),
                        changes: r.changes.clone(),
                        rating: rate(&impact, &likelihood),
                    })
                })
                .collect();
            HistoryEntry { version: point.version, rating_at_creation: rate(&point.impact, &point.likelihood), steps }
        })
        .collect()
}
