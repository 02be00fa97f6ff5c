use std::path::{Path, PathBuf};

use rampart_assurance::Assertion;
use rampart_evidence::{Outcome, Verdict, Verifier, VerifyOptions};
use serde_json::{Value, json};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn assertion(ty: &str, params: Value) -> Assertion {
    serde_json::from_value(json!({"type": ty, "params": params, "description": "test"})).unwrap()
}

/// A temporary project with the given files.
pub fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, content) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

pub fn verifier(root: &Path) -> Verifier {
    Verifier::new(root, VerifyOptions::default()).unwrap()
}

pub fn check(v: &Verifier, ty: &str, params: Value) -> Verdict {
    v.verify(&assertion(ty, params))
}

#[track_caller]
pub fn assert_outcome(v: &Verdict, outcome: Outcome) {
    assert_eq!(v.outcome, outcome, "unexpected verdict: {v:#?}");
    assert_eq!(v.passed, outcome == Outcome::Pass);
}
