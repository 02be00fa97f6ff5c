//! Evidence: assertions, verification runs, report, status history, audit
//! export, findings, signing keys and verification settings.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rampart_app::{
    App, AssertionView, AuditExport, NewAssertions, NewFinding, NewSigningKey, PendingAssertions, PendingQuery,
    RunAccepted, RunSubmission, SigningKeyRecord, VerificationReport, VerificationSettings,
};
use rampart_assurance::{Finding, FindingAction, FindingState, StatusTransition};
use rampart_model::ControlId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Caller, Path, Query};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssertionQuery {
    pub subject_id: Option<String>,
    #[serde(default)]
    pub include_removed: bool,
}

pub async fn add_assertions(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    Body(req): Body<NewAssertions>,
) -> ApiResult<(StatusCode, Json<Vec<AssertionView>>)> {
    Ok((StatusCode::CREATED, Json(app.add_assertions(&who, &model, req).await?)))
}

pub async fn list_assertions(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    Query(q): Query<AssertionQuery>,
) -> ApiResult<Json<Vec<AssertionView>>> {
    Ok(Json(app.list_assertions(&who, &model, q.subject_id.as_deref(), q.include_removed).await?))
}

pub async fn remove_assertion(
    State(app): State<App>,
    Caller(who): Caller,
    Path((model, assertion)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.remove_assertion(&who, &model, &assertion).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn pending(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    Query(q): Query<PendingQuery>,
) -> ApiResult<Json<PendingAssertions>> {
    Ok(Json(app.pending_assertions(&who, &model, &q).await?))
}

pub async fn submit_run(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    Body(req): Body<RunSubmission>,
) -> ApiResult<(StatusCode, Json<RunAccepted>)> {
    Ok((StatusCode::CREATED, Json(app.submit_run(&who, &model, req).await?)))
}

pub async fn report(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
) -> ApiResult<Json<VerificationReport>> {
    Ok(Json(app.verification_report(&who, &model).await?))
}

pub async fn export(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
) -> ApiResult<Json<AuditExport>> {
    Ok(Json(app.audit_export(&who, &model).await?))
}

pub async fn history(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
) -> ApiResult<Json<Vec<StatusTransition>>> {
    Ok(Json(app.control_status_history(&who, &model, None).await?))
}

pub async fn control_history(
    State(app): State<App>,
    Caller(who): Caller,
    Path((model, control)): Path<(String, String)>,
) -> ApiResult<Json<Vec<StatusTransition>>> {
    let id: ControlId =
        control.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such control"))?;
    Ok(Json(app.control_status_history(&who, &model, Some(id)).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingQuery {
    pub state: Option<FindingState>,
}

pub async fn report_finding(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    Body(req): Body<NewFinding>,
) -> ApiResult<(StatusCode, Json<Finding>)> {
    Ok((StatusCode::CREATED, Json(app.report_finding(&who, &model, req).await?)))
}

pub async fn list_findings(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    Query(q): Query<FindingQuery>,
) -> ApiResult<Json<Vec<Finding>>> {
    Ok(Json(app.list_findings(&who, &model, q.state).await?))
}

pub async fn get_finding(
    State(app): State<App>,
    Caller(who): Caller,
    Path((model, finding)): Path<(String, String)>,
) -> ApiResult<Json<Finding>> {
    Ok(Json(app.get_finding(&who, &model, &finding).await?))
}

pub async fn act_on_finding(
    State(app): State<App>,
    Caller(who): Caller,
    Path((model, finding)): Path<(String, String)>,
    Body(action): Body<FindingAction>,
) -> ApiResult<(StatusCode, Json<Finding>)> {
    Ok((StatusCode::CREATED, Json(app.act_on_finding(&who, &model, &finding, action).await?)))
}

/// Instructions for a coding agent that scans a repository for gaps.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ScanPrompt {
    pub prompt: String,
}

pub async fn scan_prompt(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
) -> ApiResult<Json<ScanPrompt>> {
    Ok(Json(ScanPrompt { prompt: app.finding_scan_prompt(&who, &model).await? }))
}

pub async fn add_key(
    State(app): State<App>,
    Caller(who): Caller,
    Body(req): Body<NewSigningKey>,
) -> ApiResult<(StatusCode, Json<SigningKeyRecord>)> {
    Ok((StatusCode::CREATED, Json(app.add_signing_key(&who, req).await?)))
}

pub async fn list_keys(State(app): State<App>, Caller(who): Caller) -> ApiResult<Json<Vec<SigningKeyRecord>>> {
    Ok(Json(app.list_signing_keys(&who).await?))
}

pub async fn revoke_key(
    State(app): State<App>,
    Caller(who): Caller,
    Path(fingerprint): Path<String>,
) -> ApiResult<StatusCode> {
    app.revoke_signing_key(&who, &fingerprint).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn settings(State(app): State<App>, Caller(who): Caller) -> ApiResult<Json<VerificationSettings>> {
    Ok(Json(app.verification_settings(&who).await?))
}

pub async fn set_settings(
    State(app): State<App>,
    Caller(who): Caller,
    Body(req): Body<VerificationSettings>,
) -> ApiResult<Json<VerificationSettings>> {
    Ok(Json(app.set_verification_settings(&who, req).await?))
}
