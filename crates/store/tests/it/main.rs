//! Integration tests of rampart-store, run against a real SQLite file and a
//! real PostgreSQL (when `RAMPART_TEST_POSTGRES_URL` names one; `.ci/run`
//! starts a throwaway cluster and sets it).
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub, clippy::print_stderr)]

mod accounts;
mod backends;
mod concurrency;
mod isolation;
mod models;
