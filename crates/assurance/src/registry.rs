//! The assertion-type registry: every evidence type an agent can attach to a
//! control, its parameters, its soundness class, and the kinds of control it
//! can prove (the coherence rules). Type and parameter names follow the
//! de-facto standard verifier vocabulary so existing assertion files work.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kinds::ControlKind;

/// Strength of what a passing assertion shows, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Soundness {
    /// Something with the right name or shape is there.
    Presence,
    /// A scan that can miss things (pattern over text).
    UnderApproximatingScan,
    /// A concrete run showed the behaviour once (an attested test).
    ExistentialWitness,
    /// Every site was enumerated and each is safe.
    SoundOverApproximation,
    /// Unsafe values cannot be constructed at all.
    ByConstruction,
}

/// The shape a parameter value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// A path relative to the project root, without `..`.
    Path,
    /// A code identifier or dotted name.
    Identifier,
    /// Free text.
    Text,
    /// A regular expression (RE2 syntax: no look-around, no back-references).
    Regex,
    /// A JSON array of regular expressions (or a string holding one).
    RegexList,
    /// A glob relative to the project root.
    Glob,
    /// A hash algorithm name.
    HashAlgorithm,
    /// A lower-case hex digest.
    HexDigest,
    /// A version constraint (semver or PEP 440, by manifest).
    VersionConstraint,
    /// `true`/`false` (also `"1"`/`"0"`).
    Bool,
    /// `input`, `output` or `inout`.
    PortDirection,
    /// `wire`, `reg`, `logic` or `bit`.
    SignalKind,
    /// A JSON object of variable name → required value (`null`: must be unset).
    EnvMap,
    /// `<file>::<symbol>` or `<file>::<kind>:<name>`.
    Mechanism,
    /// A JSON array of relative paths, directories or globs.
    PathList,
    /// A JSON array of sink objects `{callee, kind?, positions?}`.
    SinkList,
    /// A JSON array of safe static forms.
    SafeFormList,
    /// A JSON array of identifiers.
    IdentifierList,
    /// A JSON array of reviewed exceptions `{file, site, callee, reason, reviewed_by}`.
    AllowList,
    /// The platform target; the only value is `feature_description`.
    Target,
}

/// One parameter of an assertion type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub required: bool,
}

const fn req(name: &'static str, kind: ParamKind) -> ParamSpec {
    ParamSpec { name, kind, required: true }
}

const fn opt(name: &'static str, kind: ParamKind) -> ParamSpec {
    ParamSpec { name, kind, required: false }
}

/// Every assertion type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssertionType {
    FunctionExists,
    ClassExists,
    DecoratorPresent,
    FunctionCalls,
    ImportPresent,
    FileExists,
    FileHash,
    PatternMatches,
    PatternAbsent,
    NoPlaintextSecret,
    ConfigKeyExists,
    ConfigValueMatches,
    EnvVarReferenced,
    DependencyExists,
    DependencyVersion,
    ParameterValidated,
    ErrorHandled,
    MiddlewareRegistered,
    HttpHeaderSet,
    TestExists,
    TestPasses,
    ModuleExists,
    ModuleInstantiated,
    PortExists,
    ParameterDefined,
    SignalExists,
    SvaAssertionPresent,
    RegisterReset,
    TestAttested,
    SinkDefaultDeny,
    TypedBoundary,
}

/// Everything known about one assertion type.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub struct TypeSpec {
    #[serde(rename = "type")]
    pub kind: AssertionType,
    pub name: &'static str,
    pub summary: &'static str,
    pub params: &'static [ParamSpec],
    /// Exactly one of these parameters must be given (empty: no such rule).
    pub exactly_one_of: &'static [&'static str],
    pub soundness: Soundness,
    /// The kinds of control this type can prove. Used against any other kind,
    /// the assertion is incoherent and never makes the control verified.
    pub proves: &'static [ControlKind],
    /// Runs project code: only with an explicit opt-in.
    pub executes_project_code: bool,
}

use ControlKind as K;
use ParamKind as P;

/// Kinds a structural fact about code (a definition, a call, an import) can
/// evidence, given tier 2 confirms the code does what the control says.
const CODE: &[ControlKind] = &[
    K::InputValidation,
    K::OutputEncoding,
    K::Authentication,
    K::Authorization,
    K::SessionManagement,
    K::Cryptography,
    K::SecretsManagement,
    K::TransportSecurity,
    K::LoggingMonitoring,
    K::ErrorHandling,
    K::RateLimiting,
    K::Resilience,
    K::Integrity,
    K::DataProtection,
];

