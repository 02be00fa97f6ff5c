//! Application use cases against real stores and, for the LLM, a fake
//! OpenAI-compatible server over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod ai_gate;
mod fake_llm;
mod generation;
mod identity;
mod sufficiency;
mod support;
