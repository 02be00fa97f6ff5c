//! Request extractors that fail with our error format: the caller's
//! principal, JSON bodies (errors name line, column and field), queries.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use rampart_app::{App, Principal};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The authenticated caller (from `Authorization: Bearer <API key>`).
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(secret) = header.and_then(|h| h.strip_prefix("Bearer ")).map(str::trim) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send `Authorization: Bearer <API key>`",
            ));
        };
        Ok(Caller(app.authenticate(secret).await?))
    }
}

/// The caller when the request carries a key, else nobody (for the one
/// route that also serves people without an account: accepting an invitation).
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Principal>);

impl FromRequestParts<App> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key(axum::http::header::AUTHORIZATION) {
            Ok(MaybeCaller(Some(Caller::from_request_parts(parts, app).await?.0)))
        } else {
            Ok(MaybeCaller(None))
        }
    }
}

/// A JSON body; malformed input is a 400 naming where it went wrong, an
/// oversized one a 413.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large")
            } else {
                ApiError::bad_request("invalid_body", e.body_text())
            }
        })?;
        serde_json::from_slice(&bytes).map(Body).map_err(|e| {
            let mut err = ApiError::bad_request("invalid_json", format!("invalid request body: {e}"));
            err.details = serde_json::json!({"line": e.line(), "column": e.column()});
            err
        })
    }
}

/// Query parameters; a bad one is a 400 naming it.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))
    }
}

/// Path parameters; a malformed one is a 404 (no such resource).
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| ApiError::new(StatusCode::NOT_FOUND, "not_found", e.body_text()))
    }
}

/// The expected model version from `If-Match` (a version number, quoted or
/// not), if sent.
pub fn expected_version(parts: &axum::http::HeaderMap) -> Result<Option<u32>, ApiError> {
    let Some(value) = parts.get(axum::http::header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or_default().trim().trim_start_matches("W/").trim_matches('"');
    text.parse::<u32>()
        .map(Some)
        .map_err(|_| ApiError::bad_request("invalid_header", "If-Match must hold the model version the edit expects"))
}
