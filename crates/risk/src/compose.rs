//! The composition rules: factors → impact, factors → likelihood,
//! (impact, likelihood) → risk tier.
//!
//! The rules are additive point scores with fixed thresholds, which makes them
//! total (every combination has exactly one answer) and monotone (raising any
//! one factor never lowers the result) by construction; the property tests
//! check both over every combination. The published tables in
//! `docs/methodology/risk.md` are generated from these functions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::factors::{Factor, ImpactFactors, LikelihoodFactors};

/// A three-step rating, used for both impact and likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Level {
    Low,
    Medium,
    High,
}

/// The risk tier of a control objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub enum RiskTier {
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Low, Level::Medium, Level::High];
}

impl RiskTier {
    /// Most severe first: the order reports list tiers in.
    pub const SEVERITY_ORDER: [RiskTier; 4] = [RiskTier::Critical, RiskTier::High, RiskTier::Medium, RiskTier::Low];
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

impl std::fmt::Display for RiskTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// Harm score: three points per step of the worst-harmed property (0, 3 or 6),
/// plus one point per step of blast radius, recoverability and regulatory
/// scope (0–6). Range 0–12.
pub fn impact_score(f: &ImpactFactors) -> u8 {
    let worst =
        [f.confidentiality, f.integrity, f.availability, f.usage].into_iter().map(Factor::rank).max().unwrap_or(0);
    3 * worst + f.blast_radius.rank() + f.recoverability.rank() + f.regulatory_scope.rank()
}

/// Impact score at or above which impact is High.
pub const IMPACT_HIGH_AT: u8 = 8;
/// Impact score at or above which impact is Medium.
pub const IMPACT_MEDIUM_AT: u8 = 5;

/// Impact: no harmed property at all is always Low; otherwise High from
/// [`IMPACT_HIGH_AT`] points, Medium from [`IMPACT_MEDIUM_AT`], else Low.
pub fn impact(f: &ImpactFactors) -> Level {
    let any_harm = [f.confidentiality, f.integrity, f.availability, f.usage].into_iter().any(|s| s.rank() > 0);
    if !any_harm {
        return Level::Low;
    }
    let score = impact_score(f);
    if score >= IMPACT_HIGH_AT {
        Level::High
    } else if score >= IMPACT_MEDIUM_AT {
        Level::Medium
    } else {
        Level::Low
    }
}

/// Likelihood score: attack vector 0–3 (Physical … Network), privileges 0–2
/// (High … None), complexity 0–1, user interaction 0–1, prevalence 0–2
/// (Rare … Commodity). Range 0–9.
pub fn likelihood_score(f: &LikelihoodFactors) -> u8 {
    f.attack_vector.rank()
        + f.privileges_required.rank()
        + f.attack_complexity.rank()
        + f.user_interaction.rank()
        + f.capability_prevalence.rank()
}

/// Likelihood score at or above which likelihood is High.
pub const LIKELIHOOD_HIGH_AT: u8 = 7;
/// Likelihood score at or above which likelihood is Medium.
pub const LIKELIHOOD_MEDIUM_AT: u8 = 4;

/// Likelihood: High from [`LIKELIHOOD_HIGH_AT`] points, Medium from
/// [`LIKELIHOOD_MEDIUM_AT`], else Low.
pub fn likelihood(f: &LikelihoodFactors) -> Level {
    let score = likelihood_score(f);
    if score >= LIKELIHOOD_HIGH_AT {
        Level::High
    } else if score >= LIKELIHOOD_MEDIUM_AT {
        Level::Medium
    } else {
        Level::Low
    }
}

/// The risk-tier matrix: H×H Critical; H×M and M×H High; M×M, H×L and L×H
/// Medium; M×L, L×M and L×L Low.
pub fn risk_tier(impact: Level, likelihood: Level) -> RiskTier {
    use Level::{High, Low, Medium};
    match (impact, likelihood) {
        (High, High) => RiskTier::Critical,
        (High, Medium) | (Medium, High) => RiskTier::High,
        (Medium, Medium) | (High, Low) | (Low, High) => RiskTier::Medium,
        (Medium, Low) | (Low, Medium) | (Low, Low) => RiskTier::Low,
    }
}

/// Impact, likelihood and tier of one asset × attacker pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RiskRating {
    pub impact: Level,
    pub likelihood: Level,
    pub risk_tier: RiskTier,
}

/// Rates a pair from its factors.
pub fn rate(impact_factors: &ImpactFactors, likelihood_factors: &LikelihoodFactors) -> RiskRating {
    let impact = impact(impact_factors);
    let likelihood = likelihood(likelihood_factors);
    RiskRating { impact, likelihood, risk_tier: risk_tier(impact, likelihood) }
}
