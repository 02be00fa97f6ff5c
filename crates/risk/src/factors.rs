//! The factor vocabularies. Every factor is a closed enum whose variants are
//! listed from least to most severe (for impact) or least to most likely (for
//! likelihood); [`Factor::rank`] is that position and is what the composition
//! rules and the monotonicity properties are stated over.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A closed, totally ordered factor vocabulary.
pub trait Factor: Copy + Eq + Ord + std::fmt::Debug + 'static {
    /// Every value, in rank order (rank 0 first).
    const ALL: &'static [Self];
    /// The factor's name as it appears in JSON and in the published tables.
    const NAME: &'static str;
    /// Position in [`Factor::ALL`]: higher is more severe / more likely.
    fn rank(self) -> u8;
    /// The wire label of the value.
    fn label(self) -> &'static str;
}

macro_rules! factor_enum {
    ($(#[$meta:meta])* $name:ident, $wire:literal, [$($variant:ident),+ $(,)?]) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name { $($variant),+ }

        impl Factor for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const NAME: &'static str = $wire;
            fn rank(self) -> u8 { self as u8 }
            fn label(self) -> &'static str {
                match self { $(Self::$variant => stringify!($variant)),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

factor_enum!(
    /// How badly one security property of an asset is harmed when it is lost.
    Subscore, "subscore", [None, Low, High]
);
factor_enum!(
    /// How far the harm spreads beyond the asset itself.
    BlastRadius, "blast_radius", [Isolated, Multiplicative, Cascading]
);
factor_enum!(
    /// How hard it is to undo the harm.
    Recoverability, "recoverability", [Trivial, Manageable, Permanent]
);
factor_enum!(
    /// The regulatory consequence of the harm.
    RegulatoryScope, "regulatory_scope", [None, Notification, Legal]
);
factor_enum!(
    /// Where the attacker must be to act: the same closed vocabulary trust
    /// boundaries use in `passes`.
    AttackVector, "attack_vector", [Physical, Local, Adjacent, Network]
);
factor_enum!(
    /// Privileges the attacker needs before the attack.
    PrivilegesRequired, "privileges_required", [High, Low, None]
);
factor_enum!(
    /// Conditions beyond the attacker's control that must hold.
    AttackComplexity, "attack_complexity", [High, Low]
);
factor_enum!(
    /// Whether a victim must take part.
    UserInteraction, "user_interaction", [Required, None]
);
factor_enum!(
    /// How widespread the attacker's capability is.
    CapabilityPrevalence, "capability_prevalence", [Rare, Targeted, Commodity]
);

/// The seven impact factors carried by every asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpactFactors {
    pub confidentiality: Subscore,
    pub integrity: Subscore,
    pub availability: Subscore,
    pub usage: Subscore,
    pub blast_radius: BlastRadius,
    pub recoverability: Recoverability,
    pub regulatory_scope: RegulatoryScope,
}

impl Default for ImpactFactors {
    /// A middle-of-the-road starting point, used when no judgement exists yet.
    fn default() -> Self {
        ImpactFactors {
            confidentiality: Subscore::Low,
            integrity: Subscore::Low,
            availability: Subscore::Low,
            usage: Subscore::None,
            blast_radius: BlastRadius::Isolated,
            recoverability: Recoverability::Manageable,
            regulatory_scope: RegulatoryScope::None,
        }
    }
}

/// The five likelihood factors carried by every attacker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LikelihoodFactors {
    pub attack_vector: AttackVector,
    pub privileges_required: PrivilegesRequired,
    pub attack_complexity: AttackComplexity,
    pub user_interaction: UserInteraction,
    pub capability_prevalence: CapabilityPrevalence,
}

impl Default for LikelihoodFactors {
    fn default() -> Self {
        LikelihoodFactors {
            attack_vector: AttackVector::Network,
            privileges_required: PrivilegesRequired::None,
            attack_complexity: AttackComplexity::High,
            user_interaction: UserInteraction::None,
            capability_prevalence: CapabilityPrevalence::Targeted,
        }
    }
}

impl ImpactFactors {
    /// Every combination of the seven factors, in lexicographic rank order.
    pub fn all() -> impl Iterator<Item = ImpactFactors> {
        let subscores = Subscore::ALL;
        subscores.iter().flat_map(move |&confidentiality| {
            subscores.iter().flat_map(move |&integrity| {
                subscores.iter().flat_map(move |&availability| {
                    subscores.iter().flat_map(move |&usage| {
                        BlastRadius::ALL.iter().flat_map(move |&blast_radius| {
                            Recoverability::ALL.iter().flat_map(move |&recoverability| {
                                RegulatoryScope::ALL.iter().map(move |&regulatory_scope| ImpactFactors {
                                    confidentiality,
                                    integrity,
                                    availability,
                                    usage,
                                    blast_radius,
                                    recoverability,
                                    regulatory_scope,
                                })
                            })
                        })
                    })
                })
            })
        })
    }
}

impl LikelihoodFactors {
    /// Every combination of the five factors, in lexicographic rank order.
    pub fn all() -> impl Iterator<Item = LikelihoodFactors> {
        AttackVector::ALL.iter().flat_map(|&attack_vector| {
            PrivilegesRequired::ALL.iter().flat_map(move |&privileges_required| {
                AttackComplexity::ALL.iter().flat_map(move |&attack_complexity| {
                    UserInteraction::ALL.iter().flat_map(move |&user_interaction| {
                        CapabilityPrevalence::ALL.iter().map(move |&capability_prevalence| LikelihoodFactors {
                            attack_vector,
                            privileges_required,
                            attack_complexity,
                            user_interaction,
                            capability_prevalence,
                        })
                    })
                })
            })
        })
    }
}
