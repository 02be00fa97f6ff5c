#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod catalog;
mod examples;
mod generation;
mod intent;
mod judge;
mod props;
mod refine;
mod support;
