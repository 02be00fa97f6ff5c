//! CO matrix and posture at scale: 200 assets × 50 attackers (10,000
//! objectives), 2,000 controls, 5,000 assertions — and the same at one tenth,
//! to show the cost grows linearly.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rampart_assurance::{AssertionVerdict, Coherence, Evidence, Sufficiency, TierResult, assess, verification_status};
use rampart_model::{
    Asset, AssetId, Attacker, AttackerId, CoRef, ControlDraft, ControlObjectiveId, DeterministicJudge, Edit,
    MappingDraft, ModelDraft, SecurityProperty, ThreatModel,
};

struct Scale {
    assets: u32,
    attackers: u32,
    controls: u32,
    assertions: u32,
}

const FULL: Scale = Scale { assets: 200, attackers: 50, controls: 2_000, assertions: 5_000 };
const TENTH: Scale = Scale { assets: 20, attackers: 50, controls: 200, assertions: 500 };

fn draft(scale: &Scale, with_controls: bool) -> ModelDraft {
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
fn verdicts(scale: &Scale) -> Vec<Vec<AssertionVerdict>> {
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

fn posture(model: &ThreatModel, verdicts: &[Vec<AssertionVerdict>]) -> rampart_assurance::PostureReport {
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

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("assurance");
    group.sample_size(20);
    for (label, scale) in [("tenth", TENTH), ("full", FULL)] {
        let objectives = u64::from(scale.assets * scale.attackers);
        group.throughput(Throughput::Elements(objectives));
        let bare = draft(&scale, false);
        group.bench_with_input(BenchmarkId::new("co_matrix", label), &bare, |b, d| {
            b.iter(|| ThreatModel::create(black_box(d)).map(|a| a.model.control_objectives.len()))
        });
        let model = ThreatModel::create(&draft(&scale, true)).expect("valid").model;
        let verdicts = verdicts(&scale);
        group.bench_with_input(BenchmarkId::new("posture", label), &model, |b, m| {
            b.iter(|| posture(black_box(m), black_box(&verdicts)).summary)
        });
        let edit = Edit::Remove { id: rampart_model::AnyId::Asset(AssetId(1)) };
        group.bench_with_input(BenchmarkId::new("apply_edit", label), &model, |b, m| {
            b.iter(|| m.apply(black_box(&edit), &DeterministicJudge).map(|a| a.model.version))
        });
    }
    group.finish();
}

criterion_group!(assurance, benches);
criterion_main!(assurance);
