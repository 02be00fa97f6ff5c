//! The OpenAI-compatible provider: chat completions over async-openai, with
//! JSON-schema output when asked, per-attempt timeouts and bounded retries
//! (see [`transport`] for why the retries are ours, not async-openai's).

mod config;
mod transport;
mod wire;

use std::fmt;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_trait::async_trait;

pub use config::{OpenAiConfig, TokenLimitField};
pub use transport::MAX_BACKOFF;

use crate::error::LlmError;
use crate::message::{ChatRequest, ChatResponse};
use crate::provider::Provider;
use transport::{RetryPolicy, RetryingTransport};

/// How long establishing a connection may take, at most (within `timeout`).
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A provider speaking the OpenAI chat-completions protocol.
pub struct OpenAiCompatible {
    client: Client<OpenAIConfig>,
    model: String,
    token_limit_field: TokenLimitField,
    /// Kept only to scrub it from error reasons a server might echo.
    api_key: Option<String>,
}

impl OpenAiCompatible {
    /// Builds the HTTP client; makes no request.
    pub fn new(config: OpenAiConfig) -> Result<Self, LlmError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        reqwest::Url::parse(&base_url)
            .map_err(|e| LlmError::unavailable(format!("the base URL `{base_url}` is not a URL: {e}")))?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| LlmError::unavailable(format!("the HTTP client could not be built: {e}")))?;
        // Every field set explicitly: OpenAIConfig::new() reads OPENAI_* variables.
        let openai_config = OpenAIConfig::new()
            .with_api_base(base_url)
            .with_api_key(config.api_key.clone().unwrap_or_default())
            .with_org_id("")
            .with_project_id("");
        let policy = RetryPolicy {
            max_retries: config.max_retries,
            initial_backoff: config.initial_backoff,
            timeout: config.timeout,
        };
        let client = Client::build(http.clone(), openai_config).with_http_service(RetryingTransport::new(http, policy));
        Ok(OpenAiCompatible {
            client,
            model: config.model,
            token_limit_field: config.token_limit_field,
            api_key: config.api_key.filter(|key| !key.is_empty()),
        })
    }

    fn to_llm_error(&self, error: OpenAIError) -> LlmError {
        let error = match error {
            OpenAIError::Boxed(boxed) => match boxed.downcast::<LlmError>() {
                Ok(ours) => *ours,
                Err(other) => LlmError::unavailable(other.to_string()),
            },
            OpenAIError::ApiError(api) if api.status_code.as_u16() == 429 || api.status_code.is_server_error() => {
                LlmError::unavailable(api.to_string())
            }
            OpenAIError::ApiError(api) => {
                LlmError::Rejected { status: api.status_code.as_u16(), reason: api.api_error.message }
            }
            OpenAIError::JSONDeserialize(e, _) => {
                LlmError::malformed(format!("the response is not a chat completion: {e}"))
            }
            OpenAIError::InvalidArgument(reason) => LlmError::Rejected { status: 400, reason },
            // Reading the body of a successful response failed (a timeout mid-body, a reset).
            OpenAIError::Reqwest(error) => LlmError::unavailable(format!(
                "the response could not be read: {}",
                transport::describe_reqwest_error(error)
            )),
            other => LlmError::unavailable(other.to_string()),
        };
        self.scrub(error)
    }

    /// Removes the key from a reason, should a server echo it back.
    fn scrub(&self, error: LlmError) -> LlmError {
        let Some(key) = &self.api_key else { return error };
        let clean = |reason: String| reason.replace(key.as_str(), "<redacted>");
        match error {
            LlmError::Unavailable { reason } => LlmError::Unavailable { reason: clean(reason) },
            LlmError::Malformed { reason } => LlmError::Malformed { reason: clean(reason) },
            LlmError::Rejected { status, reason } => LlmError::Rejected { status, reason: clean(reason) },
            limit @ LlmError::LimitReached { .. } => limit,
        }
    }
}

impl fmt::Debug for OpenAiCompatible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiCompatible")
            .field("model", &self.model)
            .field("token_limit_field", &self.token_limit_field)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Provider for OpenAiCompatible {
    async fn complete(&self, request: ChatRequest) -> Result<ChatResponse, LlmError> {
        let wire_request = wire::to_wire(&self.model, self.token_limit_field, request);
        let response = self.client.chat().create(wire_request).await.map_err(|e| self.to_llm_error(e))?;
        wire::from_wire(response).map_err(|e| self.scrub(e))
    }

    fn label(&self) -> String {
        format!("openai-compatible/{}", self.model)
    }
}
