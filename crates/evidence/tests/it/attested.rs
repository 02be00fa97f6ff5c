//! `test_attested`: only a signed, coherent attestation for this commit that
//! records the test as passed is evidence.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rampart_evidence::attestation::{IN_TOTO_PAYLOAD_TYPE, TEST_RESULT_PREDICATE, dsse_pae, key_fingerprint};
use rampart_evidence::{Outcome, Verdict, Verifier, VerifyOptions};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

use crate::support::{assert_outcome, assertion, project};

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
const SPKI_P256_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

struct Key {
    pair: EcdsaKeyPair,
    spki: Vec<u8>,
}

fn key() -> Key {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let spki = [&SPKI_P256_PREFIX[..], pair.public_key().as_ref()].concat();
    Key { pair, spki }
}

fn predicate(test_status: &str) -> Value {
    let (passed, failed) = if test_status == "passed" { (2, 0) } else { (1, 1) };
    json!({
        "commit": COMMIT,
        "totals": {"passed": passed, "failed": failed, "skipped": 0},
        "tests": [
            {"id": "tests/test_auth.py::test_login", "name": "test_login", "status": test_status, "file": "tests/test_auth.py"},
            {"id": "tests/test_auth.py::test_logout", "name": "test_logout", "status": "passed"},
        ],
        "environment": {"DB": "postgres", "PYTHON": "3.12"},
    })
}

fn envelope(predicate: &Value, signer: Option<&Key>) -> Vec<u8> {
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "repo", "digest": {"gitCommit": COMMIT}}],
        "predicateType": TEST_RESULT_PREDICATE,
        "predicate": predicate,
    });
    let body = serde_json::to_vec(&statement).unwrap();
    let signatures: Vec<Value> = signer
        .map(|k| {
            let sig = k.pair.sign(&SystemRandom::new(), &dsse_pae(IN_TOTO_PAYLOAD_TYPE, &body)).unwrap();
            json!({"keyid": key_fingerprint(&k.spki), "sig": STANDARD.encode(sig.as_ref())})
        })
        .into_iter()
        .collect();
    serde_json::to_vec(
        &json!({"payloadType": IN_TOTO_PAYLOAD_TYPE, "payload": STANDARD.encode(&body), "signatures": signatures}),
    )
    .unwrap()
}

fn run(files: &[(&str, &[u8])], opts: VerifyOptions, params: Value) -> Verdict {
    let dir = project(files);
    Verifier::new(dir.path(), opts).unwrap().verify(&assertion("test_attested", params))
}

fn trusting(k: &Key) -> VerifyOptions {
    VerifyOptions { commit: Some(COMMIT.to_owned()), trusted_keys: vec![k.spki.clone()], ..VerifyOptions::default() }
}

const AUTH_PY: &[u8] = b"def login(user, password):\n    return check(user, password)\n";

#[test]
fn a_signed_attestation_for_this_commit_passes() {
    let k = key();
    let att = envelope(&predicate("passed"), Some(&k));
    let files: &[(&str, &[u8])] = &[(".rampart/attestations/run.json", &att), ("app/auth.py", AUTH_PY)];
    let params = json!({"test": "tests/test_auth.py::test_login", "env": {"DB": "postgres", "CI_DEBUG": null}, "mechanism": "app/auth.py::login"});
    let v = run(files, trusting(&k), params);
    assert_outcome(&v, Outcome::Pass);
    assert!(v.details.contains("signed by SHA256:"), "{}", v.details);
    assert_eq!(v.file.as_deref(), Some(".rampart/attestations/run.json"));
    assert!(v.evidence_hash.is_some());
    // By name too.
    let v = run(files, trusting(&k), json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Pass);
}

#[test]
fn a_tampered_attestation_fails() {
    let k = key();
    let att = envelope(&predicate("failed"), Some(&k));
    let mut env: Value = serde_json::from_slice(&att).unwrap();
    // Swap in a payload claiming the test passed, keeping the old signature.
    let forged = envelope(&predicate("passed"), None);
    let forged: Value = serde_json::from_slice(&forged).unwrap();
    env["payload"] = forged["payload"].clone();
    let bytes = serde_json::to_vec(&env).unwrap();
    let v = run(&[(".rampart/attestations/run.json", &bytes)], trusting(&k), json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("does not verify"), "{}", v.details);
}

