//! Integration tests of rampart-model, one binary.

mod errors;
mod hash_and_names;
mod properties;
mod support;
mod walkthrough;
