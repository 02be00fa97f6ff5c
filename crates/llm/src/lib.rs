//! The LLM adapter.
//!
//! - [`Provider`]: the one trait every language model sits behind;
//!   [`OpenAiCompatible`] speaks the OpenAI chat-completions protocol.
//! - [`LlmError`]: outage (503), unusable answer or refusal (502).
//! - [`structured()`]: JSON answers checked against a schemars schema, with one
//!   repair attempt.
//! - [`CachingProvider`]: a bounded, expiring response cache in front of a provider.
//! - [`UsageLedger`]: token accounting by workspace and user.
//! - [`tier2`]: the semantic check of one evidence assertion, fail-closed and
//!   fenced against prompt injection.

mod cache;
mod clock;
mod error;
mod excerpt;
mod message;
mod openai;
mod prompt;
mod provider;
mod structured;
pub mod tier2;
mod usage;

pub use cache::{CachingProvider, ResponseCache, cache_key};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::LlmError;
pub use excerpt::{TRUNCATED_AFTER, TRUNCATED_BEFORE, excerpt};
pub use message::{ChatRequest, ChatResponse, Message, ResponseSchema, Role};
pub use openai::{MAX_BACKOFF, OpenAiCompatible, OpenAiConfig, TokenLimitField};
pub use provider::Provider;
pub use structured::{
    Structured, StructuredOptions, Validate, make_strict, strict_schema_for, strip_code_fence, structured,
    structured_validated, structured_with,
};
pub use usage::{Usage, UsageKey, UsageLedger, UsageTotals};
