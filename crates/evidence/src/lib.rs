//! Tier-1 (mechanical) verification of assertions over a source tree.
//!
//! A [`Verifier`] is built over one project root and answers each
//! [`rampart_assurance::Assertion`] with a [`Verdict`]: `pass`, `fail`,
//! `skipped` or `error`, with details, the file and line of the witness, and
//! a SHA-256 of the evidence the verdict rests on.
//!
//! How each family of types is decided:
//!
//! - **Code shape** (`function_exists`, `class_exists`, `decorator_present`,
//!   `function_calls`, `import_present`, `parameter_validated`,
//!   `error_handled`, `middleware_registered`): on tree-sitter syntax trees of
//!   Python, JavaScript, TypeScript/TSX, Go, Rust, Java, C#, C and C++ (by file
//!   extension; grammars compiled in). Other languages fail with "language not
//!   supported" rather than guess from text.
//! - **Patterns** (`pattern_matches`, `pattern_absent`, `no_plaintext_secret`):
//!   the `regex` crate (linear time, bounded compiled size), with vacuity
//!   guards: a `pattern_matches` regex that matches the empty string is
//!   unfalsifiable, a zero-width witness is no witness, and `pattern_absent`
//!   refuses a regex that can match nothing.
//! - **Configuration** (`config_key_exists`, `config_value_matches`): JSON,
//!   YAML, TOML, INI and `.env` parsed by real parsers, dotted-path lookup.
//! - **Dependencies** (`dependency_exists`, `dependency_version`): manifests
//!   and lock files of Cargo, npm, Python (requirements, PEP 621, Poetry), Go
//!   and Maven, with each ecosystem's version semantics.
//! - **RTL** (`module_exists`, …, `register_reset`): a Verilog/SystemVerilog
//!   tokenizer that drops comments and strings first.
//! - `file_exists`, `file_hash`, `test_exists`, `env_var_referenced`,
//!   `http_header_set`; `test_passes` runs project code only when
//!   [`VerifyOptions::allow_test_execution`] is set (else `skipped`), and
//!   passes only when the runner's summary shows a selected test ran and
//!   passed; the runner's whole process group is killed on timeout.
//! - **Every site** (`sink_default_deny`, `typed_boundary`): the whole scope
//!   enumerated or refused (no symlinks, no unparseable code, 5,000 files /
//!   16 MiB caps), every call or property assignment of a declared sink, its
//!   aliases and wrappers found on syntax trees, every guarded argument
//!   classified as a static form or a construction of the boundary type;
//!   reviewed allowlist entries must match a violation (stale ones fail).
//! - `test_attested`: a DSSE-signed test-result attestation in
//!   `.rampart/attestations/` (see [`attestation`]) for
//!   [`VerifyOptions::commit`], signed by one of
//!   [`VerifyOptions::trusted_keys`], records the test as passed with
//!   coherent totals and the required environment.
//!
//! Safety: every path stays inside the canonical root (absolute paths, `..`,
//! symlinks and symlinked directories that lead out are refused), files over
//! the size cap and binary files are refused before parsing, each file is
//! read and parsed at most once per verifier, and nothing panics or hangs:
//! regexes are linear, parsing has a time budget, and an internal fault
//! becomes an `error` verdict.

pub mod attestation;
mod attested;
mod bindings;
mod cache;
mod code_shape;
mod config;
mod defs;
mod deps;
mod error;
mod files;
mod forms;
mod js_locks;
mod lang;
mod path;
mod patterns;
mod rtl;
mod scope;
mod sinks;
mod sites;
mod syntax;
mod test_run;
mod verdict;
mod verifier;
mod walk;

pub use error::EvidenceError;
pub use verdict::{Outcome, Verdict};
pub use verifier::{Verifier, VerifyOptions};
