//! Signing round trips and forged results.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rampart_attest::{
    AttestError, PublicKey, ResultEntry, RunPredicate, SigningKey, pae, results_hash, sign_statement, statement,
    verify_envelope,
};

fn predicate() -> RunPredicate {
    RunPredicate {
        run_id: "run-42".into(),
        model_id: "m1".into(),
        repository: "git.example.com/acme/uploads".into(),
        commit: "0123abcd".into(),
        created_at: "2026-11-22T12:00:00Z".into(),
        results: vec![
            ResultEntry {
                assertion_id: "a2".into(),
                assertion_type: "function_calls".into(),
                tier1: "pass".into(),
                tier2: "pass".into(),
                evidence_hash: Some("ab".into()),
                ..Default::default()
            },
            ResultEntry {
                assertion_id: "a1".into(),
                assertion_type: "function_exists".into(),
                tier1: "pass".into(),
                tier2: "pass".into(),
                evidence_hash: None,
                ..Default::default()
            },
        ],
    }
}

#[test]
fn round_trip() {
    let (key, pkcs8) = SigningKey::generate().unwrap();
    let envelope = sign_statement(&statement(predicate()), &key).unwrap();
    let public = key.public_key();
    let back = verify_envelope(&envelope, std::slice::from_ref(&public)).unwrap();
    assert_eq!(back.predicate, predicate());
    // The stored PKCS#8 reloads to the same key; the SPKI round-trips.
    assert_eq!(SigningKey::from_pkcs8(&pkcs8).unwrap().public_key(), public);
    assert_eq!(PublicKey::from_spki_der(&public.spki_der()).unwrap(), public);
    assert!(public.fingerprint().starts_with("SHA256:") && public.fingerprint().len() == 71);
}

#[test]
fn the_results_hash_ignores_order_but_not_content() {
    let mut p = predicate();
    let h = results_hash(&p.results);
    p.results.reverse();
    assert_eq!(results_hash(&p.results), h);
    p.results[0].tier2 = "fail".into();
    assert_ne!(results_hash(&p.results), h);
}

#[test]
fn forgeries_are_refused() {
    let (key, _) = SigningKey::generate().unwrap();
    let (other, _) = SigningKey::generate().unwrap();
    let trusted = [key.public_key()];
    let good = sign_statement(&statement(predicate()), &key).unwrap();

    // Signed by a key the workspace does not trust.
    let foreign = sign_statement(&statement(predicate()), &other).unwrap();
    assert!(matches!(verify_envelope(&foreign, &trusted), Err(AttestError::UnknownKey(_))));

    // A trusted key id on someone else's signature.
    let mut stolen_id = foreign.clone();
    stolen_id.signatures[0].keyid = key.public_key().fingerprint();
    assert_eq!(verify_envelope(&stolen_id, &trusted), Err(AttestError::BadSignature));

    // Tampered results (re-encoded payload, old signature).
    let mut body: serde_json::Value = serde_json::from_slice(&STANDARD.decode(&good.payload).unwrap()).unwrap();
    body["predicate"]["results"][0]["tier2"] = "pass".into();
    body["predicate"]["results"][1]["tier1"] = "fail".into();
    let mut tampered = good.clone();
    tampered.payload = STANDARD.encode(body.to_string());
    assert_eq!(verify_envelope(&tampered, &trusted), Err(AttestError::BadSignature));

    // Results changed and re-signed without updating the subject digest.
    let mut st = statement(predicate());
    st.predicate.results[0].tier2 = "fail".into();
    let inconsistent = sign_statement(&st, &key).unwrap();
    assert_eq!(verify_envelope(&inconsistent, &trusted), Err(AttestError::DigestMismatch));

    // Wrong payload type; garbage base64; no signatures.
    let mut wrong_type = good.clone();
    wrong_type.payload_type = "text/plain".into();
    assert!(matches!(verify_envelope(&wrong_type, &trusted), Err(AttestError::WrongPayloadType(_))));
    let mut garbage = good.clone();
    garbage.payload = "!!!".into();
    assert!(matches!(verify_envelope(&garbage, &trusted), Err(AttestError::Malformed(_))));
    let mut unsigned = good.clone();
    unsigned.signatures.clear();
    assert!(verify_envelope(&unsigned, &trusted).is_err());
}

#[test]
fn pae_follows_the_dsse_spec() {
    assert_eq!(
        pae("http://example.com/HelloWorld", b"hello world"),
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    );
}
