//! The one error type every provider and helper returns. Each variant maps to
//! the HTTP status a surface answers with, so an LLM problem never becomes a
//! 500 and never passes silently.

/// Why an LLM call did not produce a usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    /// The provider could not be reached or kept failing: connection refused,
    /// timeout, 5xx or 429 after the bounded retries.
    #[error("the language model is unavailable: {reason}")]
    Unavailable { reason: String },
    /// The provider answered, but the answer could not be used (not JSON, or
    /// not the requested shape), even after the one repair attempt.
    #[error("the language model gave an unusable answer: {reason}")]
    Malformed { reason: String },
    /// The provider refused the request itself (a 4xx other than 429: a bad
    /// key, an unknown model, a request it considers invalid).
    #[error("the language model provider rejected the request ({status}): {reason}")]
    Rejected { status: u16, reason: String },
    /// The caller's own budget of requests is spent; nothing was sent.
    #[error("{reason}")]
    LimitReached { reason: String, retry_after_secs: u64 },
}

impl LlmError {
    /// The status a surface answers with: an outage is the caller's to retry
    /// later (503); anything the provider got wrong is a bad gateway (502).
    pub fn http_status(&self) -> u16 {
        match self {
            LlmError::Unavailable { .. } => 503,
            LlmError::Malformed { .. } | LlmError::Rejected { .. } => 502,
            LlmError::LimitReached { .. } => 429,
        }
    }

    /// A stable machine-readable code for error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            LlmError::Unavailable { .. } => "llm_unavailable",
            LlmError::Malformed { .. } => "llm_malformed",
            LlmError::Rejected { .. } => "llm_rejected",
            LlmError::LimitReached { .. } => "rate_limited",
        }
    }

    pub(crate) fn unavailable(reason: impl Into<String>) -> Self {
        LlmError::Unavailable { reason: reason.into() }
    }

    pub(crate) fn malformed(reason: impl Into<String>) -> Self {
        LlmError::Malformed { reason: reason.into() }
    }
}
