//! Chat sessions about a model, and the AI usage summary.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rampart_app::{App, ChatHistory, ChatInput, ChatReply, ChatSession, NewChatSession, UsageQuery, UsageSummary};

use crate::error::ApiResult;
use crate::extract::{Body, Caller, Path, Query};

pub async fn create(
    State(app): State<App>,
    Caller(who): Caller,
    Body(req): Body<NewChatSession>,
) -> ApiResult<(StatusCode, Json<ChatSession>)> {
    Ok((StatusCode::CREATED, Json(app.create_chat(&who, req).await?)))
}

pub async fn history(
    State(app): State<App>,
    Caller(who): Caller,
    Path(session): Path<String>,
) -> ApiResult<Json<ChatHistory>> {
    Ok(Json(app.chat_history(&who, &session).await?))
}

pub async fn post(
    State(app): State<App>,
    Caller(who): Caller,
    Path(session): Path<String>,
    Body(input): Body<ChatInput>,
) -> ApiResult<(StatusCode, Json<ChatReply>)> {
    Ok((StatusCode::CREATED, Json(app.post_chat(&who, &session, input).await?)))
}

pub async fn usage(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<UsageQuery>,
) -> ApiResult<Json<UsageSummary>> {
    Ok(Json(app.usage_summary(&who, &q).await?))
}
