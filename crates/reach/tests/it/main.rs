//! Integration tests of rampart-reach: one binary, one module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod coherence;
mod example;
mod fixture;
mod generate;
mod predicate;
mod properties;
mod scale;
mod schema;
mod snapshots;
