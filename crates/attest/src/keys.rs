//! ECDSA P-256 keys and their fingerprints.

use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair, UnparsedPublicKey,
};
use sha2::{Digest, Sha256};

use crate::AttestError;

/// The DER prefix of a P-256 SubjectPublicKeyInfo (id-ecPublicKey,
/// prime256v1) before the 65-byte uncompressed point.
const SPKI_P256_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// A private signing key (PKCS#8).
pub struct SigningKey {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        write!(f, "SigningKey({})", self.public_key().fingerprint())
    }
}

impl SigningKey {
    /// A new key; the PKCS#8 document is what to store (as a secret).
    pub fn generate() -> Result<(SigningKey, Vec<u8>), AttestError> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .map_err(|_| AttestError::BadKey("could not generate a key".into()))?;
        let bytes = pkcs8.as_ref().to_vec();
        Ok((SigningKey::from_pkcs8(&bytes)?, bytes))
    }

    pub fn from_pkcs8(der: &[u8]) -> Result<SigningKey, AttestError> {
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, der, &rng)
            .map_err(|e| AttestError::BadKey(e.to_string()))?;
        Ok(SigningKey { pair, rng })
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey { point: self.pair.public_key().as_ref().to_vec() }
    }

    /// An ASN.1 DER ECDSA signature over SHA-256 of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, AttestError> {
        self.pair.sign(&self.rng, message).map(|s| s.as_ref().to_vec()).map_err(|_| AttestError::SigningFailed)
    }
}

/// A P-256 public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// The uncompressed point, 65 bytes.
    point: Vec<u8>,
}

impl PublicKey {
    /// From DER SubjectPublicKeyInfo (what `openssl ec -pubout -outform DER` writes).
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, AttestError> {
        match der.strip_prefix(&SPKI_P256_PREFIX[..]) {
            Some(point) if point.len() == 65 && point[0] == 0x04 => Ok(PublicKey { point: point.to_vec() }),
            _ => Err(AttestError::BadKey("not a P-256 SubjectPublicKeyInfo".into())),
        }
    }

    /// The uncompressed point (0x04 ‖ x ‖ y), e.g. to publish the key as a JWK.
    pub fn uncompressed_point(&self) -> &[u8] {
        &self.point
    }

    pub fn spki_der(&self) -> Vec<u8> {
        [&SPKI_P256_PREFIX[..], &self.point].concat()
    }

    /// `SHA256:` + hex SHA-256 of the DER SubjectPublicKeyInfo.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.spki_der());
        format!("SHA256:{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), AttestError> {
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &self.point)
            .verify(message, signature)
            .map_err(|_| AttestError::BadSignature)
    }
}
