//! The offline judge.

use rampart_catalog::{OfflineJudge, SAME_MECHANISM_THRESHOLD, mechanism_similarity, same_mechanism};
use rampart_model::{DeterministicJudge, EntityKind, IdentityProbe, IdentityVerdict, Judge};

#[test]
fn rewordings_of_one_mechanism_fold() {
    let pairs = [
        (
            "Scan every uploaded file with an antivirus engine before it is stored.",
            "Uploaded files must be scanned by an antivirus engine before storing them.",
        ),
        (
            "Validate the content type and size of each upload against an allowlist.",
            "Uploads are validated: content types against an allowlist, and sizes.",
        ),
        ("Rotate secrets automatically on a schedule.", "Secrets are rotated on a schedule, automatically."),
    ];
    for (a, b) in pairs {
        assert!(same_mechanism(a, b), "{a} / {b}: {:.2}", mechanism_similarity(a, b));
        assert!(OfflineJudge.same_mechanism(a, b).unwrap());
    }
}

#[test]
fn different_mechanisms_do_not_fold() {
    let pairs = [
        ("Scan every uploaded file with an antivirus engine.", "Encrypt uploaded files at rest with a KMS key."),
        ("Rate-limit sign-in attempts per account.", "Require a second factor at sign-in."),
        ("Log every admin action to the audit log.", "Restrict admin actions to named roles."),
    ];
    for (a, b) in pairs {
        assert!(!same_mechanism(a, b), "{a} / {b}: {:.2}", mechanism_similarity(a, b));
    }
    const { assert!(SAME_MECHANISM_THRESHOLD > 0.5 && SAME_MECHANISM_THRESHOLD < 1.0) };
}

#[test]
fn similarity_is_symmetric_and_reflexive() {
    let a = "Pin every dependency by version and checksum.";
    let b = "Sign every image in CI with provenance.";
    assert!((mechanism_similarity(a, b) - mechanism_similarity(b, a)).abs() < f64::EPSILON);
    assert!((mechanism_similarity(a, a) - 1.0).abs() < f64::EPSILON);
}

#[test]
fn identity_is_the_models_deterministic_judgement() {
    let probe = |name| IdentityProbe { kind: EntityKind::Asset, name, detail: "" };
    for (a, b) in [
        ("Uploaded Files", "uploaded file"),
        ("OAuth Tokens", "OAuth Refresh Tokens"),
        ("OIDC Token", "CI Attestation Bundle"),
    ] {
        let ours = OfflineJudge.identity(&probe(a), &probe(b)).unwrap();
        assert_eq!(ours, DeterministicJudge.identity(&probe(a), &probe(b)).unwrap());
    }
    assert_eq!(
        OfflineJudge.identity(&probe("Uploaded Files"), &probe("uploaded file")).unwrap(),
        IdentityVerdict::Same
    );
}
