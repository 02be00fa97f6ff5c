//! Direct entity operations, generic edits, factors, metadata.
//!
//! Every per-kind route builds the one domain `Edit` and goes through the same
//! application call, so they cannot drift from `POST …/edits`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{MethodRouter, delete, patch, post};
use rampart_app::{App, EditOutcome, Principal};
use rampart_model::{AnyId, Edit, MetadataChange};
use rampart_risk::{FactorPatch, FactorRevision};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Caller, Path, expected_version};
use crate::routes::SchemaFn;

/// One kind of directly editable entity.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// URL segment: `assets`.
    pub path: &'static str,
    pub label: &'static str,
    /// The `op` names and body field of the domain edit.
    add_op: &'static str,
    edit_op: &'static str,
    field: &'static str,
    pub draft_schema: SchemaFn,
    pub patch_schema: SchemaFn,
    prefix: &'static str,
}

fn schema<T: JsonSchema>(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    g.subschema_for::<T>()
}

pub const KINDS: [Kind; 6] = [
    Kind {
        path: "trust-boundaries",
        label: "trust boundary",
        add_op: "add_trust_boundary",
        edit_op: "edit_trust_boundary",
        field: "boundary",
        draft_schema: schema::<rampart_model::TrustBoundaryDraft>,
        patch_schema: schema::<rampart_model::TrustBoundaryPatch>,
        prefix: "TB",
    },
    Kind {
        path: "components",
        label: "component",
        add_op: "add_component",
        edit_op: "edit_component",
        field: "component",
        draft_schema: schema::<rampart_model::ComponentDraft>,
        patch_schema: schema::<rampart_model::ComponentPatch>,
        prefix: "CMP",
    },
    Kind {
        path: "assets",
        label: "asset",
        add_op: "add_asset",
        edit_op: "edit_asset",
        field: "asset",
        draft_schema: schema::<rampart_model::AssetDraft>,
        patch_schema: schema::<rampart_model::AssetPatch>,
        prefix: "A",
    },
    Kind {
        path: "attackers",
        label: "attacker",
        add_op: "add_attacker",
        edit_op: "edit_attacker",
        field: "attacker",
        draft_schema: schema::<rampart_model::AttackerDraft>,
        patch_schema: schema::<rampart_model::AttackerPatch>,
        prefix: "T",
    },
    Kind {
        path: "assumptions",
        label: "assumption",
        add_op: "add_assumption",
        edit_op: "edit_assumption",
        field: "assumption",
        draft_schema: schema::<rampart_model::AssumptionDraft>,
        patch_schema: schema::<rampart_model::AssumptionPatch>,
        prefix: "AS",
    },
    Kind {
        path: "controls",
        label: "control",
        add_op: "add_control",
        edit_op: "edit_control",
        field: "control",
        draft_schema: schema::<rampart_model::ControlDraft>,
        patch_schema: schema::<rampart_model::ControlPatch>,
        prefix: "C",
    },
];

/// An entity id of this kind, or a 404 (an id of another kind names nothing here).
fn entity_id(kind: Kind, raw: &str) -> ApiResult<AnyId> {
    let id: AnyId =
        raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{raw} not found")))?;
    let digits = raw.strip_prefix(kind.prefix).unwrap_or_default();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{raw} is not a {}", kind.label)));
    }
    Ok(id)
}

/// Builds the domain edit from JSON so field errors name the body's fields.
fn to_edit(value: Value) -> ApiResult<Edit> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("invalid request body: {e}")))
}

async fn run(
    app: &App,
    who: &Principal,
    model: &str,
    headers: &HeaderMap,
    edit: &Edit,
) -> ApiResult<Json<EditOutcome>> {
    Ok(Json(app.apply_edit(who, model, expected_version(headers)?, edit).await?))
}

