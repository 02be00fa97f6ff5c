//! Metadata edits: changes that do not create a version (CAL, component
//! grades, a control's declared status and notes). Like factor revisions they
//! are recorded against the version they apply to and laid over its snapshot
//! at read time; the snapshot itself never changes.

use rampart_risk::{FactorRevision, overlay_impact, overlay_likelihood};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::entity::{ComponentGrades, ControlStatus};
use crate::error::EditError;
use crate::ids::{ComponentId, ControlId, ControlObjectiveId};
use crate::model::{ThreatModel, find, find_mut};
use crate::validate;

/// One metadata change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "field", rename_all = "snake_case", deny_unknown_fields)]
pub enum MetadataChange {
    Cal { co_id: ControlObjectiveId, cal: Option<u8> },
    ComponentGrades { component_id: ComponentId, grades: ComponentGrades },
    ControlStatus { control_id: ControlId, status: ControlStatus },
    ControlNotes { control_id: ControlId, notes: String },
}

/// A metadata change recorded against one model version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MetadataRecord {
    pub seq: u64,
    pub model_version: u32,
    pub change: MetadataChange,
}

impl MetadataChange {
    /// Checks the change against a model and normalises it.
    pub fn validate(&mut self, model: &ThreatModel) -> Result<(), EditError> {
        let unknown = |id: String| EditError::UnknownId { id };
        match self {
            MetadataChange::Cal { co_id, cal } => {
                find(&model.control_objectives, *co_id).ok_or_else(|| unknown(co_id.to_string()))?;
                validate::cal(*cal)
            }
            MetadataChange::ComponentGrades { component_id, grades } => {
                find(&model.components, *component_id).ok_or_else(|| unknown(component_id.to_string()))?;
                validate::grades(grades)
            }
            MetadataChange::ControlStatus { control_id, .. } => {
                find(&model.controls, *control_id).map(|_| ()).ok_or_else(|| unknown(control_id.to_string()))
            }
            MetadataChange::ControlNotes { control_id, notes } => {
                find(&model.controls, *control_id).ok_or_else(|| unknown(control_id.to_string()))?;
                validate::text("notes", notes, crate::text::TextKind::Prose, false)
            }
        }
    }

    fn apply_to(&self, model: &mut ThreatModel) {
        match self {
            MetadataChange::Cal { co_id, cal } => {
                if let Some(co) = find_mut(&mut model.control_objectives, *co_id) {
                    co.cal = *cal;
                }
            }
            MetadataChange::ComponentGrades { component_id, grades } => {
                if let Some(c) = find_mut(&mut model.components, *component_id) {
                    c.grades = *grades;
                }
            }
            MetadataChange::ControlStatus { control_id, status } => {
                if let Some(c) = find_mut(&mut model.controls, *control_id) {
                    c.status = *status;
                }
            }
            MetadataChange::ControlNotes { control_id, notes } => {
                if let Some(c) = find_mut(&mut model.controls, *control_id) {
                    c.implementation_notes.clone_from(notes);
                }
            }
        }
    }
}

impl ThreatModel {
    /// The live view of this snapshot: the factor revisions and metadata
    /// records made against this version, laid over it in order. Records for
    /// other versions are ignored (earlier ones are already in the snapshot).
    pub fn overlaid(&self, factor_revisions: &[FactorRevision], metadata: &[MetadataRecord]) -> ThreatModel {
        let mut live = self.clone();
        for asset in &mut live.assets {
            asset.impact = overlay_impact(asset.impact, &asset.id.to_string(), self.version, factor_revisions);
        }
        for attacker in &mut live.attackers {
            attacker.likelihood =
                overlay_likelihood(attacker.likelihood, &attacker.id.to_string(), self.version, factor_revisions);
        }
        let mut records: Vec<&MetadataRecord> = metadata.iter().filter(|r| r.model_version == self.version).collect();
        records.sort_by_key(|r| r.seq);
        for r in records {
            r.change.apply_to(&mut live);
        }
        live
    }

    /// Validates and records a factor edit against this (live) version.
    pub fn record_factor_edit(&self, request: rampart_risk::RevisionRequest) -> Result<FactorRevision, EditError> {
        use rampart_risk::{CurrentFactors, FactorSubject};
        let current = match &request.subject {
            FactorSubject::Asset(id) => {
                let a = id
                    .parse()
                    .ok()
                    .and_then(|id| self.asset(id))
                    .ok_or_else(|| EditError::UnknownId { id: id.clone() })?;
                CurrentFactors::Impact(a.impact)
            }
            FactorSubject::Attacker(id) => {
                let t = id
                    .parse()
                    .ok()
                    .and_then(|id| self.attacker(id))
                    .ok_or_else(|| EditError::UnknownId { id: id.clone() })?;
                CurrentFactors::Likelihood(t.likelihood)
            }
        };
        if request.model_version != self.version {
            return Err(EditError::invalid("model_version", format!("the live version is {}", self.version)));
        }
        FactorRevision::record(request, current).map_err(|e| EditError::invalid("factors", e.to_string()))
    }
}
