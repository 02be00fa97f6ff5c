//! Control kinds: what sort of mechanism a control is. Coherence rules are
//! stated over kinds ("a file hash can prove integrity, not input
//! validation"), so every control is classified, deterministically, from its
//! description.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kinds of security mechanism a control can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ControlKind {
    InputValidation,
    OutputEncoding,
    Authentication,
    Authorization,
    SessionManagement,
    Cryptography,
    SecretsManagement,
    TransportSecurity,
    LoggingMonitoring,
    ErrorHandling,
    RateLimiting,
    Resilience,
    ConfigurationHardening,
    DependencyManagement,
    Integrity,
    DataProtection,
    Process,
    HardwareDesign,
}

impl ControlKind {
    pub const ALL: [ControlKind; 18] = [
        ControlKind::InputValidation,
        ControlKind::OutputEncoding,
        ControlKind::Authentication,
        ControlKind::Authorization,
        ControlKind::SessionManagement,
        ControlKind::Cryptography,
        ControlKind::SecretsManagement,
        ControlKind::TransportSecurity,
        ControlKind::LoggingMonitoring,
        ControlKind::ErrorHandling,
        ControlKind::RateLimiting,
        ControlKind::Resilience,
        ControlKind::ConfigurationHardening,
        ControlKind::DependencyManagement,
        ControlKind::Integrity,
        ControlKind::DataProtection,
        ControlKind::Process,
        ControlKind::HardwareDesign,
    ];

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            ControlKind::InputValidation => "input_validation",
            ControlKind::OutputEncoding => "output_encoding",
            ControlKind::Authentication => "authentication",
            ControlKind::Authorization => "authorization",
            ControlKind::SessionManagement => "session_management",
            ControlKind::Cryptography => "cryptography",
            ControlKind::SecretsManagement => "secrets_management",
            ControlKind::TransportSecurity => "transport_security",
            ControlKind::LoggingMonitoring => "logging_monitoring",
            ControlKind::ErrorHandling => "error_handling",
            ControlKind::RateLimiting => "rate_limiting",
            ControlKind::Resilience => "resilience",
            ControlKind::ConfigurationHardening => "configuration_hardening",
            ControlKind::DependencyManagement => "dependency_management",
            ControlKind::Integrity => "integrity",
            ControlKind::DataProtection => "data_protection",
            ControlKind::Process => "process",
            ControlKind::HardwareDesign => "hardware_design",
        }
    }

    /// Word stems that mark a control description as this kind. A stem
    /// matches the start of a word ("validat" matches "validates").
    fn stems(self) -> &'static [&'static str] {
        match self {
            ControlKind::InputValidation => &[
                "validat",
                "sanitiz",
                "sanitis",
                "allowlist",
                "whitelist",
                "schema",
                "input",
                "malformed",
                "mime",
                "filetype",
                "virus",
                "malware",
                "antivirus",
                "scan",
                "size limit",
                "upload",
                "deserializ",
            ],
            ControlKind::OutputEncoding => {
                &["escap", "encod", "injection", "parameteriz", "parametris", "prepared statement", "xss", "csp", "sql"]
            }
            ControlKind::Authentication => &[
                "authenticat",
                "login",
                "log in",
                "sign in",
                "password",
                "mfa",
                "multi-factor",
                "multifactor",
                "2fa",
                "credential",
                "oauth",
                "oidc",
                "openid",
                "jwt",
                "sso",
                "api key",
                "identity",
                "passkey",
                "webauthn",
                "token validation",
                "verify token",
            ],
            ControlKind::Authorization => &[
                "authoriz",
                "authoris",
                "access control",
                "permission",
                "role",
                "rbac",
                "abac",
                "least privilege",
                "tenant",
                "ownership",
                "scope",
                "entitlement",
                "acl",
            ],
            ControlKind::SessionManagement => &["session", "cookie", "logout", "log out", "idle timeout", "csrf"],
            ControlKind::Cryptography => &[
                "encrypt",
                "decrypt",
                "cipher",
                "aes",
                "hash",
                "hmac",
                "signing",
                "signature",
                "sign ",
                "kms",
                "hsm",
                "cryptograph",
                "key rotation",
                "rotate key",
                "bcrypt",
                "argon2",
                "scrypt",
                "pbkdf2",
            ],
            ControlKind::SecretsManagement => &[
                "secret",
                "vault",
                "environment variable",
                "env var",
                "credential stor",
                "key management",
                "plaintext",
            ],
            ControlKind::TransportSecurity => {
                &["tls", "https", "hsts", "mtls", "mutual tls", "certificate", "transport", "pinning", "header"]
            }
            ControlKind::LoggingMonitoring => {
                &["log", "audit", "monitor", "alert", "detect", "siem", "trace", "observab", "record"]
            }
            ControlKind::ErrorHandling => {
                &["error", "exception", "fail closed", "fail-closed", "fail safe", "fail-safe"]
            }
            ControlKind::RateLimiting => &[
                "rate limit",
                "rate-limit",
                "throttl",
                "quota",
                "denial of service",
                "dos",
                "ddos",
                "timeout",
                "circuit breaker",
                "backpressure",
                "lockout",
            ],
            ControlKind::Resilience => {
                &["backup", "restore", "replica", "redundan", "failover", "disaster recovery", "high availability"]
            }
            ControlKind::ConfigurationHardening => {
                &["config", "harden", "debug mode", "default", "disable", "baseline", "least functionality"]
            }
            ControlKind::DependencyManagement => &[
                "dependenc",
                "supply chain",
                "sbom",
                "pin ",
                "pinned",
                "lockfile",
                "lock file",
                "vulnerability scan",
                "third-party",
                "third party",
                "package",
                "patch",
            ],
            ControlKind::Integrity => &[
                "integrity",
                "checksum",
                "tamper",
                "signed artifact",
                "immutable",
                "provenance",
                "attest",
                "secure boot",
                "code signing",
                "digest",
            ],
            ControlKind::DataProtection => &[
                "retention",
                "minimi",
                "anonymi",
                "pseudonym",
                "privacy",
                "pii",
                "personal data",
                "gdpr",
                "purge",
                "mask",
                "redact",
                "erasure",
                "consent",
            ],
            ControlKind::Process => &[
                "review",
                "training",
                "policy",
                "procedure",
                "incident response",
                "documentation",
                "approval",
                "penetration test",
                "threat model",
            ],
            ControlKind::HardwareDesign => {
                &["rtl", "register", "fpga", "asic", "jtag", "debug port", "fuse", "hardware", "verilog", "netlist"]
            }
        }
    }
}

/// Classifies a control from its description: every kind one of whose stems
/// begins a word of the lower-cased text. May be empty (unclassified).
pub fn classify_control(description: &str) -> BTreeSet<ControlKind> {
    let text = format!(" {} ", description.to_lowercase());
    ControlKind::ALL
        .into_iter()
        .filter(|kind| {
            kind.stems().iter().any(|stem| {
                text.match_indices(stem).any(|(i, _)| {
                    // The stem must start a word.
                    text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
                })
            })
        })
        .collect()
}
