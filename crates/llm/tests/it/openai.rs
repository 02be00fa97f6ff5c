//! The OpenAI-compatible provider: request shape, error mapping, retries,
//! timeouts, and that the key never leaks.

use std::sync::Arc;
use std::time::Duration;

use rampart_llm::{
    ChatRequest, LlmError, Message, OpenAiCompatible, OpenAiConfig, Provider, ResponseSchema, TokenLimitField, Usage,
};
use serde_json::json;

use crate::support::{COMPLETION_TOKENS, FakeServer, PROMPT_TOKENS, Reply, TEST_KEY, dead_base_url, fast_config};

fn conversation() -> Vec<Message> {
    vec![Message::system("You are terse."), Message::user("Say hi.")]
}

/// A bound on how long a call may take before the test counts it as hung:
/// far above what the behaviour under test needs, far below what its
/// absence would take.
const HANG_GUARD: Duration = Duration::from_secs(8);

#[tokio::test]
async fn sends_model_messages_schema_and_sampling_settings() {
    let server = FakeServer::start(vec![Reply::answer("hi")]).await;
    let schema = json!({"type": "object", "properties": {"greeting": {"type": "string"}}, "required": ["greeting"], "additionalProperties": false});
    let request = ChatRequest {
        messages: conversation(),
        response_schema: Some(ResponseSchema { name: "Greeting".into(), schema: schema.clone() }),
        temperature: Some(0.25),
        max_tokens: Some(300),
    };

    let response = server.provider().complete(request).await.unwrap();

    assert_eq!(response.content, "hi");
    assert_eq!(response.model, "test-model");
    assert_eq!(response.usage, Usage { prompt_tokens: PROMPT_TOKENS, completion_tokens: COMPLETION_TOKENS });
    assert!(!response.cached);
    let sent = server.last_request();
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.authorization.as_deref(), Some(format!("Bearer {TEST_KEY}").as_str()));
    assert_eq!(sent.body["model"], "test-model");
    assert_eq!(
        sent.body["messages"],
        json!([
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Say hi."}
        ])
    );
    assert_eq!(
        sent.body["response_format"],
        json!({
            "type": "json_schema",
            "json_schema": {"name": "Greeting", "schema": schema, "strict": true}
        })
    );
    assert_eq!(sent.body["temperature"], json!(0.25));
    assert_eq!(sent.body["max_completion_tokens"], 300);
    assert!(sent.body.get("max_tokens").is_none());
}

#[tokio::test]
async fn plain_requests_carry_no_response_format_and_the_legacy_limit_field_on_request() {
    let server = FakeServer::start(vec![Reply::answer("hi")]).await;
    let mut config = server.config();
    config.token_limit_field = TokenLimitField::MaxTokens;
    let provider = OpenAiCompatible::new(config).unwrap();

    let request = ChatRequest { max_tokens: Some(64), ..ChatRequest::new(conversation()) };
    provider.complete(request).await.unwrap();

    let sent = server.last_request();
    assert!(sent.body.get("response_format").is_none());
    assert!(sent.body.get("temperature").is_none());
    assert_eq!(sent.body["max_tokens"], 64);
    assert!(sent.body.get("max_completion_tokens").is_none());
}

#[tokio::test]
async fn a_trailing_slash_on_the_base_url_is_harmless() {
    let server = FakeServer::start(vec![Reply::answer("hi")]).await;
    let provider = OpenAiCompatible::new(fast_config(&format!("{}/", server.base_url))).unwrap();
    provider.complete(ChatRequest::new(conversation())).await.unwrap();
    assert_eq!(server.last_request().path, "/v1/chat/completions");
}

#[tokio::test]
async fn connection_refused_is_unavailable() {
    let provider = OpenAiCompatible::new(fast_config(&dead_base_url())).unwrap();

    let error = provider.complete(ChatRequest::new(conversation())).await.unwrap_err();

    assert!(matches!(error, LlmError::Unavailable { .. }), "{error:?}");
    assert_eq!(error.http_status(), 503);
    assert!(error.to_string().contains("could not connect after 3 attempt(s)"), "{error}");
}

#[tokio::test]
async fn a_persistent_server_error_is_unavailable_after_every_retry() {
    let server = FakeServer::always(Reply::status(500)).await;

    let error = server.provider().complete(ChatRequest::new(conversation())).await.unwrap_err();

    assert!(matches!(error, LlmError::Unavailable { .. }), "{error:?}");
    assert_eq!(error.http_status(), 503);
    assert_eq!(server.calls(), 3, "max_retries (2) + 1 attempts");
    assert!(error.to_string().contains("scripted 500"), "{error}");
}

#[tokio::test]
async fn rate_limited_then_answered_succeeds_after_backing_off() {
    let server = FakeServer::start(vec![Reply::status(429), Reply::answer("hi")]).await;

    let response = server.provider().complete(ChatRequest::new(conversation())).await.unwrap();

    assert_eq!(response.content, "hi");
    assert_eq!(server.calls(), 2, "answered by the retry");
}