/// Kinds that configuration can carry.
const CONFIG: &[ControlKind] = &[
    K::ConfigurationHardening,
    K::TransportSecurity,
    K::SessionManagement,
    K::LoggingMonitoring,
    K::RateLimiting,
    K::Resilience,
    K::Authentication,
    K::Authorization,
    K::Cryptography,
    K::DataProtection,
    K::SecretsManagement,
];

/// Kinds a pattern over text can show (what it matches is judged by tier 2).
const TEXT: &[ControlKind] = &[
    K::InputValidation,
    K::OutputEncoding,
    K::Authentication,
    K::Authorization,
    K::SessionManagement,
    K::Cryptography,
    K::SecretsManagement,
    K::TransportSecurity,
    K::LoggingMonitoring,
    K::ErrorHandling,
    K::RateLimiting,
    K::Resilience,
    K::ConfigurationHardening,
    K::Integrity,
    K::DataProtection,
    K::Process,
];

/// Kinds whose guarantee is the absence of something.
const ABSENCE: &[ControlKind] = &[
    K::SecretsManagement,
    K::OutputEncoding,
    K::Cryptography,
    K::TransportSecurity,
    K::ConfigurationHardening,
    K::InputValidation,
    K::DataProtection,
];

const HARDWARE: &[ControlKind] = &[K::HardwareDesign];

const SCOPE_START: ParamSpec = opt("scope_start", P::Regex);
const SCOPE_END: ParamSpec = opt("scope_end", P::Regex);

macro_rules! params {
    ($($p:expr),* $(,)?) => { &[$($p),*] };
}

const PATTERN_PARAMS: &[ParamSpec] = params![
    opt("file", P::Path),
    opt("target", P::Target),
    opt("target_content", P::Text),
    req("pattern", P::Regex),
    SCOPE_START,
    SCOPE_END,
    opt("multiline", P::Bool),
    opt("dotall", P::Bool),
];

const fn spec(
    kind: AssertionType,
    name: &'static str,
    summary: &'static str,
    params: &'static [ParamSpec],
    soundness: Soundness,
    proves: &'static [ControlKind],
) -> TypeSpec {
    TypeSpec { kind, name, summary, params, exactly_one_of: &[], soundness, proves, executes_project_code: false }
}

