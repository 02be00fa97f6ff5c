//! The response cache: hits make no call, anything that shapes the answer
//! misses, and entries expire by the injected clock.

use std::sync::Arc;
use std::time::Duration;

use rampart_llm::{
    CachingProvider, ChatRequest, ManualClock, Message, OpenAiCompatible, Provider, ResponseCache, StructuredOptions,
    Usage, structured,
};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::support::{FakeServer, Reply};

fn request(temperature: Option<f32>) -> ChatRequest {
    ChatRequest { temperature, ..ChatRequest::new(vec![Message::user("What is 2 + 2?")]) }
}

fn cached_provider(server: &FakeServer, clock: Arc<ManualClock>) -> CachingProvider<OpenAiCompatible> {
    CachingProvider::new(server.provider(), ResponseCache::with_clock(16, Duration::from_secs(60), clock))
}

#[tokio::test]
async fn an_identical_request_is_served_from_the_cache_without_a_call() {
    let server = FakeServer::always(Reply::answer("4")).await;
    let provider = cached_provider(&server, Arc::new(ManualClock::new()));

    let first = provider.complete(request(Some(0.0))).await.unwrap();
    let second = provider.complete(request(Some(0.0))).await.unwrap();

    assert_eq!(server.calls(), 1);
    assert!(!first.cached);
    assert!(second.cached);
    assert_eq!(second.content, "4");
    assert_eq!(second.usage, Usage::default());
    assert_eq!(provider.label(), "openai-compatible/test-model");
}

#[tokio::test]
async fn a_different_temperature_misses() {
    let server = FakeServer::always(Reply::answer("4")).await;
    let provider = cached_provider(&server, Arc::new(ManualClock::new()));

    provider.complete(request(Some(0.0))).await.unwrap();
    let other = provider.complete(request(Some(0.7))).await.unwrap();

    assert!(!other.cached);
    assert_eq!(server.calls(), 2);
}

#[tokio::test]
async fn entries_expire_after_the_time_to_live() {
    let server = FakeServer::always(Reply::answer("4")).await;
    let clock = Arc::new(ManualClock::new());
    let provider = cached_provider(&server, clock.clone());

    provider.complete(request(None)).await.unwrap();
    clock.advance(Duration::from_secs(59));
    assert!(provider.complete(request(None)).await.unwrap().cached);
    clock.advance(Duration::from_secs(1));
    assert!(!provider.complete(request(None)).await.unwrap().cached);
    assert_eq!(server.calls(), 2);
}

#[tokio::test]
async fn errors_are_not_cached() {
    let server = FakeServer::start(vec![Reply::status(400), Reply::answer("4")]).await;
    let provider = cached_provider(&server, Arc::new(ManualClock::new()));

    assert!(provider.complete(request(None)).await.is_err());
    assert_eq!(provider.complete(request(None)).await.unwrap().content, "4");
    assert!(provider.complete(request(None)).await.unwrap().cached);
    assert_eq!(server.calls(), 2);
}

#[tokio::test]
async fn a_full_cache_evicts_the_oldest_entry() {
    let server = FakeServer::always(Reply::answer("4")).await;
    let clock = Arc::new(ManualClock::new());
    let provider =
        CachingProvider::new(server.provider(), ResponseCache::with_clock(1, Duration::from_secs(60), clock.clone()));

    provider.complete(request(Some(0.1))).await.unwrap();
    clock.advance(Duration::from_secs(1));
    provider.complete(request(Some(0.2))).await.unwrap();
    provider.complete(request(Some(0.1))).await.unwrap();

    assert_eq!(server.calls(), 3);
    assert_eq!(provider.cache().len(), 1);
}

#[derive(Debug, Deserialize, JsonSchema)]
struct Sum {
    value: i64,
}

#[tokio::test]
async fn structured_calls_through_the_cache_report_cached_with_zero_usage() {
    let server = FakeServer::always(Reply::answer(r#"{"value": 4}"#)).await;
    let provider = cached_provider(&server, Arc::new(ManualClock::new()));
    let ask = || vec![Message::user("2 + 2 as JSON")];

    let first = structured::<Sum>(&provider, ask(), &StructuredOptions::default()).await.unwrap();
    let second = structured::<Sum>(&provider, ask(), &StructuredOptions::default()).await.unwrap();

    assert!(!first.cached);
    assert!(second.cached);
    assert_eq!(second.value.value, 4);
    assert_eq!(second.usage, Usage::default());
    assert_eq!(server.calls(), 1);
}

#[test]
fn the_key_depends_on_every_input_that_shapes_the_answer() {
    let base = request(Some(0.0));
    let key = rampart_llm::cache_key("p/m", &base);
    assert_eq!(key, rampart_llm::cache_key("p/m", &base.clone()));
    assert!(key.starts_with("sha256:"));
    assert_ne!(key, rampart_llm::cache_key("p/other-model", &base));
    assert_ne!(key, rampart_llm::cache_key("p/m", &ChatRequest { max_tokens: Some(5), ..base.clone() }));
    let other_messages = ChatRequest { messages: vec![Message::user("What is 2 + 3?")], ..base.clone() };
    assert_ne!(key, rampart_llm::cache_key("p/m", &other_messages));
}
