//! Application errors: what went wrong, in terms a client can act on. Each
//! maps to one HTTP status; a 500 is a bug.
//!
//! Which error where:
//! - Use cases return [`AppError`], always. Domain errors (`EditError`,
//!   `TextError`, `LimitExceeded`), store errors and LLM failures convert into
//!   it at the boundary (`From` impls below, [`AppError::from_llm`]), so a
//!   surface never sees a lower layer's type.
//! - The caller's fault is `Invalid` (422, naming the field) or `Conflict`
//!   (409: a name taken, a version moved, a state that forbids the action);
//!   an id the caller may not see is `NotFound`, exactly like a missing one;
//!   a role too weak is `Forbidden`; a missing or revoked key `Unauthorized`.
//! - Someone else's fault is `Unavailable` (503: the database or the LLM is
//!   down; retry later), `Upstream` (502: the LLM answered nonsense) or
//!   `RateLimited` (429 with the seconds to wait).
//! - `Internal` is a bug. Its message is for the log; the client gets the code.
//! - Messages are for people and name what is wrong; `code` is for programs
//!   and never changes once published.

use rampart_model::EditError;
use rampart_store::StoreError;
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    Unauthorized { message: String },
    #[error("{message}")]
    Forbidden { message: String },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String, details: Value },
    #[error("{message}")]
    Invalid { code: &'static str, message: String, details: Value },
    #[error("{message}")]
    Unavailable { message: String },
    /// Too many requests; try again after `retry_after_secs`.
    #[error("{message}")]
    RateLimited { message: String, retry_after_secs: u64 },
    /// An upstream service (the LLM) answered with something unusable.
    #[error("{message}")]
    Upstream { code: &'static str, message: String },
    #[error("internal error: {message}")]
    Internal { message: String },
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::NotFound { what: what.into() }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid { code, message: message.into(), details: Value::Null }
    }

    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError::Forbidden { message: message.into() }
    }

    /// An LLM failure, in the words of what was asking (`who`: "the LLM",
    /// "the identity judge"): an outage is a 503, a spent daily limit a 429,
    /// an unusable answer or a refusal a 502.
    pub(crate) fn from_llm(who: &str, e: rampart_llm::LlmError) -> AppError {
        use rampart_llm::LlmError;
        match e {
            LlmError::Unavailable { reason } => {
                AppError::Unavailable { message: format!("{who} is unavailable: {reason}") }
            }
            LlmError::LimitReached { reason, retry_after_secs } => {
                AppError::RateLimited { message: reason, retry_after_secs }
            }
            other => {
                AppError::Upstream { code: other.code(), message: format!("{who}'s answer was unusable: {other}") }
            }
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized { .. } => 401,
            AppError::Forbidden { .. } => 403,
            AppError::NotFound { .. } => 404,
            AppError::Conflict { .. } => 409,
            AppError::Invalid { .. } => 422,
            AppError::Unavailable { .. } => 503,
            AppError::Upstream { .. } => 502,
            AppError::RateLimited { .. } => 429,
            AppError::Internal { .. } => 500,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized { .. } => "unauthorized",
            AppError::Forbidden { .. } => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::Conflict { code, .. } | AppError::Invalid { code, .. } | AppError::Upstream { code, .. } => code,
            AppError::Unavailable { .. } => "unavailable",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Internal { .. } => "internal",
        }
    }

    pub fn details(&self) -> Value {
        match self {
            AppError::Conflict { details, .. } | AppError::Invalid { details, .. } => details.clone(),
            AppError::NotFound { what } => serde_json::json!({ "resource": what }),
            AppError::RateLimited { retry_after_secs, .. } => {
                serde_json::json!({ "retry_after_secs": retry_after_secs })
            }
            _ => Value::Null,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::not_found(what),
            StoreError::Conflict(message) => AppError::Conflict { code: "conflict", message, details: Value::Null },
            StoreError::VersionConflict { current, .. } => AppError::Conflict {
                code: "version_conflict",
                message: e.to_string(),
                details: serde_json::json!({ "current_version": current }),
            },
            StoreError::StateChanged => AppError::Conflict {
                code: "state_changed",
                message: "the model kept changing while this change was retried; try again".into(),
                details: Value::Null,
            },
            StoreError::Invalid(message) => AppError::invalid("invalid", message),
            StoreError::Unavailable(message) => AppError::Unavailable { message },
            other => AppError::Internal { message: other.to_string() },
        }
    }
}

impl From<rampart_model::TextError> for AppError {
    fn from(e: rampart_model::TextError) -> Self {
        let details = serde_json::json!({ "field": e.field });
        AppError::Invalid { code: "invalid_field", message: e.to_string(), details }
    }
}

impl From<rampart_model::LimitExceeded> for AppError {
    fn from(e: rampart_model::LimitExceeded) -> Self {
        let details = serde_json::json!({ "limit": e.limit, "max": e.max, "actual": e.actual });
        AppError::Invalid { code: "limit_exceeded", message: e.to_string(), details }
    }
}

impl From<EditError> for AppError {
    fn from(e: EditError) -> Self {
        let code = e.code();
        let message = e.to_string();
        match &e {
            EditError::UnknownId { id } => {
                AppError::Invalid { code, message, details: serde_json::json!({ "id": id }) }
            }
            EditError::DuplicateName { .. }
            | EditError::IdentityChange { .. }
            | EditError::PossibleReanimation { .. }
            | EditError::LastLive { .. }
            | EditError::AlreadyRemoved { .. }
            | EditError::NotRemoved { .. } => AppError::Conflict { code, message, details: Value::Null },
            EditError::Judge(rampart_model::JudgeError::Unavailable(_)) => AppError::Unavailable { message },
            _ => AppError::Invalid { code, message, details: Value::Null },
        }
    }
}
