//! The one way to the LLM. Every use (generation, identity judgements during
//! edits, sufficiency judgements, and any later one) asks [`App::ai_for`] for a
//! provider bound to the user it works for. That provider refuses a call once
//! the user's requests for the UTC day reach the limit (429 with the seconds
//! until midnight) and records every call that reached the model, with its
//! tokens, against the user and workspace. Answers served from the response
//! cache are free: they are neither counted nor recorded. Concurrent calls
//! check the count before any of them is recorded, so a burst can overshoot
//! the limit by at most the calls in flight.
//!
//! The raw provider is reachable only from here (`Generator::unmetered_provider`,
//! checked by a test), so no path reaches the LLM uncounted.

use std::sync::Arc;

use async_trait::async_trait;
use rampart_llm::{ChatRequest, ChatResponse, LlmError, Provider};

use crate::{App, Principal};

/// A provider that counts against one user's daily limit.
pub(crate) struct MeteredProvider {
    inner: Arc<dyn Provider>,
    app: App,
    workspace_id: String,
    user_id: String,
}

impl std::fmt::Debug for MeteredProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeteredProvider").field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

#[async_trait]
impl Provider for MeteredProvider {
    async fn complete(&self, request: ChatRequest) -> Result<ChatResponse, LlmError> {
        let unavailable = |e: crate::AppError| LlmError::Unavailable { reason: format!("usage accounting: {e}") };
        let used = self.app.ai_requests_today(&self.user_id).await.map_err(unavailable)?;
        if used >= i64::from(self.app.daily_ai_limit) {
            let e = self.app.limit_reached();
            return Err(LlmError::LimitReached {
                reason: e.to_string(),
                retry_after_secs: crate::usage::until_midnight(),
            });
        }
        let answer = self.inner.complete(request).await;
        let spent = match &answer {
            Ok(response) if response.cached => None,
            Ok(response) => Some(response.usage),
            // The provider answered with a refusal: it counts (with no
            // tokens), so refused calls cannot be repeated for free. An
            // outage served nothing and costs nothing.
            Err(LlmError::Rejected { .. }) => Some(rampart_llm::Usage::default()),
            Err(_) => None,
        };
        if let Some(usage) = spent {
            self.app.record_ai_usage(&self.workspace_id, &self.user_id, 1, &usage).await.map_err(unavailable)?;
        }
        answer
    }

    fn label(&self) -> String {
        self.inner.label()
    }
}

impl App {
    /// The LLM, metered for `who`; `None` when none is configured (offline).
    pub(crate) fn ai_for(&self, who: &Principal) -> Option<Arc<dyn Provider>> {
        self.ai_for_user(&who.workspace_id, &who.user_id)
    }

    /// The LLM, metered for a user in a workspace (for work done on their
    /// behalf outside a request, such as a generation job).
    pub(crate) fn ai_for_user(&self, workspace_id: &str, user_id: &str) -> Option<Arc<dyn Provider>> {
        let inner = self.generator.unmetered_provider()?;
        Some(Arc::new(MeteredProvider {
            inner,
            app: self.clone(),
            workspace_id: workspace_id.to_owned(),
            user_id: user_id.to_owned(),
        }))
    }
}