/// The registry, in [`AssertionType`] order.
pub static REGISTRY: [TypeSpec; 31] = [
    spec(
        AssertionType::FunctionExists,
        "function_exists",
        "A function or method with this name is defined in the file.",
        params![req("file", P::Path), req("name", P::Identifier)],
        Soundness::Presence,
        CODE,
    ),
    spec(
        AssertionType::ClassExists,
        "class_exists",
        "A class, struct, interface or enum with this name is declared in the file.",
        params![req("file", P::Path), req("name", P::Identifier)],
        Soundness::Presence,
        CODE,
    ),
    spec(
        AssertionType::DecoratorPresent,
        "decorator_present",
        "The function carries this decorator or annotation.",
        params![req("file", P::Path), req("function", P::Identifier), req("decorator", P::Identifier)],
        Soundness::Presence,
        CODE,
    ),
    spec(
        AssertionType::FunctionCalls,
        "function_calls",
        "The body of the caller calls the callee.",
        params![req("file", P::Path), req("caller", P::Identifier), req("callee", P::Identifier)],
        Soundness::Presence,
        CODE,
    ),
    spec(
        AssertionType::ImportPresent,
        "import_present",
        "The file imports the module.",
        params![req("file", P::Path), req("module", P::Identifier)],
        Soundness::Presence,
        &[
            K::InputValidation,
            K::OutputEncoding,
            K::Authentication,
            K::Authorization,
            K::SessionManagement,
            K::Cryptography,
            K::SecretsManagement,
            K::TransportSecurity,
            K::LoggingMonitoring,
            K::RateLimiting,
            K::Integrity,
            K::DataProtection,
            K::DependencyManagement,
        ],
    ),
    spec(
        AssertionType::FileExists,
        "file_exists",
        "A regular file exists at the path.",
        params![req("file", P::Path)],
        Soundness::Presence,
        &[K::ConfigurationHardening, K::Process],
    ),
    spec(
        AssertionType::FileHash,
        "file_hash",
        "The file's digest equals the expected one (the reviewed content is unchanged).",
        params![
            req("file", P::Path),
            opt("algorithm", P::HashAlgorithm),
            req("expected_hash", P::HexDigest),
            req("scope_file", P::Path),
            SCOPE_START,
            SCOPE_END
        ],
        Soundness::Presence,
        &[K::Integrity, K::ConfigurationHardening, K::DependencyManagement],
    ),
    TypeSpec {
        exactly_one_of: &["file", "target"],
        ..spec(
            AssertionType::PatternMatches,
            "pattern_matches",
            "The regular expression matches the file (or the scoped part of it) with a non-empty witness.",
            PATTERN_PARAMS,
            Soundness::UnderApproximatingScan,
            TEXT,
        )
    },
    TypeSpec {
        exactly_one_of: &["file", "target"],
        ..spec(
            AssertionType::PatternAbsent,
            "pattern_absent",
            "The regular expression matches nowhere in the file (or the scoped part of it).",
            PATTERN_PARAMS,
            Soundness::UnderApproximatingScan,
            ABSENCE,
        )
    },
    spec(
        AssertionType::NoPlaintextSecret,
        "no_plaintext_secret",
        "None of the secret patterns occurs in the file.",
        params![req("file", P::Path), req("patterns", P::RegexList)],
        Soundness::UnderApproximatingScan,
        &[K::SecretsManagement],
    ),
    spec(
        AssertionType::ConfigKeyExists,
        "config_key_exists",
        "The parsed configuration file has a value at the dotted key.",
        params![req("file", P::Path), req("key", P::Text)],
        Soundness::Presence,
        CONFIG,
    ),
    spec(
        AssertionType::ConfigValueMatches,
        "config_value_matches",
        "The value at the dotted key matches the pattern.",
        params![req("file", P::Path), req("key", P::Text), req("pattern", P::Regex)],
        Soundness::Presence,
        CONFIG,
    ),
    spec(
        AssertionType::EnvVarReferenced,
        "env_var_referenced",
        "The code reads the environment variable.",
        params![req("file", P::Path), req("variable", P::Identifier)],
        Soundness::Presence,
        &[K::SecretsManagement, K::ConfigurationHardening],
    ),
    spec(
        AssertionType::DependencyExists,
        "dependency_exists",
        "The manifest or lock file declares the package.",
        params![req("manifest", P::Path), req("package", P::Identifier)],
        Soundness::Presence,
        &[K::DependencyManagement],
    ),
    spec(
        AssertionType::DependencyVersion,
        "dependency_version",
        "The declared or locked version satisfies the constraint.",
        params![req("manifest", P::Path), req("package", P::Identifier), req("constraint", P::VersionConstraint)],
        Soundness::Presence,
        &[K::DependencyManagement],
    ),
    spec(
        AssertionType::ParameterValidated,
        "parameter_validated",
        "The function checks the parameter before using it.",
        params![req("file", P::Path), req("function", P::Identifier), req("parameter", P::Identifier)],
        Soundness::Presence,
        &[K::InputValidation, K::OutputEncoding, K::Authorization],
    ),
    spec(
        AssertionType::ErrorHandled,
        "error_handled",
        "The function handles errors (try/catch, Result, error checks).",
        params![req("file", P::Path), req("function", P::Identifier)],
        Soundness::Presence,
        &[K::ErrorHandling, K::Resilience],
    ),
    spec(
        AssertionType::MiddlewareRegistered,
        "middleware_registered",
        "The middleware is registered with the application or router.",
        params![req("file", P::Path), req("middleware", P::Identifier)],
        Soundness::Presence,
        &[
            K::Authentication,
            K::Authorization,
            K::SessionManagement,
            K::TransportSecurity,
            K::RateLimiting,
            K::LoggingMonitoring,
            K::InputValidation,
            K::OutputEncoding,
            K::ErrorHandling,
        ],
    ),
    spec(
        AssertionType::HttpHeaderSet,
        "http_header_set",
        "The code or configuration sets the HTTP response header.",
        params![req("file", P::Path), req("header", P::Text)],
        Soundness::Presence,
        &[K::TransportSecurity, K::OutputEncoding, K::SessionManagement, K::ConfigurationHardening],
    ),
    spec(
        AssertionType::TestExists,
        "test_exists",
        "At least one file matches the test glob.",
        params![req("pattern", P::Glob)],
        Soundness::Presence,
        &[K::Process],
    ),
    TypeSpec {
        executes_project_code: true,
        ..spec(
            AssertionType::TestPasses,
            "test_passes",
            "The project's tests selected by the pattern pass (runs project code: opt-in only).",
            params![req("pattern", P::Text)],
            Soundness::ExistentialWitness,
            CODE,
        )
    },
    spec(
        AssertionType::ModuleExists,
        "module_exists",
        "The HDL module is declared.",
        params![req("file", P::Path), req("name", P::Identifier)],
        Soundness::Presence,
        HARDWARE,
    ),
    spec(
        AssertionType::ModuleInstantiated,
        "module_instantiated",
        "The parent module instantiates the child.",
        params![req("file", P::Path), req("parent", P::Identifier), req("child", P::Identifier)],
        Soundness::Presence,
        HARDWARE,
    ),
    spec(
        AssertionType::PortExists,
        "port_exists",
        "The module declares the port (with the direction, if given).",
        params![
            req("file", P::Path),
            req("module", P::Identifier),
            req("port", P::Identifier),
            opt("direction", P::PortDirection)
        ],
        Soundness::Presence,
        HARDWARE,
    ),
    spec(
        AssertionType::ParameterDefined,
        "parameter_defined",
        "The HDL parameter is defined (and its value matches the pattern, if given).",
        params![
            req("file", P::Path),
            req("parameter", P::Identifier),
            opt("module", P::Identifier),
            opt("pattern", P::Regex)
        ],
        Soundness::Presence,
        HARDWARE,
    ),
    spec(
        AssertionType::SignalExists,
        "signal_exists",
        "The HDL signal is declared (of the kind, if given).",
        params![
            req("file", P::Path),
            req("name", P::Identifier),
            opt("module", P::Identifier),
            opt("kind", P::SignalKind)
        ],
        Soundness::Presence,
        HARDWARE,
    ),
    spec(
        AssertionType::SvaAssertionPresent,
        "sva_assertion_present",
        "The SystemVerilog assertion or property is present.",
        params![req("file", P::Path), req("name", P::Identifier)],
        Soundness::Presence,
        HARDWARE,
    ),
    spec(
        AssertionType::RegisterReset,
        "register_reset",
        "The register is assigned in a block sensitive to the reset.",
        params![req("file", P::Path), req("signal", P::Identifier), opt("reset", P::Identifier)],
        Soundness::Presence,
        HARDWARE,
    ),
    spec(
        AssertionType::TestAttested,
        "test_attested",
        "A signed test attestation for this commit records the test as passed.",
        params![req("test", P::Text), opt("env", P::EnvMap), opt("mechanism", P::Mechanism)],
        Soundness::ExistentialWitness,
        CODE,
    ),
    spec(
        AssertionType::SinkDefaultDeny,
        "sink_default_deny",
        "Every call of the declared sinks in scope takes only safe static forms (or a reviewed exception).",
        params![
            req("scope", P::PathList),
            req("sinks", P::SinkList),
            req("safe_forms", P::SafeFormList),
            req("property", P::Text),
            opt("allowlist", P::AllowList),
            opt("wrappers", P::IdentifierList)
        ],
        Soundness::SoundOverApproximation,
        &[K::OutputEncoding, K::InputValidation, K::Authorization, K::SecretsManagement],
    ),
    spec(
        AssertionType::TypedBoundary,
        "typed_boundary",
        "Every sink in scope takes a value of the boundary type, built only by its declared constructors from static input.",
        params![
            req("scope", P::PathList),
            req("sinks", P::SinkList),
            req("boundary_type", P::Identifier),
            req("constructors", P::IdentifierList),
            req("property", P::Text),
            opt("allowlist", P::AllowList),
            opt("wrappers", P::IdentifierList)
        ],
        Soundness::ByConstruction,
        &[K::OutputEncoding, K::InputValidation, K::Authorization, K::SecretsManagement, K::DataProtection],
    ),
];

impl AssertionType {
    /// Every type, in registry order.
    pub fn all() -> impl Iterator<Item = AssertionType> {
        REGISTRY.iter().map(|s| s.kind)
    }

    /// The registry entry.
    pub fn spec(self) -> &'static TypeSpec {
        // REGISTRY is in enum order (checked by a test), so the discriminant indexes it.
        &REGISTRY[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Looks a type up by its wire name.
    pub fn from_name(name: &str) -> Option<AssertionType> {
        REGISTRY.iter().find(|s| s.name == name).map(|s| s.kind)
    }
}

impl std::fmt::Display for AssertionType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
