//! Models, versions, diffs.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rampart_app::{App, ModelRecord, ModelView, NewModel, Page, VersionSummary};
use rampart_model::ModelDiff;
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Caller, Path, Query};
use crate::handlers::accounts::NameRequest;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub search: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    pub from: u32,
    pub to: u32,
}

pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Page<ModelRecord>>> {
    Ok(Json(app.list_models(&who, q.search.as_deref(), q.cursor.as_deref(), q.limit.unwrap_or(50)).await?))
}

pub async fn create(
    State(app): State<App>,
    Caller(who): Caller,
    Body(req): Body<NewModel>,
) -> ApiResult<(StatusCode, Json<ModelView>)> {
    Ok((StatusCode::CREATED, Json(app.create_model(&who, req).await?)))
}

pub async fn get(State(app): State<App>, Caller(who): Caller, Path(id): Path<String>) -> ApiResult<Json<ModelView>> {
    Ok(Json(app.get_model(&who, &id, None).await?))
}

pub async fn version(
    State(app): State<App>,
    Caller(who): Caller,
    Path((id, n)): Path<(String, u32)>,
) -> ApiResult<Json<ModelView>> {
    Ok(Json(app.get_model(&who, &id, Some(n)).await?))
}

pub async fn rename(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
    Body(req): Body<NameRequest>,
) -> ApiResult<Json<ModelRecord>> {
    Ok(Json(app.rename_model(&who, &id, &req.name).await?))
}

pub async fn delete(State(app): State<App>, Caller(who): Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    app.delete_model(&who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn versions(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<VersionSummary>>> {
    Ok(Json(app.list_versions(&who, &id).await?))
}

pub async fn diff(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> ApiResult<Json<ModelDiff>> {
    if q.from == 0 || q.to == 0 {
        return Err(ApiError::bad_request("invalid_query", "versions are numbered from 1"));
    }
    Ok(Json(app.diff_versions(&who, &id, q.from, q.to).await?))
}
