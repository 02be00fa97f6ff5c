//! DSSE envelopes: a signature over the pre-authentication encoding of the
//! payload type and the payload.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rampart_model::canonical::to_canonical_json;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::AttestError;
use crate::keys::{PublicKey, SigningKey};
use crate::results::{PREDICATE_TYPE, Statement, results_hash};

/// The payload type of an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Signature {
    /// The signer's key fingerprint.
    pub keyid: String,
    /// Base64 of the DER ECDSA signature.
    pub sig: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Envelope {
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// Base64 of the payload bytes.
    pub payload: String,
    pub signatures: Vec<Signature>,
}

/// `DSSEv1 <len(type)> <type> <len(body)> <body>`.
pub fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("DSSEv1 {} {} {} ", payload_type.len(), payload_type, body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Signs a statement (serialised canonically) into an envelope.
pub fn sign_statement(statement: &Statement, key: &SigningKey) -> Result<Envelope, AttestError> {
    let body = to_canonical_json(statement).into_bytes();
    let sig = key.sign(&pae(PAYLOAD_TYPE, &body))?;
    Ok(Envelope {
        payload_type: PAYLOAD_TYPE.to_owned(),
        payload: STANDARD.encode(&body),
        signatures: vec![Signature { keyid: key.public_key().fingerprint(), sig: STANDARD.encode(sig) }],
    })
}

/// Checks an envelope against trusted keys and returns its statement. At
/// least one signature must be by a trusted key and verify; every check
/// failing closed.
pub fn verify_envelope(envelope: &Envelope, trusted: &[PublicKey]) -> Result<Statement, AttestError> {
    if envelope.payload_type != PAYLOAD_TYPE {
        return Err(AttestError::WrongPayloadType(envelope.payload_type.clone()));
    }
    let body = STANDARD.decode(&envelope.payload).map_err(|e| AttestError::Malformed(format!("payload: {e}")))?;
    let message = pae(&envelope.payload_type, &body);
    let mut last = AttestError::Malformed("no signatures".into());
    let mut verified = false;
    for s in &envelope.signatures {
        let Some(key) = trusted.iter().find(|k| k.fingerprint() == s.keyid) else {
            last = AttestError::UnknownKey(s.keyid.clone());
            continue;
        };
        let sig = STANDARD.decode(&s.sig).map_err(|e| AttestError::Malformed(format!("signature: {e}")))?;
        match key.verify(&message, &sig) {
            Ok(()) => {
                verified = true;
                break;
            }
            Err(e) => last = e,
        }
    }
    if !verified {
        return Err(last);
    }
    let statement: Statement =
        serde_json::from_slice(&body).map_err(|e| AttestError::Malformed(format!("statement: {e}")))?;
    if statement.predicate_type != PREDICATE_TYPE {
        return Err(AttestError::Malformed(format!("predicate type `{}`", statement.predicate_type)));
    }
    let digest = results_hash(&statement.predicate.results);
    if statement.subject.iter().all(|s| s.digest.get("sha256") != Some(&digest)) {
        return Err(AttestError::DigestMismatch);
    }
    Ok(statement)
}
