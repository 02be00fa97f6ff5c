//! Integration tests of rampart-assurance, one binary.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod assertions;
mod findings;
mod posture;
mod properties;
mod support;
