//! The verifier: one project root, one file cache, one lazily walked file
//! list; dispatch of each assertion to the module that knows its type.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rampart_assurance::{Assertion, AssertionError, AssertionType};
use rayon::prelude::*;
use serde_json::Value;
use tree_sitter::Tree;

use crate::cache::{FileCache, SourceFile};
use crate::error::EvidenceError;
use crate::lang::Lang;
use crate::verdict::Verdict;
use crate::walk::{FileList, walk};
use crate::{attested, code_shape, config, deps, files, patterns, rtl, sinks, test_run};

/// Knobs of a verification run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Files larger than this are refused (default 2 MiB).
    pub max_file_bytes: u64,
    /// Upper bound on parsing one file into a syntax tree (default 5 s).
    pub parse_budget: Duration,
    /// Compiled-size bound for each user regular expression (default 4 MiB),
    /// so a pattern like `\w{1000}{1000}` is refused instead of eating memory.
    pub regex_size_limit: usize,
    /// `test_passes` runs the project's own test command. Off by default; when
    /// off, `test_passes` is `skipped` (not checked), never `pass`.
    pub allow_test_execution: bool,
    /// Wall-clock bound on one `test_passes` run (default 300 s); when it
    /// expires the runner's whole process group is killed.
    pub test_timeout: Duration,
    /// The commit under verification (full SHA): `test_attested` accepts
    /// only attestations for it, and fails when it is not given.
    pub commit: Option<String>,
    /// Keys whose signatures make a test attestation evidence, as DER
    /// SubjectPublicKeyInfo (ECDSA P-256), matched by fingerprint.
    pub trusted_keys: Vec<Vec<u8>>,
    /// Accept unsigned (or unverifiable) test attestations, only when
    /// `trusted_keys` is empty. Off by default: anyone can write a file.
    pub allow_unsigned_attestations: bool,
}

impl Default for VerifyOptions {
    fn default() -> VerifyOptions {
        VerifyOptions {
            max_file_bytes: 2 * 1024 * 1024,
            parse_budget: Duration::from_secs(5),
            regex_size_limit: 4 * 1024 * 1024,
            allow_test_execution: false,
            test_timeout: Duration::from_secs(300),
            commit: None,
            trusted_keys: Vec::new(),
            allow_unsigned_attestations: false,
        }
    }
}

/// Tier-1 verifier over one project tree.
#[derive(Debug)]
pub struct Verifier {
    pub(crate) options: VerifyOptions,
    pub(crate) cache: FileCache,
    files: OnceLock<FileList>,
}

impl Verifier {
    /// A verifier over the directory `root` (canonicalised once here, so every
    /// confinement check compares against the real location).
    pub fn new(root: &Path, options: VerifyOptions) -> Result<Verifier, EvidenceError> {
        let display = root.display().to_string();
        let canonical =
            std::fs::canonicalize(root).map_err(|source| EvidenceError::Root { path: display.clone(), source })?;
        if !canonical.is_dir() {
            return Err(EvidenceError::NotADirectory(display));
        }
        let cache = FileCache::new(canonical, options.max_file_bytes);
        Ok(Verifier { options, cache, files: OnceLock::new() })
    }

    /// The canonical project root.
    pub fn root(&self) -> &Path {
        self.cache.root()
    }

    /// Verifies one assertion. Never panics: an internal fault becomes an
    /// `error` verdict.
    pub fn verify(&self, assertion: &Assertion) -> Verdict {
        match catch_unwind(AssertUnwindSafe(|| self.dispatch(assertion))) {
            Ok(v) => v,
            Err(_) => {
                Verdict::error(&assertion.assertion_type, "internal verifier fault; please report this assertion")
            }
        }
    }

    /// Verifies every assertion in parallel; verdicts are in input order.
    pub fn verify_all(&self, assertions: &[Assertion]) -> Vec<Verdict> {
        assertions.par_iter().map(|a| self.verify(a)).collect()
    }

    /// The walked file list (once per verifier).
    pub(crate) fn files(&self) -> &FileList {
        self.files.get_or_init(|| walk(self.root()))
    }

