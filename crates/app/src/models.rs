//! Models and their versions.

use rampart_model::{BoundedText, ModelDiff, ModelDraft, ThreatModel, diff, name::validate_model_name};
use rampart_store::{ModelRecord, Page, VersionSummary};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::{App, Principal};

/// A request to create a model from a structured draft.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewModel {
    /// 3–5 words, unique in the workspace (case-insensitively).
    pub name: String,
    /// The feature the model describes.
    #[serde(default)]
    pub description: String,
    pub model: ModelDraft,
}

/// A model with one of its versions (the live view when it is the current one).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ModelView {
    #[serde(flatten)]
    pub record: ModelRecord,
    pub version: VersionSummary,
    pub snapshot: ThreatModel,
}

/// Longest feature description accepted, in characters.
const MAX_DESCRIPTION: usize = 20_000;

fn checked_name(name: &str) -> Result<String, AppError> {
    validate_model_name(name).map_err(|e| AppError::invalid("invalid_name", e.to_string()))
}

impl App {
    pub async fn create_model(&self, who: &Principal, request: NewModel) -> Result<ModelView, AppError> {
        let name = checked_name(&request.name)?;
        let description = BoundedText::prose("description", &request.description, MAX_DESCRIPTION)?;
        self.limits.model.check_draft(&request.model)?;
        let first = ThreatModel::create(&request.model)?.model;
        let record = self
            .store
            .create_model(&who.workspace_id, &who.user_id, &name, description.as_str(), &first)
            .await
            .map_err(|e| match e {
                rampart_store::StoreError::Conflict(message) => {
                    AppError::Conflict { code: "name_taken", message, details: serde_json::Value::Null }
                }
                other => other.into(),
            })?;
        self.get_model(who, &record.id, None).await
    }

    pub async fn list_models(
        &self,
        who: &Principal,
        search: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<ModelRecord>, AppError> {
        Ok(self.store.list_models(&who.workspace_id, search, cursor, limit).await?)
    }

    /// The current version (live: with factor and metadata overlays) or a
    /// historical one exactly as it was created.
    pub async fn get_model(
        &self,
        who: &Principal,
        model_id: &str,
        version: Option<u32>,
    ) -> Result<ModelView, AppError> {
        let ws = &who.workspace_id;
        let record = self.store.get_model(ws, model_id).await?;
        let stored = self.store.get_version(ws, model_id, version).await?;
        let snapshot = if stored.summary.version == record.current_version {
            self.store.live_model(ws, model_id).await?
        } else {
            stored.model
        };
        Ok(ModelView { record, version: stored.summary, snapshot })
    }

    pub async fn rename_model(&self, who: &Principal, model_id: &str, name: &str) -> Result<ModelRecord, AppError> {
        let name = checked_name(name)?;
        self.store.rename_model(&who.workspace_id, model_id, &who.user_id, &name).await.map_err(|e| match e {
            rampart_store::StoreError::Conflict(message) => {
                AppError::Conflict { code: "name_taken", message, details: serde_json::Value::Null }
            }
            other => other.into(),
        })?;
        Ok(self.store.get_model(&who.workspace_id, model_id).await?)
    }

    pub async fn delete_model(&self, who: &Principal, model_id: &str) -> Result<(), AppError> {
        Ok(self.store.delete_model(&who.workspace_id, model_id, &who.user_id).await?)
    }

    pub async fn list_versions(&self, who: &Principal, model_id: &str) -> Result<Vec<VersionSummary>, AppError> {
        Ok(self.store.list_versions(&who.workspace_id, model_id).await?)
    }

    /// The diff between two stored versions (as created, without overlays).
    pub async fn diff_versions(
        &self,
        who: &Principal,
        model_id: &str,
        from: u32,
        to: u32,
    ) -> Result<ModelDiff, AppError> {
        let a = self.store.get_version(&who.workspace_id, model_id, Some(from)).await?;
        let b = self.store.get_version(&who.workspace_id, model_id, Some(to)).await?;
        Ok(diff(&a.model, &b.model))
    }
}
