//! Integration tests of rampart-risk, one binary.

mod composition;
mod revisions;
