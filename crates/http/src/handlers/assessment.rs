//! Posture, reachability, coherence, orphans, factor history, activity.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use rampart_app::{ActivityRecord, App, Assessment, Page};
use rampart_assurance::{CoPosture, PostureStatus, StatusCounts};
use rampart_model::{Control, ControlObjectiveId};
use rampart_risk::{HistoryEntry, RiskTier};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Path, Query};

pub async fn all(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
) -> ApiResult<Json<std::sync::Arc<Assessment>>> {
    Ok(Json(app.assess(&who, &model).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostureQuery {
    pub status: Option<PostureStatus>,
    pub tier: Option<RiskTier>,
    /// The last objective id of the previous page.
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// The summary and one page of objectives, most severe tier first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PosturePage<'a> {
    pub model_version: u32,
    pub summary: StatusCounts,
    // Borrowed from the cached report: serialised without copying.
    pub objectives: Vec<&'a CoPosture>,
    pub next_cursor: Option<String>,
}

const MAX_PAGE: usize = 500;

pub async fn posture(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
    uri: axum::http::Uri,
    Query(q): Query<PostureQuery>,
) -> ApiResult<axum::response::Response> {
    let cursor = match &q.cursor {
        Some(c) => {
            Some(c.parse::<ControlObjectiveId>().map_err(|e| ApiError::bad_request("invalid_query", e.to_string()))?)
        }
        None => None,
    };
    let limit = q.limit.map_or(100, |l| (l as usize).clamp(1, MAX_PAGE));
    let report = app.posture(&who, &model).await?;
    let query = uri.query().unwrap_or_default().to_owned();
    if let Some(bytes) = super::posture_pages::rendered(&report, &query) {
        return Ok(json_bytes(bytes));
    }
    // Page in (tier severity, id) order, the order the report lists them in.
    let matching: Vec<&CoPosture> = report
        .objectives()
        .filter(|p| q.status.is_none_or(|s| p.status == s) && q.tier.is_none_or(|t| p.rating.risk_tier == t))
        .collect();
    let start = match cursor {
        Some(c) => matching.iter().position(|p| p.co_id == c).map_or(matching.len(), |i| i + 1),
        None => 0,
    };
    let page: Vec<&CoPosture> = matching.iter().skip(start).take(limit).copied().collect();
    let next_cursor = (start + page.len() < matching.len()).then(|| page.last().map(|p| p.co_id.to_string())).flatten();
    let page =
        PosturePage { model_version: report.model_version, summary: report.summary, objectives: page, next_cursor };
    let rendered = serde_json::to_vec(&page).map_err(|e| {
        ApiError::from(rampart_app::AppError::Internal { message: format!("rendering the posture page: {e}") })
    })?;
    let bytes = axum::body::Bytes::from(rendered);
    super::posture_pages::keep(&report, query, bytes.clone());
    Ok(json_bytes(bytes))
}

fn json_bytes(bytes: axum::body::Bytes) -> axum::response::Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

pub async fn reachability(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
) -> ApiResult<Json<rampart_reach::ReachabilityReport>> {
    Ok(Json(app.assess(&who, &model).await?.reachability.clone()))
}

pub async fn coherence(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
) -> ApiResult<Json<rampart_reach::CoherenceReport>> {
    Ok(Json(app.assess(&who, &model).await?.coherence.clone()))
}

pub async fn orphans(
    State(app): State<App>,
    Caller(who): Caller,
    Path(model): Path<String>,
) -> ApiResult<Json<Vec<Control>>> {
    let view = app.get_model(&who, &model, None).await?;
    let m = &view.snapshot;
    Ok(Json(m.controls.iter().filter(|c| m.is_orphaned(c)).cloned().collect()))
}

pub async fn factor_history(
    State(app): State<App>,
    Caller(who): Caller,
    Path((model, co)): Path<(String, String)>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    let co_id = co.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{co} not found")))?;
    Ok(Json(app.factor_history(&who, &model, co_id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    pub model_id: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

pub async fn activity(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<ActivityQuery>,
) -> ApiResult<Json<Page<ActivityRecord>>> {
    Ok(Json(app.activity(&who, q.model_id.as_deref(), q.cursor.as_deref(), q.limit.unwrap_or(50)).await?))
}
