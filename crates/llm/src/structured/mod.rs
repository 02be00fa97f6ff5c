//! Structured output: ask for JSON following a schema generated from a Rust
//! type, check what comes back, and give the model exactly one chance to
//! repair a bad answer before failing closed with [`LlmError::Malformed`].

mod parse;
mod schema;

pub use parse::strip_code_fence;
pub use schema::{make_strict, strict_schema_for};

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::LlmError;
use crate::message::{ChatRequest, ChatResponse, Message, ResponseSchema};
use crate::prompt;
use crate::provider::Provider;
use crate::usage::Usage;
use parse::interpret;

/// The longest bad answer echoed back in the repair turn.
const MAX_ECHOED_ANSWER_CHARS: usize = 16_000;

/// Sampling settings for a structured call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StructuredOptions {
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
}

/// A checked answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Structured<T> {
    pub value: T,
    /// Summed over both attempts when a repair was needed.
    pub usage: Usage,
    /// Every response used came from a cache: no provider call was made.
    pub cached: bool,
    /// 1, or 2 when the repair turn was needed.
    pub attempts: u32,
}

/// A domain check beyond the schema (e.g. ids that must refer to each other).
pub trait Validate {
    fn validate(&self) -> Result<(), String>;
}

/// Asks for a `T`; the schema is the only check.
pub async fn structured<T>(
    provider: &dyn Provider,
    messages: Vec<Message>,
    options: &StructuredOptions,
) -> Result<Structured<T>, LlmError>
where
    T: DeserializeOwned + JsonSchema + Send,
{
    structured_with(provider, messages, options, |_: &T| Ok(())).await
}

/// Asks for a `T` and runs its [`Validate`] check.
pub async fn structured_validated<T>(
    provider: &dyn Provider,
    messages: Vec<Message>,
    options: &StructuredOptions,
) -> Result<Structured<T>, LlmError>
where
    T: DeserializeOwned + JsonSchema + Validate + Send,
{
    structured_with(provider, messages, options, T::validate).await
}

/// Asks for a `T` and runs `check` on it. A parse, schema or check failure
/// gets one repair turn (the bad answer and the problem appended to the
/// conversation); a second failure is [`LlmError::Malformed`]. Provider
/// errors are returned as they are, without a repair turn.
pub async fn structured_with<T, F>(
    provider: &dyn Provider,
    mut messages: Vec<Message>,
    options: &StructuredOptions,
    check: F,
) -> Result<Structured<T>, LlmError>
where
    T: DeserializeOwned + JsonSchema + Send,
    F: Fn(&T) -> Result<(), String> + Send + Sync,
{
    let schema = strict_schema_for::<T>();
    let first = ask(provider, &messages, &schema, options).await?;
    let problem = match interpret::<T, F>(&first.content, &check) {
        Ok(value) => return Ok(Structured { value, usage: first.usage, cached: first.cached, attempts: 1 }),
        Err(problem) => problem,
    };
    tracing::warn!(provider = %provider.label(), %problem, "structured answer unusable; asking for a repair");
    messages.push(Message::assistant(first.content.chars().take(MAX_ECHOED_ANSWER_CHARS).collect::<String>()));
    messages.push(Message::user(repair_request(&problem)?));
    let second = ask(provider, &messages, &schema, options).await?;
    let usage = first.usage + second.usage;
    match interpret::<T, F>(&second.content, &check) {
        Ok(value) => Ok(Structured { value, usage, cached: first.cached && second.cached, attempts: 2 }),
        Err(problem) => Err(LlmError::malformed(format!("still unusable after one repair: {problem}"))),
    }
}

async fn ask(
    provider: &dyn Provider,
    messages: &[Message],
    schema: &ResponseSchema,
    options: &StructuredOptions,
) -> Result<ChatResponse, LlmError> {
    provider
        .complete(ChatRequest {
            messages: messages.to_vec(),
            response_schema: Some(schema.clone()),
            temperature: options.temperature,
            max_tokens: options.max_tokens,
        })
        .await
}

fn repair_request(problem: &str) -> Result<String, LlmError> {
    prompt::render(prompt::STRUCTURED_REPAIR, json!({ "problem": problem }))
        .map_err(|e| LlmError::malformed(format!("the repair prompt could not be rendered: {e}")))
}
