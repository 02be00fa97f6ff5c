//! The cache key: a content hash of everything that shapes the answer.

use rampart_model::canonical::sha256_of;
use serde_json::json;

use crate::message::ChatRequest;

/// `sha256:<hex>` over the canonical JSON (keys sorted at every depth) of the
/// provider label (which names the model), the messages, the schema, the
/// temperature and the token limit.
pub fn cache_key(provider_label: &str, request: &ChatRequest) -> String {
    sha256_of(&json!({
        "provider": provider_label,
        "messages": request.messages,
        "response_schema": request.response_schema,
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
    }))
}
