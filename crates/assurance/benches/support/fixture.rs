//! Synthetic models at scale, shared by the posture benchmark and the
//! instruction-count example (`examples/posture_scale.rs`).

use rampart_assurance::{AssertionVerdict, Coherence, Evidence, Sufficiency, TierResult, assess, verification_status};
use rampart_model::{
    Asset, AssetId, Attacker, AttackerId, CoRef, ControlDraft, ControlObjectiveId, MappingDraft, ModelDraft,
    SecurityProperty, ThreatModel,
};

#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub assets: u32,
    pub attackers: u32,
    pub controls: u32,
    pub assertions: u32,
}

pub const FULL: Scale = Scale { assets: 200, attackers: 50, controls: 2_000, assertions: 5_000 };
pub const HALF: Scale = Scale { assets: 100, attackers: 50, controls: 1_000, assertions: 2_500 };
pub const TENTH: Scale = Scale { assets: 20, attackers: 50, controls: 200, assertions: 500 };

pub fn draft(scale: &Scale, with_controls: bool) -> ModelDraft {
    let assets = (1..=scale.assets)
        .map(|i| Asset {
            id: AssetId(i),
            name: format!("Asset number {i}"),
            description: String::new(),
            security_properties: [SecurityProperty::Confidentiality, SecurityProperty::Integrity].into(),
            component_ids: vec![],
            impact: Default::default(),
            notes: String::new(),
            removed: false,
        })
        .collect();
    let attackers = (1..=scale.attackers)
        .map(|i| Attacker {
            id: AttackerId(i),
            name: format!("Attacker number {i}"),
            capability: "acts".into(),
            position: String::new(),
            archetype: String::new(),
            trust_boundary_ids: vec![],
            likelihood: Default::default(),
            removed: false,
        })
        .collect();
    let objectives = scale.assets * scale.attackers;
    // Each control covers five objectives spread over the matrix, in groups 1–3.
    let controls = if with_controls {
        (0..scale.controls)
            .map(|c| ControlDraft {
                description: format!("Control mechanism {c}"),
                mappings: (0..5)
                    .map(|k| MappingDraft {
                        co: CoRef::Id(ControlObjectiveId((c * 5 + k) % objectives + 1)),
                        group: Some(c % 3 + 1).filter(|_| k != 4),
                    })
                    .collect(),
                framework_refs: Default::default(),
                status: Default::default(),
                implementation_notes: String::new(),
            })
            .collect()
    } else {
        vec![]
    };
    ModelDraft { trust_boundaries: vec![], components: vec![], assets, attackers, assumptions: vec![], controls }
}

/// Assertion verdicts spread over the controls, mostly passing.
pub fn verdicts(scale: &Scale) -> Vec<Vec<AssertionVerdict>> {
    let mut per_control = vec![Vec::new(); scale.controls as usize];
    for a in 0..scale.assertions {
        let pass = if a % 7 == 0 { TierResult::Fail } else { TierResult::Pass };
        per_control[(a % scale.controls) as usize].push(AssertionVerdict {
            assertion_id: format!("as{a}"),
            tier1: TierResult::Pass,
            tier2: pass,
            coherence: Coherence::Coherent,
        });
    }
    per_control
}

#[inline(never)]
pub fn posture(model: &ThreatModel, verdicts: &[Vec<AssertionVerdict>]) -> rampart_assurance::PostureReport {
    let evidence = Evidence {
        controls: model
            .controls
            .iter()
            .zip(verdicts)
            .map(|(c, v)| (c.id, verification_status(v, Sufficiency::Sufficient)))
            .collect(),
        ..Evidence::default()
    };
    assess(model, &evidence, chrono::DateTime::UNIX_EPOCH)
}