pub fn add_route(kind: Kind) -> MethodRouter<App> {
    post(
        move |State(app): State<App>,
              Caller(who): Caller,
              Path(model): Path<String>,
              headers: HeaderMap,
              Body(body): Body<Value>| async move {
            let edit = to_edit(json!({"op": kind.add_op, kind.field: body}))?;
            run(&app, &who, &model, &headers, &edit).await.map(|j| (StatusCode::CREATED, j))
        },
    )
}

pub fn edit_route(kind: Kind) -> MethodRouter<App> {
    patch(
        move |State(app): State<App>,
              Caller(who): Caller,
              Path((model, id)): Path<(String, String)>,
              headers: HeaderMap,
              Body(body): Body<Value>| async move {
            let id = entity_id(kind, &id)?;
            let edit = to_edit(json!({"op": kind.edit_op, "id": id, "patch": body}))?;
            run(&app, &who, &model, &headers, &edit).await
        },
    )
}

pub fn remove_route(kind: Kind) -> MethodRouter<App> {
    delete(
        move |State(app): State<App>,
              Caller(who): Caller,
              Path((model, id)): Path<(String, String)>,
              headers: HeaderMap| async move {
            let edit = Edit::Remove { id: entity_id(kind, &id)? };
            run(&app, &who, &model, &headers, &edit).await
        },
    )
}

pub fn restore_route(kind: Kind) -> MethodRouter<App> {
    post(
        move |State(app): State<App>,
              Caller(who): Caller,
              Path((model, id)): Path<(String, String)>,
              headers: HeaderMap| async move {
            let edit = Edit::Restore { id: entity_id(kind, &id)? };
            run(&app, &who, &model, &headers, &edit).await
        },
    )
}

pub async fn edit(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    headers: HeaderMap,
    Body(edit): Body<Edit>,
) -> ApiResult<(StatusCode, Json<EditOutcome>)> {
    // Every applied edit creates the model's next version.
    Ok((StatusCode::CREATED, run(&app, &who, &model, &headers, &edit).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupRequest {
    /// The group number (from 1), or `null` for defense in depth.
    pub group: Option<u32>,
}

pub async fn set_group(
    State(app): State<App>,
    Caller(who): Caller,
    Path((model, control, co)): Path<(String, String, String)>,
    headers: HeaderMap,
    Body(req): Body<GroupRequest>,
) -> ApiResult<Json<EditOutcome>> {
    let not_found = |raw: &str| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{raw} not found"));
    let control_id = control.parse().map_err(|_| not_found(&control))?;
    let co_id = co.parse().map_err(|_| not_found(&co))?;
    let edit = Edit::SetMitigationGroup { control_id, co_id, group: req.group };
    run(&app, &who, &model, &headers, &edit).await
}

/// A factor edit: new values for some of the subject's factors, and why.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactorRequest {
    /// An asset (`A3`: impact factors) or attacker (`T2`: likelihood factors).
    pub subject: AnyId,
    /// The factors to change, by name.
    pub factors: Value,
    pub change_reason: String,
}

pub async fn factors(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    Body(req): Body<FactorRequest>,
) -> ApiResult<(StatusCode, Json<FactorRevision>)> {
    let bad = |e: serde_json::Error| ApiError::bad_request("invalid_json", format!("factors: {e}"));
    let patch = match req.subject {
        AnyId::Asset(_) => FactorPatch::Impact(serde_json::from_value(req.factors).map_err(bad)?),
        AnyId::Attacker(_) => FactorPatch::Likelihood(serde_json::from_value(req.factors).map_err(bad)?),
        other => {
            return Err(ApiError::bad_request("invalid_field", format!("subject: {other} carries no risk factors")));
        }
    };
    let revision = app.edit_factors(&who, &model, req.subject, patch, &req.change_reason).await?;
    Ok((StatusCode::CREATED, Json(revision)))
}

pub async fn metadata(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    Body(change): Body<MetadataChange>,
) -> ApiResult<StatusCode> {
    app.change_metadata(&who, &model, change).await?;
    Ok(StatusCode::NO_CONTENT)
}
