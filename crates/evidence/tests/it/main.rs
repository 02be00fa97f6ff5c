#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]
//! Integration tests of the tier-1 verifiers.

mod attested;
mod code_shape;
mod config;
mod deps;
mod props;
mod rtl;
mod safety;
mod sinks;
mod snapshot;
mod support;
mod test_passes;
mod text;
