//! CO matrix and posture at scale: 200 assets × 50 attackers (10,000
//! objectives), 2,000 controls, 5,000 assertions — and the same at one tenth,
//! and at one half, to show the cost grows linearly.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rampart_model::{AssetId, DeterministicJudge, Edit, ThreatModel};

#[allow(dead_code, unreachable_pub)]
#[path = "support/fixture.rs"]
mod fixture;
use fixture::{FULL, HALF, TENTH, draft, posture, verdicts};

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("assurance");
    group.sample_size(20);
    for (label, scale) in [("tenth", TENTH), ("half", HALF), ("full", FULL)] {
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