#[tokio::test]
async fn a_short_retry_after_is_honoured() {
    let limited = Reply::Status { status: 429, body: "slow down".into(), retry_after: Some(0) };
    let server = FakeServer::start(vec![limited, Reply::answer("hi")]).await;

    let response = server.provider().complete(ChatRequest::new(conversation())).await.unwrap();

    assert_eq!(response.content, "hi");
    assert_eq!(server.calls(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_ceiling_reports_the_outage_at_once() {
    let limited = Reply::Status { status: 429, body: "come back in two minutes".into(), retry_after: Some(120) };
    let server = FakeServer::always(limited).await;

    // Waiting 120 s would outlast this guard: the outage is reported at once.
    let error = tokio::time::timeout(HANG_GUARD, server.provider().complete(ChatRequest::new(conversation())))
        .await
        .expect("no wait for a Retry-After beyond the ceiling")
        .unwrap_err();

    assert!(matches!(error, LlmError::Unavailable { .. }), "{error:?}");
    assert_eq!(server.calls(), 1);
    assert!(error.to_string().contains("retry after 120 s"), "{error}");
}

#[tokio::test]
async fn a_slow_server_times_out_quickly_without_retrying() {
    let server = FakeServer::always(Reply::slow(Duration::from_secs(10), Reply::answer("too late"))).await;
    let mut config = server.config();
    config.timeout = Duration::from_millis(300);
    let provider = OpenAiCompatible::new(config).unwrap();

    // The server answers after 10 s, beyond this guard: the 300 ms timeout ended it.
    let error = tokio::time::timeout(HANG_GUARD, provider.complete(ChatRequest::new(conversation())))
        .await
        .expect("the request timed out instead of waiting for the slow server")
        .unwrap_err();

    assert!(matches!(error, LlmError::Unavailable { .. }), "{error:?}");
    assert_eq!(error.http_status(), 503);
    assert_eq!(server.calls(), 1);
}

#[tokio::test]
async fn a_bad_key_is_rejected_without_retrying() {
    let server = FakeServer::always(Reply::status(401)).await;

    let error = server.provider().complete(ChatRequest::new(conversation())).await.unwrap_err();

    assert_eq!(error, LlmError::Rejected { status: 401, reason: "scripted 401".into() });
    assert_eq!(error.http_status(), 502);
    assert_eq!(server.calls(), 1);
}

#[tokio::test]
async fn an_error_body_that_is_not_json_is_still_a_rejection() {
    let server =
        FakeServer::always(Reply::Status { status: 404, body: "model not found".into(), retry_after: None }).await;

    let error = server.provider().complete(ChatRequest::new(conversation())).await.unwrap_err();

    assert_eq!(error, LlmError::Rejected { status: 404, reason: "model not found".into() });
}

#[tokio::test]
async fn a_success_body_that_is_not_a_completion_is_malformed() {
    let server = FakeServer::always(Reply::RawOk("<html>proxy login</html>".into())).await;

    let error = server.provider().complete(ChatRequest::new(conversation())).await.unwrap_err();

    assert!(matches!(error, LlmError::Malformed { .. }), "{error:?}");
    assert_eq!(error.http_status(), 502);
}

#[tokio::test]
async fn the_key_is_redacted_from_debug_output_and_error_reasons() {
    let echo = Reply::Status { status: 401, body: format!("bad key {TEST_KEY}"), retry_after: None };
    let server = FakeServer::always(echo).await;
    let config = server.config();
    let provider = OpenAiCompatible::new(config.clone()).unwrap();

    assert!(!format!("{config:?}").contains(TEST_KEY));
    assert!(format!("{config:?}").contains("<redacted>"));
    assert!(!format!("{provider:?}").contains(TEST_KEY));
    let error = provider.complete(ChatRequest::new(conversation())).await.unwrap_err();
    assert!(!format!("{error:?}").contains(TEST_KEY), "{error:?}");
    assert!(error.to_string().contains("<redacted>"));
}

#[tokio::test]
async fn works_as_a_shared_trait_object_with_a_readable_label() {
    let server = FakeServer::start(vec![Reply::answer("hi")]).await;
    let provider: Arc<dyn Provider> = Arc::new(server.provider());

    assert_eq!(provider.label(), "openai-compatible/test-model");
    let task = tokio::spawn({
        let provider = provider.clone();
        async move { provider.complete(ChatRequest::new(conversation())).await }
    });
    assert_eq!(task.await.unwrap().unwrap().content, "hi");
}

#[test]
fn an_invalid_base_url_is_refused_up_front() {
    let error = OpenAiCompatible::new(OpenAiConfig::new("not a url", "m")).unwrap_err();
    assert!(matches!(error, LlmError::Unavailable { .. }));
}

#[test]
fn error_statuses_and_codes() {
    assert_eq!(LlmError::Unavailable { reason: "x".into() }.http_status(), 503);
    assert_eq!(LlmError::Malformed { reason: "x".into() }.http_status(), 502);
    assert_eq!(LlmError::Rejected { status: 403, reason: "x".into() }.http_status(), 502);
    assert_eq!(LlmError::Malformed { reason: "x".into() }.code(), "llm_malformed");
}
