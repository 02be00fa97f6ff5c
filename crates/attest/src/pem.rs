//! PEM armour for keys: `PUBLIC KEY` (DER SubjectPublicKeyInfo) and
//! `PRIVATE KEY` (PKCS#8), the forms `openssl` reads and writes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::AttestError;
use crate::keys::{PublicKey, SigningKey};

const LINE: usize = 64;

/// Armours `der` under `label`.
pub fn encode(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(LINE) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER inside the first `label` block of `text`.
pub fn decode(label: &str, text: &str) -> Result<Vec<u8>, AttestError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin).ok_or_else(|| AttestError::BadKey(format!("no `{begin}` line")))? + begin.len();
    let stop = text[start..].find(&end).ok_or_else(|| AttestError::BadKey(format!("no `{end}` line")))? + start;
    let body: String = text[start..stop].chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(body).map_err(|e| AttestError::BadKey(format!("the PEM body is not base64: {e}")))
}

impl PublicKey {
    pub fn from_pem(text: &str) -> Result<PublicKey, AttestError> {
        PublicKey::from_spki_der(&decode("PUBLIC KEY", text)?)
    }

    pub fn to_pem(&self) -> String {
        encode("PUBLIC KEY", &self.spki_der())
    }
}

impl SigningKey {
    /// From an unencrypted PKCS#8 `PRIVATE KEY` block (`openssl genpkey
    /// -algorithm EC -pkeyopt ec_paramgen_curve:P-256`).
    pub fn from_pem(text: &str) -> Result<SigningKey, AttestError> {
        if text.contains("ENCRYPTED PRIVATE KEY") {
            return Err(AttestError::BadKey("encrypted private keys are not supported; decrypt it first".into()));
        }
        if text.contains("BEGIN EC PRIVATE KEY") {
            return Err(AttestError::BadKey(
                "SEC1 `EC PRIVATE KEY` found; convert it with `openssl pkcs8 -topk8 -nocrypt`".into(),
            ));
        }
        SigningKey::from_pkcs8(&decode("PRIVATE KEY", text)?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn keys_round_trip_through_pem() {
        let (key, pkcs8) = SigningKey::generate().unwrap();
        let private = encode("PRIVATE KEY", &pkcs8);
        let again = SigningKey::from_pem(&private).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        let public = key.public_key().to_pem();
        assert_eq!(PublicKey::from_pem(&public).unwrap(), key.public_key());
        assert!(PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----").is_err());
        assert!(PublicKey::from_pem("nothing here").is_err());
    }
}
