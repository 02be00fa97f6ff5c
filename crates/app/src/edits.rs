//! Structural edits, factor edits and metadata changes, with their activity.

use rampart_model::{AnyId, Edit, EditError, Effect, EntityKind, MetadataChange, ThreatModel};
use rampart_risk::{FactorPatch, FactorRevision, FactorSubject, RevisionRequest};
use rampart_store::{NewActivity, VersionSummary};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::AppError;
use crate::{App, Principal};

/// What a structural edit produced.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EditOutcome {
    pub version: VersionSummary,
    pub effects: Vec<Effect>,
    pub model: ThreatModel,
}

fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::TrustBoundary => "trust_boundary",
        EntityKind::Component => "component",
        EntityKind::Asset => "asset",
        EntityKind::Attacker => "attacker",
        EntityKind::ControlObjective => "control_objective",
        EntityKind::Assumption => "assumption",
        EntityKind::Control => "control",
    }
}

/// The activity event of one effect, named for what happened to which entity.
fn event(who: &Principal, model_id: &str, effect: &Effect) -> NewActivity {
    let (action, entity) = match effect {
        Effect::Added { id } => (format!("{}_added", kind_name(id.kind())), Some(id.to_string())),
        Effect::Edited { id } => (format!("{}_edited", kind_name(id.kind())), Some(id.to_string())),
        Effect::Removed { id } => (format!("{}_soft_deleted", kind_name(id.kind())), Some(id.to_string())),
        Effect::Restored { id } => (format!("{}_restored", kind_name(id.kind())), Some(id.to_string())),
        Effect::Reanimated { id } => (format!("{}_reanimated", kind_name(id.kind())), Some(id.to_string())),
        Effect::Folded { into } => ("control_folded".to_owned(), Some(into.to_string())),
        Effect::SkippedRemoved { id } => ("control_regeneration_skipped".to_owned(), Some(id.to_string())),
        Effect::ObjectivesAdded { .. } => ("objectives_added".to_owned(), None),
        Effect::ObjectivesTombstoned { .. } => ("objectives_tombstoned".to_owned(), None),
        Effect::ObjectivesRevived { .. } => ("objectives_revived".to_owned(), None),
    };
    NewActivity {
        actor_user_id: Some(who.user_id.clone()),
        action,
        model_id: Some(model_id.to_owned()),
        entity_id: entity,
        details: serde_json::to_value(effect).unwrap_or(serde_json::Value::Null),
    }
}

/// An unknown id in a factor or metadata change names the subject of the
/// request: not found, not a bad body.
fn subject_not_found(e: EditError) -> AppError {
    match e {
        EditError::UnknownId { id } => AppError::not_found(id),
        other => AppError::from(other),
    }
}

/// The entity an edit is aimed at, if it names one.
fn target(edit: &Edit) -> Option<String> {
    match edit {
        Edit::EditTrustBoundary { id, .. } => Some(id.to_string()),
        Edit::EditComponent { id, .. } => Some(id.to_string()),
        Edit::EditAsset { id, .. } => Some(id.to_string()),
        Edit::EditAttacker { id, .. } => Some(id.to_string()),
        Edit::EditAssumption { id, .. } => Some(id.to_string()),
        Edit::EditControl { id, .. } => Some(id.to_string()),
        Edit::SetMitigationGroup { control_id, .. } => Some(control_id.to_string()),
        Edit::Remove { id } | Edit::Restore { id } => Some(id.to_string()),
        _ => None,
    }
}

impl App {
    /// Applies a structural edit to the live view and stores the next
    /// version. With `expected_version`, the edit is refused (409) unless the
    /// model is still at that version. A factor, metadata or evidence write
    /// that lands between reading and writing makes the edit start over on
    /// the new state, so the new version never drops it.
    pub async fn apply_edit(
        &self,
        who: &Principal,
        model_id: &str,
        expected_version: Option<u32>,
        edit: &Edit,
    ) -> Result<EditOutcome, AppError> {
        crate::retry::serially(&self.model_locks, model_id, || {
            self.try_apply_edit(who, model_id, expected_version, edit)
        })
        .await
    }

    async fn try_apply_edit(
        &self,
        who: &Principal,
        model_id: &str,
        expected_version: Option<u32>,
        edit: &Edit,
    ) -> Result<EditOutcome, AppError> {
        let ws = &who.workspace_id;
        let (live, revision) = self.store.live_state(ws, model_id).await?;
        if let Some(expected) = expected_version
            && expected != live.version
        {
            return Err(rampart_store::StoreError::VersionConflict { current: live.version, expected }.into());
        }
        let applied = match self.ai_for(who) {
            Some(provider) => crate::judging::apply_with_llm(&live, edit, provider.as_ref()).await?,
            None => live.apply(edit, &rampart_catalog::OfflineJudge),
        };
        let applied = applied.map_err(|e| match &e {
            // The entity named in the path does not exist: that is a 404, not a bad body.
            EditError::UnknownId { id } if target(edit).as_deref() == Some(id.as_str()) => {
                AppError::not_found(id.clone())
            }
            _ => AppError::from(e),
        })?;
        self.limits.model.check_model(&applied.model)?;
        let events = applied.effects.iter().map(|e| event(who, model_id, e)).collect();
        let version =
            self.store.append_version(ws, model_id, &who.user_id, &applied.model, events, Some(revision)).await?;
        Ok(EditOutcome { version, effects: applied.effects, model: applied.model })
    }

    /// Records a factor edit (no new version).
    pub async fn edit_factors(
        &self,
        who: &Principal,
        model_id: &str,
        subject: AnyId,
        patch: FactorPatch,
        change_reason: &str,
    ) -> Result<FactorRevision, AppError> {
        let subject = match subject {
            AnyId::Asset(id) => FactorSubject::Asset(id.to_string()),
            AnyId::Attacker(id) => FactorSubject::Attacker(id.to_string()),
            other => {
                return Err(AppError::invalid("invalid_field", format!("{other} carries no risk factors")));
            }
        };
        crate::retry::serially(&self.model_locks, model_id, || async {
            let (live, state) = self.store.live_state(&who.workspace_id, model_id).await?;
            let request = RevisionRequest {
                seq: 0,
                subject: subject.clone(),
                model_version: live.version,
                editor: who.user_id.clone(),
                at: chrono::Utc::now(),
                change_reason: change_reason.to_owned(),
                patch,
            };
            let revision = live.record_factor_edit(request).map_err(subject_not_found)?;
            Ok(self.store.append_factor_revision(&who.workspace_id, model_id, &revision, Some(state)).await?)
        })
        .await
    }

    /// Records a metadata change (CAL, grades, control status or notes; no new version).
    pub async fn change_metadata(
        &self,
        who: &Principal,
        model_id: &str,
        change: MetadataChange,
    ) -> Result<(), AppError> {
        crate::retry::serially(&self.model_locks, model_id, || {
            let mut change = change.clone();
            async move {
                let (live, state) = self.store.live_state(&who.workspace_id, model_id).await?;
                change.validate(&live).map_err(subject_not_found)?;
                self.store.append_metadata(&who.workspace_id, model_id, &who.user_id, &change, Some(state)).await?;
                Ok(())
            }
        })
        .await
    }
}
