//! OIDC tokens: keys and tokens made here, every refusal checked.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use rampart_attest::{OidcError, OidcPolicy, SigningKey, verify_token};
use serde_json::json;

const NOW: u64 = 1_800_000_000;

struct Issuer {
    pkcs8: Vec<u8>,
    jwks: JwkSet,
}

fn issuer(kid: &str) -> Issuer {
    let (key, pkcs8) = SigningKey::generate().unwrap();
    let point = key.public_key().uncompressed_point().to_vec();
    let jwks: JwkSet = serde_json::from_value(json!({"keys": [{
        "kty": "EC", "crv": "P-256", "kid": kid, "alg": "ES256", "use": "sig",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65])}]}))
    .unwrap();
    Issuer { pkcs8, jwks }
}

fn token(issuer: &Issuer, kid: &str, claims: serde_json::Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.to_owned());
    encode(&header, &claims, &EncodingKey::from_ec_der(&issuer.pkcs8)).unwrap()
}

fn policy() -> OidcPolicy {
    OidcPolicy {
        issuers: vec!["https://token.actions.githubusercontent.com".into()],
        audience: "rampart".into(),
        required_claims: BTreeMap::from([
            ("repository".into(), "acme/uploads".into()),
            ("ref".into(), "refs/heads/main".into()),
        ]),
        leeway_seconds: 60,
    }
}

fn claims() -> serde_json::Value {
    json!({"iss": "https://token.actions.githubusercontent.com", "aud": "rampart", "iat": NOW - 10, "exp": NOW + 300,
           "repository": "acme/uploads", "ref": "refs/heads/main"})
}

#[test]
fn a_good_token_verifies() {
    let ci = issuer("k1");
    let claims = verify_token(&token(&ci, "k1", claims()), &ci.jwks, &policy(), NOW).unwrap();
    assert_eq!(claims["repository"], "acme/uploads");
}

#[test]
fn bad_tokens_are_refused() {
    let ci = issuer("k1");
    let with = |patch: serde_json::Value| {
        let mut c = claims();
        for (k, v) in patch.as_object().unwrap() {
            c[k] = v.clone();
        }
        token(&ci, "k1", c)
    };
    // Expired (beyond the skew), and not yet valid.
    assert!(matches!(
        verify_token(&with(json!({"exp": NOW - 61})), &ci.jwks, &policy(), NOW),
        Err(OidcError::Invalid(_))
    ));
    verify_token(&with(json!({"exp": NOW - 30})), &ci.jwks, &policy(), NOW).unwrap();
    assert!(matches!(
        verify_token(&with(json!({"nbf": NOW + 120})), &ci.jwks, &policy(), NOW),
        Err(OidcError::Invalid(_))
    ));
    // Wrong issuer, audience, repository, ref.
    assert!(matches!(
        verify_token(&with(json!({"iss": "https://evil.example"})), &ci.jwks, &policy(), NOW),
        Err(OidcError::Issuer(_))
    ));
    assert!(matches!(
        verify_token(&with(json!({"aud": "other"})), &ci.jwks, &policy(), NOW),
        Err(OidcError::Invalid(_))
    ));
    let err = verify_token(&with(json!({"repository": "evil/fork"})), &ci.jwks, &policy(), NOW).unwrap_err();
    assert_eq!(err.to_string(), "claim `repository` is Some(\"evil/fork\"), expected `acme/uploads`");
    assert!(matches!(
        verify_token(&with(json!({"ref": "refs/heads/dev"})), &ci.jwks, &policy(), NOW),
        Err(OidcError::Claim { .. })
    ));
    // Signed by another key under the same kid; an unknown kid; garbage.
    let impostor = issuer("k1");
    assert!(matches!(
        verify_token(&token(&impostor, "k1", claims()), &ci.jwks, &policy(), NOW),
        Err(OidcError::Invalid(_))
    ));
    assert!(matches!(
        verify_token(&token(&ci, "k9", claims()), &ci.jwks, &policy(), NOW),
        Err(OidcError::UnknownKey(_))
    ));
    assert!(matches!(verify_token("not.a.token", &ci.jwks, &policy(), NOW), Err(OidcError::Malformed(_))));
}
