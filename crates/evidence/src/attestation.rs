//! Test-result attestations: the format a CI run writes to
//! `.rampart/attestations/*.json`, and the check of its DSSE signature.
//!
//! An attestation is a DSSE envelope (payload type
//! `application/vnd.in-toto+json`) around an in-toto Statement v1 whose
//! predicate ([`TEST_RESULT_PREDICATE`]) records which commit was tested and
//! how each test ended. Signatures are ECDSA P-256 (ASN.1 DER) over the DSSE
//! pre-authentication encoding, by keys named by the fingerprint
//! `SHA256:<hex of the DER SubjectPublicKeyInfo>`, the same conventions as
//! the signed verification results, checked here with `ring` alone so this
//! engine needs no adapter crate.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::verdict::sha256_hex;

/// The predicate type of a test run.
pub const TEST_RESULT_PREDICATE: &str = "https://rampart.dev/attestations/test-result/v1";
/// The DSSE payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Counts over the whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TestTotals {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

/// One test's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TestCase {
    /// Stable id, e.g. `tests/test_auth.py::test_login`.
    pub id: String,
    pub name: String,
    /// `passed`, `failed` or `skipped`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// What a test run attests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TestResultPredicate {
    /// The commit the tests ran on (full SHA).
    pub commit: String,
    pub totals: TestTotals,
    pub tests: Vec<TestCase>,
    /// Environment values the run recorded (name → value).
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
}

/// An in-toto Statement v1 with the test-result predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TestStatement {
    #[serde(rename = "_type")]
    pub statement_type: String,
    #[serde(default)]
    pub subject: Vec<serde_json::Value>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: TestResultPredicate,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DsseSignature {
    pub(crate) keyid: String,
    pub(crate) sig: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DsseEnvelope {
    #[serde(rename = "payloadType")]
    pub(crate) payload_type: String,
    pub(crate) payload: String,
    #[serde(default)]
    pub(crate) signatures: Vec<DsseSignature>,
}

/// `DSSEv1 <len(type)> <type> <len(body)> <body>`: what is signed.
pub fn dsse_pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("DSSEv1 {} {} {} ", payload_type.len(), payload_type, body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The DER prefix of a P-256 SubjectPublicKeyInfo before the 65-byte point.
const SPKI_P256_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// `SHA256:<hex>` of a DER SubjectPublicKeyInfo: how keys are named.
pub fn key_fingerprint(spki_der: &[u8]) -> String {
    format!("SHA256:{}", sha256_hex(spki_der))
}

/// How an envelope's signature was judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Provenance {
    /// A trusted key (its fingerprint) signed it.
    Signed(String),
    /// Accepted without a signature check (explicit opt-in, no keys).
    Unsigned,
}

/// Checks the envelope and returns its statement. With trusted keys, one
/// signature by one of them must verify; with none, only an explicit
/// opt-in accepts the envelope unchecked. Every failure is a reason.
pub(crate) fn open(
    bytes: &[u8],
    trusted: &[Vec<u8>],
    allow_unsigned: bool,
) -> Result<(TestStatement, Provenance), String> {
    let envelope: DsseEnvelope = serde_json::from_slice(bytes).map_err(|e| format!("not a DSSE envelope: {e}"))?;
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(format!("payload type `{}` is not an in-toto statement", envelope.payload_type));
    }
    let body = STANDARD.decode(envelope.payload.as_bytes()).map_err(|e| format!("payload is not base64: {e}"))?;
    let provenance = if trusted.is_empty() {
        if !allow_unsigned {
            return Err("no trusted keys are configured and unsigned attestations are not allowed".to_owned());
        }
        Provenance::Unsigned
    } else {
        Provenance::Signed(signer(&envelope, &body, trusted)?)
    };
    let statement: TestStatement =
        serde_json::from_slice(&body).map_err(|e| format!("statement does not parse: {e}"))?;
    if statement.predicate_type != TEST_RESULT_PREDICATE {
        return Err(format!("predicate type `{}` is not a test result", statement.predicate_type));
    }
    Ok((statement, provenance))
}

/// The fingerprint of the trusted key whose signature verifies.
fn signer(envelope: &DsseEnvelope, body: &[u8], trusted: &[Vec<u8>]) -> Result<String, String> {
    if envelope.signatures.is_empty() {
        return Err("the envelope is not signed".to_owned());
    }
    let message = dsse_pae(&envelope.payload_type, body);
    let mut why = String::from("no signature is by a trusted key");
    for s in &envelope.signatures {
        let Some(der) = trusted.iter().find(|k| key_fingerprint(k) == s.keyid) else { continue };
        let Some(point) = der.strip_prefix(&SPKI_P256_PREFIX[..]).filter(|p| p.len() == 65) else {
            why = format!("trusted key {} is not a P-256 SubjectPublicKeyInfo", s.keyid);
            continue;
        };
        let Ok(sig) = STANDARD.decode(s.sig.as_bytes()) else {
            why = format!("signature by {} is not base64", s.keyid);
            continue;
        };
        match UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, point).verify(&message, &sig) {
            Ok(()) => return Ok(s.keyid.clone()),
            Err(_) => why = format!("the signature by {} does not verify (tampered or wrong key)", s.keyid),
        }
    }
    Err(why)
}
