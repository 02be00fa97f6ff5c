//! Tests of the `rampart-api` binary as a process.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod admin;
mod crash;
mod process;
