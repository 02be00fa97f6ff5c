//! Signing round trips, every way a result can be forged, and OIDC tokens.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod audit;
mod oidc;
mod signing;
