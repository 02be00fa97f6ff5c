//! Shared fixtures.

use rampart_model::{DeterministicJudge, Edit, ModelDraft, ThreatModel};

pub const FILE_UPLOADS: &str = include_str!("../../../../examples/models/file-uploads.json");

/// Version 1 of the seeds' walkthrough model: file uploads to an API.
pub fn file_uploads() -> ThreatModel {
    let draft: ModelDraft = serde_json::from_str(FILE_UPLOADS).expect("example parses");
    ThreatModel::create(&draft).expect("example is valid").model
}

/// Applies an edit with the deterministic judge, panicking on refusal.
pub fn apply(model: &ThreatModel, edit: serde_json::Value) -> ThreatModel {
    let edit: Edit = serde_json::from_value(edit).expect("edit parses");
    model.apply(&edit, &DeterministicJudge).expect("edit applies").model
}

/// Applies an edit and returns the refusal.
pub fn refuse(model: &ThreatModel, edit: serde_json::Value) -> rampart_model::EditError {
    let edit: Edit = serde_json::from_value(edit).expect("edit parses");
    model.apply(&edit, &DeterministicJudge).expect_err("edit is refused")
}
