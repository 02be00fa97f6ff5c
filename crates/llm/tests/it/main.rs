//! The rampart-llm integration tests: every provider test talks real HTTP to
//! a scripted fake OpenAI-compatible server (`tests/support`).
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

#[path = "../support/mod.rs"]
mod support;

mod cache;
mod excerpt;
mod openai;
mod schema;
mod structured;
mod tier2;
mod tier2_protocol;
mod usage;