    fn dispatch(&self, assertion: &Assertion) -> Verdict {
        let ty = assertion.assertion_type.as_str();
        let kind = match assertion.validate() {
            Ok(kind) => kind,
            Err(AssertionError::UnknownType(t)) => {
                return Verdict::skipped(ty, format!("no verifier for assertion type `{t}` in this version"));
            }
            Err(AssertionError::InvalidParams { errors, .. }) => {
                let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
                return Verdict::fail(ty, format!("invalid parameters: {}", list.join("; ")));
            }
        };
        let cx = Cx { v: self, a: assertion, ty };
        use AssertionType as T;
        match kind {
            T::FunctionExists
            | T::ClassExists
            | T::DecoratorPresent
            | T::FunctionCalls
            | T::ImportPresent
            | T::ParameterValidated
            | T::ErrorHandled
            | T::MiddlewareRegistered => code_shape::verify(&cx, kind),
            T::PatternMatches | T::PatternAbsent => patterns::pattern(&cx, kind == T::PatternMatches),
            T::NoPlaintextSecret => patterns::no_plaintext_secret(&cx),
            T::EnvVarReferenced => patterns::env_var_referenced(&cx),
            T::HttpHeaderSet => patterns::http_header_set(&cx),
            T::ConfigKeyExists | T::ConfigValueMatches => config::verify(&cx, kind == T::ConfigValueMatches),
            T::DependencyExists | T::DependencyVersion => deps::verify(&cx, kind == T::DependencyVersion),
            T::FileExists => files::file_exists(&cx),
            T::FileHash => files::file_hash(&cx),
            T::TestExists => files::test_exists(&cx),
            T::TestPasses => test_run::test_passes(&cx),
            T::ModuleExists
            | T::ModuleInstantiated
            | T::PortExists
            | T::ParameterDefined
            | T::SignalExists
            | T::SvaAssertionPresent
            | T::RegisterReset => rtl::verify(&cx, kind),
            T::TestAttested => attested::test_attested(&cx),
            T::SinkDefaultDeny => sinks::sink_default_deny(&cx),
            T::TypedBoundary => sinks::typed_boundary(&cx),
        }
    }
}

/// What a type verifier sees: the verifier and the (validated) assertion.
pub(crate) struct Cx<'a> {
    pub(crate) v: &'a Verifier,
    pub(crate) a: &'a Assertion,
    pub(crate) ty: &'a str,
}

impl Cx<'_> {
    /// A string parameter (validation already checked its shape).
    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        self.a.params.get(name).and_then(Value::as_str)
    }

    /// A required string parameter; validation guarantees it, but a verdict
    /// beats a panic if the registry and a verifier ever disagree.
    pub(crate) fn req(&self, name: &str) -> Result<&str, Verdict> {
        self.str(name).ok_or_else(|| self.fail(format!("parameter `{name}` is required")))
    }

    /// A boolean parameter: JSON bool or `"true"`/`"1"` (any case).
    pub(crate) fn flag(&self, name: &str) -> bool {
        match self.a.params.get(name) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "true" | "1"),
            _ => false,
        }
    }

    /// A JSON-array parameter, also accepted as a string holding one.
    pub(crate) fn array(&self, name: &str) -> Vec<Value> {
        match self.a.params.get(name) {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    pub(crate) fn pass(&self, details: impl Into<String>) -> Verdict {
        Verdict::pass(self.ty, details)
    }

    pub(crate) fn fail(&self, details: impl Into<String>) -> Verdict {
        Verdict::fail(self.ty, details)
    }

    /// Reads a file named by a path parameter; any problem is the verdict.
    pub(crate) fn file(&self, rel: &str) -> Result<Arc<SourceFile>, Verdict> {
        self.v.cache.read(rel).map_err(|p| {
            let v = if p.is_error() { Verdict::error(self.ty, p.describe(rel)) } else { self.fail(p.describe(rel)) };
            v.with_file(rel)
        })
    }

    /// Reads a text file: binary files are refused.
    pub(crate) fn text_file(&self, rel: &str) -> Result<Arc<SourceFile>, Verdict> {
        let f = self.file(rel)?;
        if f.binary {
            return Err(self
                .fail(format!("`{rel}` refused: binary file (NUL byte in the first 8 KiB)"))
                .with_file(rel));
        }
        Ok(f)
    }

    /// Reads and parses a source file in a supported language.
    pub(crate) fn parsed(&self, rel: &str) -> Result<(Arc<SourceFile>, Lang, Arc<Tree>), Verdict> {
        let f = self.text_file(rel)?;
        let Some(lang) = f.lang() else {
            return Err(self
                .fail(format!(
                    "language not supported for `{rel}`: {} is decided on syntax trees of Python, JavaScript, TypeScript/TSX, Go, Rust, Java, C#, C and C++ files",
                    self.ty
                ))
                .with_file(rel));
        };
        let tree = f.tree(lang, self.v.options.parse_budget).map_err(|e| Verdict::error(self.ty, e).with_file(rel))?;
        Ok((f, lang, tree))
    }
}
