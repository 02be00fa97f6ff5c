//! Structured output: schema sent, answers checked, exactly one repair.

use std::sync::Arc;

use rampart_llm::{
    LlmError, Message, Provider, StructuredOptions, Usage, Validate, strict_schema_for, structured,
    structured_validated, structured_with,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use crate::support::{COMPLETION_TOKENS, FakeServer, PROMPT_TOKENS, Reply};

#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
struct Finding {
    title: String,
    severity: u8,
    tags: Vec<String>,
}

impl Validate for Finding {
    fn validate(&self) -> Result<(), String> {
        if self.severity > 5 { Err(format!("severity {} is above 5", self.severity)) } else { Ok(()) }
    }
}

const GOOD: &str = r#"{"title": "Open redirect", "severity": 3, "tags": ["web"]}"#;

fn expected() -> Finding {
    Finding { title: "Open redirect".into(), severity: 3, tags: vec!["web".into()] }
}

fn ask() -> Vec<Message> {
    vec![Message::system("Report one finding as JSON."), Message::user("The login page redirects anywhere.")]
}

fn one_call() -> Usage {
    Usage { prompt_tokens: PROMPT_TOKENS, completion_tokens: COMPLETION_TOKENS }
}

#[tokio::test]
async fn a_good_answer_is_parsed_in_one_call_with_the_strict_schema_sent() {
    let server = FakeServer::start(vec![Reply::answer(GOOD)]).await;
    let options = StructuredOptions { temperature: Some(0.0), max_tokens: Some(500) };

    let answer = structured::<Finding>(&server.provider(), ask(), &options).await.unwrap();

    assert_eq!(answer.value, expected());
    assert_eq!(answer.usage, one_call());
    assert_eq!(answer.attempts, 1);
    assert!(!answer.cached);
    let sent = server.last_request();
    let schema = strict_schema_for::<Finding>();
    assert_eq!(sent.body["response_format"]["json_schema"]["name"], "Finding");
    assert_eq!(sent.body["response_format"]["json_schema"]["schema"], schema.schema);
    assert_eq!(sent.body["response_format"]["json_schema"]["strict"], true);
    assert_eq!(sent.body["temperature"], json!(0.0));
}

#[tokio::test]
async fn a_fenced_answer_from_a_local_model_is_accepted() {
    let server = FakeServer::start(vec![Reply::answer(format!("```json\n{GOOD}\n```"))]).await;

    let answer = structured::<Finding>(&server.provider(), ask(), &StructuredOptions::default()).await.unwrap();

    assert_eq!(answer.value, expected());
    assert_eq!(server.calls(), 1);
}

#[tokio::test]
async fn malformed_json_is_repaired_on_the_second_call() {
    let server = FakeServer::start(vec![Reply::answer("Sure! Here it is: {title: oops"), Reply::answer(GOOD)]).await;

    let answer = structured::<Finding>(&server.provider(), ask(), &StructuredOptions::default()).await.unwrap();

    assert_eq!(answer.value, expected());
    assert_eq!(answer.attempts, 2);
    assert_eq!(answer.usage, one_call() + one_call());
    assert_eq!(server.calls(), 2);
    let repair = server.last_request();
    assert_eq!(repair.messages_len(), 4);
    assert_eq!(repair.body["messages"][2], json!({"role": "assistant", "content": "Sure! Here it is: {title: oops"}));
    assert_eq!(repair.body["messages"][3]["role"], "user");
    assert!(repair.message(3).contains("not valid JSON"), "{}", repair.message(3));
}

#[tokio::test]
async fn malformed_twice_is_malformed_after_exactly_two_calls() {
    let server = FakeServer::always(Reply::answer("no JSON here")).await;

    let error = structured::<Finding>(&server.provider(), ask(), &StructuredOptions::default()).await.unwrap_err();

    assert!(matches!(error, LlmError::Malformed { .. }), "{error:?}");
    assert_eq!(error.http_status(), 502);
    assert_eq!(server.calls(), 2);
}

#[tokio::test]
async fn valid_json_of_the_wrong_shape_gets_a_repair() {
    let wrong = r#"{"title": 5, "severity": "high"}"#;
    let server = FakeServer::start(vec![Reply::answer(wrong), Reply::answer(GOOD)]).await;

    let answer = structured::<Finding>(&server.provider(), ask(), &StructuredOptions::default()).await.unwrap();

    assert_eq!(answer.value, expected());
    assert_eq!(server.calls(), 2);
    assert!(server.last_request().message(3).contains("does not follow the schema"));
}

#[tokio::test]
async fn an_empty_answer_gets_a_repair() {
    let server = FakeServer::start(vec![Reply::answer("  "), Reply::answer(GOOD)]).await;

    let answer = structured::<Finding>(&server.provider(), ask(), &StructuredOptions::default()).await.unwrap();

    assert_eq!(answer.attempts, 2);
}

#[tokio::test]
async fn the_validation_trait_triggers_a_repair_and_then_fails_closed() {
    let too_severe = r#"{"title": "x", "severity": 9, "tags": []}"#;
    let server = FakeServer::start(vec![Reply::answer(too_severe), Reply::answer(GOOD)]).await;

    let answer =
        structured_validated::<Finding>(&server.provider(), ask(), &StructuredOptions::default()).await.unwrap();

    assert_eq!(answer.value, expected());
    assert!(server.last_request().message(3).contains("severity 9 is above 5"));

    let stubborn = FakeServer::always(Reply::answer(too_severe)).await;
    let error =
        structured_validated::<Finding>(&stubborn.provider(), ask(), &StructuredOptions::default()).await.unwrap_err();
    assert!(error.to_string().contains("severity 9 is above 5"), "{error}");
    assert_eq!(stubborn.calls(), 2);
}

#[tokio::test]
async fn a_closure_can_be_the_check() {
    let server = FakeServer::always(Reply::answer(GOOD)).await;
    let no_web = |finding: &Finding| {
        if finding.tags.iter().any(|t| t == "web") { Err("web findings go elsewhere".to_owned()) } else { Ok(()) }
    };

    let error = structured_with(&server.provider(), ask(), &StructuredOptions::default(), no_web).await.unwrap_err();

    assert!(matches!(error, LlmError::Malformed { .. }));
    assert_eq!(server.calls(), 2);
}

#[tokio::test]
async fn a_provider_error_is_returned_without_a_repair_turn() {
    let server = FakeServer::always(Reply::status(503)).await;

    let error = structured::<Finding>(&server.provider(), ask(), &StructuredOptions::default()).await.unwrap_err();

    assert!(matches!(error, LlmError::Unavailable { .. }));
    assert_eq!(server.calls(), 3, "one request with its retries, no second request");
}

#[tokio::test]
async fn the_future_can_run_on_another_task() {
    let server = FakeServer::start(vec![Reply::answer(GOOD)]).await;
    let provider: Arc<dyn Provider> = Arc::new(server.provider());

    let task =
        tokio::spawn(async move { structured::<Finding>(&*provider, ask(), &StructuredOptions::default()).await });

    assert_eq!(task.await.unwrap().unwrap().value, expected());
}
