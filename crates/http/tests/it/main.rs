//! Integration tests of the REST API over real HTTP, on a real SQLite file and
//! a real PostgreSQL (when `RAMPART_TEST_POSTGRES_URL` is set; CI sets it).
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub, clippy::print_stderr)]

mod api;
mod chat;
mod concurrency;
mod conformance;
mod evidence;
mod generation;
mod isolation;
mod openapi;
mod outage;
mod server;
mod text;
