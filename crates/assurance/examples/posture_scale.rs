//! Runs one posture assessment at a given scale, for instruction counting:
//!
//!     valgrind --tool=callgrind target/release/examples/posture_scale full
//!
//! Instruction counts are repeatable whatever else the machine is doing, so
//! comparing `tenth`, `half` and `full` shows how the cost grows.
#![allow(clippy::print_stdout)]

#[allow(dead_code, unreachable_pub)]
#[path = "../benches/support/fixture.rs"]
mod fixture;

fn main() {
    let scale = match std::env::args().nth(1).as_deref() {
        Some("tenth") => fixture::TENTH,
        Some("half") => fixture::HALF,
        _ => fixture::FULL,
    };
    let model = rampart_model::ThreatModel::create(&fixture::draft(&scale, true)).map(|a| a.model);
    let Ok(model) = model else { return };
    let verdicts = fixture::verdicts(&scale);
    let report = fixture::posture(&model, &verdicts);
    println!("{} objectives, {} mitigated", report.summary.total, report.summary.mitigated);
}
