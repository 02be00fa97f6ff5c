//! Integration tests of rampart-model, one binary.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod errors;
mod hash_and_names;
mod properties;
mod support;
mod walkthrough;
