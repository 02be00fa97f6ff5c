//! Configuration of the OpenAI-compatible provider. The key is a secret: the
//! `Debug` output redacts it so it never reaches a log line.

use std::fmt;
use std::time::Duration;

/// Which request field carries the token limit. OpenAI's current models take
/// `max_completion_tokens` and reject `max_tokens`; some local servers only
/// understand the older `max_tokens`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenLimitField {
    #[default]
    MaxCompletionTokens,
    MaxTokens,
}

/// Where and how to reach an OpenAI-compatible chat-completions endpoint
/// (OpenAI, Azure's compatible endpoint, Ollama, vLLM, llama.cpp).
#[derive(Clone)]
pub struct OpenAiConfig {
    /// The API base including the version segment, e.g.
    /// `https://api.openai.com/v1` or `http://localhost:11434/v1`; requests
    /// go to `{base_url}/chat/completions`.
    pub base_url: String,
    /// Bearer key; `None` for local servers that need none.
    pub api_key: Option<String>,
    pub model: String,
    /// Limit for one HTTP attempt, from connecting to the last body byte.
    pub timeout: Duration,
    /// Further attempts after the first, on 429, 5xx and connection errors.
    pub max_retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    pub token_limit_field: TokenLimitField,
}

impl OpenAiConfig {
    /// Defaults suited to a hosted API: 60 s per attempt, 2 retries from 500 ms.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        OpenAiConfig {
            base_url: base_url.into(),
            api_key: None,
            model: model.into(),
            timeout: Duration::from_secs(60),
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            token_limit_field: TokenLimitField::default(),
        }
    }

    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }
}

impl fmt::Debug for OpenAiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("initial_backoff", &self.initial_backoff)
            .field("token_limit_field", &self.token_limit_field)
            .finish()
    }
}
