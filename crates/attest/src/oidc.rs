//! CI identity: verifying an OIDC token (as GitHub Actions or GitLab issue
//! them) against the issuer's JWKS, with an issuer allow-list, the expected
//! audience, required claims and a bounded clock skew. Fetching and caching
//! the JWKS is the caller's job; this is the pure check.

use std::collections::BTreeMap;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use serde_json::Value;

/// What a token must satisfy.
#[derive(Debug, Clone)]
pub struct OidcPolicy {
    /// Accepted `iss` values, exactly.
    pub issuers: Vec<String>,
    /// The expected `aud`.
    pub audience: String,
    /// Claims that must be present with exactly these values (e.g.
    /// `repository`, `ref`).
    pub required_claims: BTreeMap<String, String>,
    /// Tolerated clock skew, in seconds.
    pub leeway_seconds: u64,
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    #[error("the token is malformed: {0}")]
    Malformed(String),
    #[error("no key in the issuer's key set has id {0:?}")]
    UnknownKey(Option<String>),
    #[error("the token is invalid: {0}")]
    Invalid(String),
    #[error("issuer `{0}` is not allowed")]
    Issuer(String),
    #[error("claim `{claim}` is {found:?}, expected `{expected}`")]
    Claim { claim: String, expected: String, found: Option<String> },
}

/// Verifies `token` against `jwks` at time `now` (Unix seconds) and returns
/// its claims.
pub fn verify_token(
    token: &str,
    jwks: &JwkSet,
    policy: &OidcPolicy,
    now: u64,
) -> Result<BTreeMap<String, Value>, OidcError> {
    let header = decode_header(token).map_err(|e| OidcError::Malformed(e.to_string()))?;
    let jwk = match &header.kid {
        Some(kid) => jwks.find(kid),
        None => None,
    }
    .ok_or_else(|| OidcError::UnknownKey(header.kid.clone()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| OidcError::Malformed(e.to_string()))?;
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[&policy.audience]);
    validation.set_issuer(&policy.issuers);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "iat"]);
    validation.leeway = policy.leeway_seconds;
    // Expiry is checked below against the caller's clock, not the system's,
    // so verdicts are reproducible.
    validation.validate_exp = false;
    let data = decode::<BTreeMap<String, Value>>(token, &key, &validation).map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::InvalidIssuer => OidcError::Issuer(decode_issuer(token).unwrap_or_default()),
        _ => OidcError::Invalid(e.to_string()),
    })?;
    let claims = data.claims;
    let exp = claims.get("exp").and_then(Value::as_u64).ok_or_else(|| OidcError::Invalid("no exp".into()))?;
    if now > exp.saturating_add(policy.leeway_seconds) {
        return Err(OidcError::Invalid("the token has expired".into()));
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_u64)
        && now.saturating_add(policy.leeway_seconds) < nbf
    {
        return Err(OidcError::Invalid("the token is not valid yet".into()));
    }
    for (claim, expected) in &policy.required_claims {
        let found = claims.get(claim).and_then(Value::as_str).map(str::to_owned);
        if found.as_deref() != Some(expected.as_str()) {
            return Err(OidcError::Claim { claim: claim.clone(), expected: expected.clone(), found });
        }
    }
    Ok(claims)
}

/// The `iss` claim of a token, read without verifying it (for messages only).
fn decode_issuer(token: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("iss")?.as_str().map(str::to_owned)
}
