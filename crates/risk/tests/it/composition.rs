//! The composition rules are total and monotone in every factor, checked over
//! every combination (and again with proptest, which shrinks a failure to a
//! readable case).

use proptest::prelude::*;
use rampart_risk::factors::*;
use rampart_risk::{Level, RiskTier, impact, likelihood, risk_tier};

/// The impact factors with factor `i` raised one step, if it can be.
fn raise_impact(f: &ImpactFactors, i: usize) -> Option<ImpactFactors> {
    fn up<F: Factor>(v: F) -> Option<F> {
        F::ALL.get(usize::from(v.rank()) + 1).copied()
    }
    let mut g = *f;
    match i {
        0 => g.confidentiality = up(f.confidentiality)?,
        1 => g.integrity = up(f.integrity)?,
        2 => g.availability = up(f.availability)?,
        3 => g.usage = up(f.usage)?,
        4 => g.blast_radius = up(f.blast_radius)?,
        5 => g.recoverability = up(f.recoverability)?,
        _ => g.regulatory_scope = up(f.regulatory_scope)?,
    }
    Some(g)
}

fn raise_likelihood(f: &LikelihoodFactors, i: usize) -> Option<LikelihoodFactors> {
    fn up<F: Factor>(v: F) -> Option<F> {
        F::ALL.get(usize::from(v.rank()) + 1).copied()
    }
    let mut g = *f;
    match i {
        0 => g.attack_vector = up(f.attack_vector)?,
        1 => g.privileges_required = up(f.privileges_required)?,
        2 => g.attack_complexity = up(f.attack_complexity)?,
        3 => g.user_interaction = up(f.user_interaction)?,
        _ => g.capability_prevalence = up(f.capability_prevalence)?,
    }
    Some(g)
}

#[test]
fn impact_is_monotone_in_every_factor_over_every_combination() {
    let all: Vec<ImpactFactors> = ImpactFactors::all().collect();
    assert_eq!(all.len(), 3usize.pow(7));
    for f in &all {
        for i in 0..7 {
            if let Some(g) = raise_impact(f, i) {
                assert!(impact(&g) >= impact(f), "raising factor {i} of {f:?} lowered impact");
            }
        }
    }
}

#[test]
fn likelihood_is_monotone_in_every_factor_over_every_combination() {
    let all: Vec<LikelihoodFactors> = LikelihoodFactors::all().collect();
    assert_eq!(all.len(), 4 * 3 * 2 * 2 * 3);
    for f in &all {
        for i in 0..5 {
            if let Some(g) = raise_likelihood(f, i) {
                assert!(likelihood(&g) >= likelihood(f), "raising factor {i} of {f:?} lowered likelihood");
            }
        }
    }
}

#[test]
fn every_level_is_reachable() {
    for level in Level::ALL {
        assert!(ImpactFactors::all().any(|f| impact(&f) == level), "impact {level}");
        assert!(LikelihoodFactors::all().any(|f| likelihood(&f) == level), "likelihood {level}");
    }
}

#[test]
fn risk_tier_matrix() {
    use Level::*;
    let expected = [
        (High, High, RiskTier::Critical),
        (High, Medium, RiskTier::High),
        (Medium, High, RiskTier::High),
        (Medium, Medium, RiskTier::Medium),
        (High, Low, RiskTier::Medium),
        (Low, High, RiskTier::Medium),
        (Medium, Low, RiskTier::Low),
        (Low, Medium, RiskTier::Low),
        (Low, Low, RiskTier::Low),
    ];
    for (i, l, t) in expected {
        assert_eq!(risk_tier(i, l), t, "{i} × {l}");
    }
}

#[test]
fn no_harmed_property_is_low_impact_whatever_the_amplifiers() {
    let f = ImpactFactors {
        confidentiality: Subscore::None,
        integrity: Subscore::None,
        availability: Subscore::None,
        usage: Subscore::None,
        blast_radius: BlastRadius::Cascading,
        recoverability: Recoverability::Permanent,
        regulatory_scope: RegulatoryScope::Legal,
    };
    assert_eq!(impact(&f), Level::Low);
}

fn impact_factors() -> impl Strategy<Value = ImpactFactors> {
    proptest::sample::select(ImpactFactors::all().collect::<Vec<_>>())
}

fn likelihood_factors() -> impl Strategy<Value = LikelihoodFactors> {
    proptest::sample::select(LikelihoodFactors::all().collect::<Vec<_>>())
}

proptest! {
    #[test]
    fn tier_is_monotone_in_each_factor(i in impact_factors(), l in likelihood_factors(), k in 0usize..12) {
        let tier = risk_tier(impact(&i), likelihood(&l));
        if k < 7 {
            if let Some(raised) = raise_impact(&i, k) {
                prop_assert!(risk_tier(impact(&raised), likelihood(&l)) >= tier);
            }
        } else if let Some(raised) = raise_likelihood(&l, k - 7) {
            prop_assert!(risk_tier(impact(&i), likelihood(&raised)) >= tier);
        }
    }

    #[test]
    fn factors_round_trip_through_json(i in impact_factors(), l in likelihood_factors()) {
        let back: ImpactFactors = serde_json::from_str(&serde_json::to_string(&i).unwrap()).unwrap();
        prop_assert_eq!(back, i);
        let back: LikelihoodFactors = serde_json::from_str(&serde_json::to_string(&l).unwrap()).unwrap();
        prop_assert_eq!(back, l);
    }
}
