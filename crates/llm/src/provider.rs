//! The provider trait: the one seam between Rampart and any language model.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::LlmError;
use crate::message::{ChatRequest, ChatResponse};

/// Something that completes a conversation. Object-safe, so the application
/// holds an `Arc<dyn Provider>` chosen at start-up.
#[async_trait]
pub trait Provider: Send + Sync {
    async fn complete(&self, request: ChatRequest) -> Result<ChatResponse, LlmError>;

    /// Names the provider and model for logs, reviewers and cache keys, e.g.
    /// `openai-compatible/gpt-4o-mini`. Never contains a secret.
    fn label(&self) -> String;
}

#[async_trait]
impl<P: Provider + ?Sized> Provider for Arc<P> {
    async fn complete(&self, request: ChatRequest) -> Result<ChatResponse, LlmError> {
        (**self).complete(request).await
    }

    fn label(&self) -> String {
        (**self).label()
    }
}