#[test]
fn an_untrusted_or_missing_signature_fails() {
    let (k, other) = (key(), key());
    let att = envelope(&predicate("passed"), Some(&other));
    let v = run(&[(".rampart/attestations/run.json", &att)], trusting(&k), json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("trusted key"), "{}", v.details);
    let unsigned = envelope(&predicate("passed"), None);
    let v = run(&[(".rampart/attestations/run.json", &unsigned)], trusting(&k), json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Fail);
    // No keys: unsigned only with the explicit opt-in.
    let no_keys = VerifyOptions { commit: Some(COMMIT.to_owned()), ..VerifyOptions::default() };
    let v = run(&[(".rampart/attestations/run.json", &unsigned)], no_keys.clone(), json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Fail);
    let opted = VerifyOptions { allow_unsigned_attestations: true, ..no_keys };
    let v = run(&[(".rampart/attestations/run.json", &unsigned)], opted, json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Pass);
    assert!(v.details.contains("unsigned"), "{}", v.details);
}

#[test]
fn the_wrong_commit_or_no_commit_fails() {
    let k = key();
    let att = envelope(&predicate("passed"), Some(&k));
    let files: &[(&str, &[u8])] = &[(".rampart/attestations/run.json", &att)];
    let other = VerifyOptions { commit: Some("f".repeat(40)), ..trusting(&k) };
    let v = run(files, other, json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("not ffff"), "{}", v.details);
    let none = VerifyOptions { commit: None, ..trusting(&k) };
    let v = run(files, none, json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("no commit"), "{}", v.details);
}

#[test]
fn a_failed_absent_or_incoherent_run_fails() {
    let k = key();
    let failed = envelope(&predicate("failed"), Some(&k));
    let v = run(&[(".rampart/attestations/run.json", &failed)], trusting(&k), json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("`test_login` failed"), "{}", v.details);
    let ok = envelope(&predicate("passed"), Some(&k));
    let v = run(&[(".rampart/attestations/run.json", &ok)], trusting(&k), json!({"test": "test_signup"}));
    assert_outcome(&v, Outcome::Fail);
    let mut lying = predicate("failed");
    lying["totals"] = json!({"passed": 2, "failed": 0, "skipped": 0});
    let lying = envelope(&lying, Some(&k));
    let v = run(&[(".rampart/attestations/run.json", &lying)], trusting(&k), json!({"test": "test_logout"}));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("disagree"), "{}", v.details);
    let v = run(&[("a.py", b"")], trusting(&k), json!({"test": "test_login"}));
    assert_outcome(&v, Outcome::Fail);
}

#[test]
fn required_environment_values_must_be_recorded() {
    let k = key();
    let att = envelope(&predicate("passed"), Some(&k));
    let files: &[(&str, &[u8])] = &[(".rampart/attestations/run.json", &att)];
    for env in [json!({"TLS": "1"}), json!({"DB": "sqlite"}), json!({"PYTHON": null})] {
        let v = run(files, trusting(&k), json!({"test": "test_login", "env": env}));
        assert_outcome(&v, Outcome::Fail);
        assert!(v.details.contains("environment"), "{}", v.details);
    }
}

#[test]
fn the_mechanism_must_exist() {
    let k = key();
    let att = envelope(&predicate("passed"), Some(&k));
    let files: &[(&str, &[u8])] = &[(".rampart/attestations/run.json", &att), ("app/auth.py", AUTH_PY)];
    let v = run(files, trusting(&k), json!({"test": "test_login", "mechanism": "app/auth.py::logout"}));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("mechanism"), "{}", v.details);
    let v = run(files, trusting(&k), json!({"test": "test_login", "mechanism": "app/missing.py::login"}));
    assert_outcome(&v, Outcome::Fail);
}

#[cfg(unix)]
#[test]
fn a_symlinked_attestation_is_not_read() {
    let k = key();
    let att = envelope(&predicate("passed"), Some(&k));
    let dir = project(&[("elsewhere/run.json", &att), (".rampart/attestations/README", b"")]);
    std::os::unix::fs::symlink(
        dir.path().join("elsewhere/run.json"),
        dir.path().join(".rampart/attestations/run.json"),
    )
    .unwrap();
    let v = Verifier::new(dir.path(), trusting(&k))
        .unwrap()
        .verify(&assertion("test_attested", json!({"test": "test_login"})));
    assert_outcome(&v, Outcome::Fail);
}
