//! Integration tests of rampart-risk, one binary.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod composition;
mod revisions;
