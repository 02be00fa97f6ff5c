//! The caller, keys, workspaces, members, systems.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rampart_app::{ApiKeyRecord, App, MembershipRecord, NewKey, NewWorkspace, Role, SystemRecord, WorkspaceView};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::{Body, Caller, MaybeCaller, Path};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyRequest {
    pub name: String,
    /// The most the key may do: `member` for a CI key that cannot manage
    /// members, keys or settings. Default: the caller's own role.
    #[serde(default)]
    pub role: Option<Role>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NameRequest {
    pub name: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    pub role: Role,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemRequest {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

pub async fn me(State(app): State<App>, Caller(who): Caller) -> ApiResult<Json<rampart_app::Me>> {
    Ok(Json(app.me(&who).await?))
}

pub async fn delete_me(State(app): State<App>, Caller(who): Caller) -> ApiResult<StatusCode> {
    app.delete_account(&who).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_keys(State(app): State<App>, Caller(who): Caller) -> ApiResult<Json<Vec<ApiKeyRecord>>> {
    Ok(Json(app.list_keys(&who).await?))
}

pub async fn create_key(
    State(app): State<App>,
    Caller(who): Caller,
    Body(req): Body<KeyRequest>,
) -> ApiResult<(StatusCode, Json<NewKey>)> {
    Ok((StatusCode::CREATED, Json(app.create_key(&who, None, &req.name, req.role).await?)))
}

pub async fn create_workspace_key(
    State(app): State<App>,
    Caller(who): Caller,
    Path(workspace_id): Path<String>,
    Body(req): Body<KeyRequest>,
) -> ApiResult<(StatusCode, Json<NewKey>)> {
    Ok((StatusCode::CREATED, Json(app.create_key(&who, Some(&workspace_id), &req.name, req.role).await?)))
}

pub async fn revoke_key(
    State(app): State<App>,
    Caller(who): Caller,
    Path(key_id): Path<String>,
) -> ApiResult<StatusCode> {
    app.revoke_key(&who, &key_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_workspaces(State(app): State<App>, Caller(who): Caller) -> ApiResult<Json<Vec<WorkspaceView>>> {
    Ok(Json(app.my_workspaces(&who).await?))
}

pub async fn create_workspace(
    State(app): State<App>,
    Caller(who): Caller,
    Body(req): Body<NameRequest>,
) -> ApiResult<(StatusCode, Json<NewWorkspace>)> {
    Ok((StatusCode::CREATED, Json(app.create_workspace(&who, &req.name).await?)))
}

pub async fn get_workspace(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<WorkspaceView>> {
    Ok(Json(app.get_workspace(&who, &id).await?))
}

pub async fn rename_workspace(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
    Body(req): Body<NameRequest>,
) -> ApiResult<StatusCode> {
    app.rename_workspace(&who, &id, &req.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete_workspace(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    app.delete_workspace(&who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn members(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<MembershipRecord>>> {
    Ok(Json(app.members(&who, &id).await?))
}

pub async fn set_member(
    State(app): State<App>,
    Caller(who): Caller,
    Path((ws, user)): Path<(String, String)>,
    Body(req): Body<RoleRequest>,
) -> ApiResult<StatusCode> {
    app.set_member(&who, &ws, &user, req.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_member(
    State(app): State<App>,
    Caller(who): Caller,
    Path((ws, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.remove_member(&who, &ws, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_systems(State(app): State<App>, Caller(who): Caller) -> ApiResult<Json<Vec<SystemRecord>>> {
    Ok(Json(app.list_systems(&who).await?))
}

pub async fn create_system(
    State(app): State<App>,
    Caller(who): Caller,
    Body(req): Body<SystemRequest>,
) -> ApiResult<(StatusCode, Json<SystemRecord>)> {
    Ok((StatusCode::CREATED, Json(app.create_system(&who, &req.name, &req.description).await?)))
}

pub async fn get_system(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SystemRecord>> {
    Ok(Json(app.get_system(&who, &id).await?))
}

pub async fn delete_system(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    app.delete_system(&who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_system_model(
    State(app): State<App>,
    Caller(who): Caller,
    Path((system, model)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.set_model_system(&who, &model, Some(&system)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_system_model(
    State(app): State<App>,
    Caller(who): Caller,
    Path((system, model)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    // Only a model that is in this system can be taken out of it.
    app.get_system(&who, &system).await?;
    let view = app.get_model(&who, &model, None).await?;
    if view.record.system_id.as_deref() != Some(system.as_str()) {
        return Err(rampart_app::AppError::not_found("model in this system").into());
    }
    app.set_model_system(&who, &model, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn grades(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<rampart_app::OrganizationGrades>> {
    Ok(Json(app.organization_grades(&who, &id).await?))
}

pub async fn set_grades(
    State(app): State<App>,
    Caller(who): Caller,
    Path(id): Path<String>,
    Body(grades): Body<rampart_app::OrganizationGrades>,
) -> ApiResult<StatusCode> {
    app.set_organization_grades(&who, &id, grades).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn create_invitation(
    State(app): State<App>,
    Caller(who): Caller,
    Path(ws): Path<String>,
    Body(req): Body<rampart_app::InvitationRequest>,
) -> ApiResult<(StatusCode, Json<rampart_app::NewInvitation>)> {
    Ok((StatusCode::CREATED, Json(app.create_invitation(&who, &ws, &req).await?)))
}

pub async fn list_invitations(
    State(app): State<App>,
    Caller(who): Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<rampart_app::InvitationRecord>>> {
    Ok(Json(app.list_invitations(&who, &ws).await?))
}

pub async fn revoke_invitation(
    State(app): State<App>,
    Caller(who): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.revoke_invitation(&who, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn accept_invitation(
    State(app): State<App>,
    MaybeCaller(who): MaybeCaller,
    Body(req): Body<rampart_app::AcceptInvitation>,
) -> ApiResult<(StatusCode, Json<rampart_app::AcceptedInvitation>)> {
    Ok((StatusCode::CREATED, Json(app.accept_invitation(who.as_ref(), &req).await?)))
}
