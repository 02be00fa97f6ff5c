//! Shared fixtures.

use rampart_assurance::{AssertionVerdict, Coherence, TierResult};
use rampart_model::{ModelDraft, ThreatModel};

pub fn file_uploads() -> ThreatModel {
    let draft: ModelDraft =
        serde_json::from_str(include_str!("../../../../examples/models/file-uploads.json")).expect("example parses");
    ThreatModel::create(&draft).expect("example is valid").model
}

pub fn verdict(id: &str, tier1: TierResult, tier2: TierResult) -> AssertionVerdict {
    AssertionVerdict { assertion_id: id.into(), tier1, tier2, coherence: Coherence::Coherent }
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}
