//! Signed verification results.
//!
//! A CI run's results become an in-toto Statement whose subject digest is the
//! content hash of the results (canonical JSON, sorted by assertion id), signed
//! with ECDSA P-256 inside a DSSE envelope. Verifying an envelope checks the
//! key against a trusted set (by fingerprint: SHA-256 of the DER
//! SubjectPublicKeyInfo), the signature over the DSSE pre-authentication
//! encoding, the payload type, and that the statement's results still hash to
//! the signed digest. Replay (a run id seen before) is the server's check.

pub mod audit;
mod dsse;
mod keys;
mod oidc;
pub mod pem;
mod results;

pub use dsse::{Envelope, PAYLOAD_TYPE, Signature, pae, sign_statement, verify_envelope};
pub use keys::{PublicKey, SigningKey};
pub use oidc::{OidcError, OidcPolicy, verify_token};
pub use results::{PREDICATE_TYPE, ResultEntry, RunPredicate, Statement, Subject, results_hash, statement};

/// Why an attestation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttestError {
    #[error("the key is malformed: {0}")]
    BadKey(String),
    #[error("no trusted key has the fingerprint {0}")]
    UnknownKey(String),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the envelope is malformed: {0}")]
    Malformed(String),
    #[error("unexpected payload type `{0}`")]
    WrongPayloadType(String),
    #[error("the results do not match the signed digest")]
    DigestMismatch,
    #[error("signing failed")]
    SigningFailed,
}

impl AttestError {
    pub fn code(&self) -> &'static str {
        match self {
            AttestError::BadKey(_) => "bad_key",
            AttestError::UnknownKey(_) => "unknown_key",
            AttestError::BadSignature => "bad_signature",
            AttestError::Malformed(_) => "malformed_envelope",
            AttestError::WrongPayloadType(_) => "wrong_payload_type",
            AttestError::DigestMismatch => "digest_mismatch",
            AttestError::SigningFailed => "signing_failed",
        }
    }
}
