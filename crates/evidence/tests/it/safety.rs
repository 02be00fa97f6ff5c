//! Paths stay inside the root; huge, binary, malformed and unknown inputs get
//! clear verdicts.

use rampart_evidence::{Outcome, Verifier, VerifyOptions};
use serde_json::json;

use crate::support::{assert_outcome, check, project, verifier};

#[test]
fn parent_and_absolute_paths_are_refused() {
    let dir = project(&[("a.txt", b"x")]);
    let v = verifier(dir.path());
    for file in ["../a.txt", "sub/../../a.txt", "/etc/passwd"] {
        let verdict = check(&v, "pattern_matches", json!({"file": file, "pattern": "x"}));
        assert_outcome(&verdict, Outcome::Fail);
        assert!(verdict.details.contains("invalid parameters"), "{verdict:?}");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_and_symlinks_themselves_are_refused() {
    let outside = project(&[("secret.txt", b"password=hunter2")]);
    let dir = project(&[("real.txt", b"hello"), ("sub/keep.txt", b"k")]);
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("link.txt")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real.txt"), dir.path().join("inner.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("outdir")).unwrap();
    let v = verifier(dir.path());
    let out = check(&v, "pattern_matches", json!({"file": "link.txt", "pattern": "password"}));
    assert_outcome(&out, Outcome::Fail);
    assert!(out.details.contains("symbolic link"), "{out:?}");
    let inner = check(&v, "file_exists", json!({"file": "inner.txt"}));
    assert_outcome(&inner, Outcome::Fail);
    let via_dir = check(&v, "pattern_matches", json!({"file": "outdir/secret.txt", "pattern": "password"}));
    assert_outcome(&via_dir, Outcome::Fail);
    assert!(via_dir.details.contains("escapes the project root"), "{via_dir:?}");
    // test_exists never lists what is behind a link.
    let glob = check(&v, "test_exists", json!({"pattern": "**/secret.txt"}));
    assert_outcome(&glob, Outcome::Fail);
}

#[test]
fn huge_and_binary_files_are_refused() {
    let big = vec![b'a'; 3 * 1024 * 1024];
    let mut bin = b"def validate_token():\n".to_vec();
    bin.push(0);
    let dir = project(&[("big.py", &big), ("bin.py", &bin)]);
    let v = verifier(dir.path());
    let verdict = check(&v, "function_exists", json!({"file": "big.py", "name": "x"}));
    assert_outcome(&verdict, Outcome::Fail);
    assert!(verdict.details.contains("size cap"), "{verdict:?}");
    let verdict = check(&v, "function_exists", json!({"file": "bin.py", "name": "validate_token"}));
    assert_outcome(&verdict, Outcome::Fail);
    assert!(verdict.details.contains("binary"), "{verdict:?}");
    // A configurable cap.
    let small = Verifier::new(dir.path(), VerifyOptions { max_file_bytes: 4, ..VerifyOptions::default() }).unwrap();
    let verdict = check(&small, "pattern_matches", json!({"file": "bin.py", "pattern": "def"}));
    assert!(verdict.details.contains("size cap"), "{verdict:?}");
}

#[test]
fn missing_file_unknown_type_and_missing_params() {
    let dir = project(&[("a.py", b"x = 1\n")]);
    let v = verifier(dir.path());
    let missing = check(&v, "function_exists", json!({"file": "nope.py", "name": "x"}));
    assert_outcome(&missing, Outcome::Fail);
    assert!(missing.details.contains("not found"), "{missing:?}");
    let unknown = check(&v, "quantum_safe", json!({}));
    assert_outcome(&unknown, Outcome::Skipped);
    assert!(unknown.details.contains("quantum_safe"));
    let params = check(&v, "function_calls", json!({"file": "a.py", "caler": "x"}));
    assert_outcome(&params, Outcome::Fail);
    for p in ["caller", "callee", "caler"] {
        assert!(params.details.contains(p), "{params:?}");
    }
}

#[test]
fn a_missing_root_is_an_error() {
    let err = Verifier::new(std::path::Path::new("/definitely/not/here"), VerifyOptions::default()).unwrap_err();
    assert_eq!(err.code(), "evidence_root_unreadable");
}

#[test]
fn test_passes_needs_the_opt_in_and_attestations_need_a_commit() {
    let dir = project(&[("a.py", b"x = 1\n")]);
    let v = verifier(dir.path());
    let t = check(&v, "test_passes", json!({"pattern": "test_login"}));
    assert_outcome(&t, Outcome::Skipped);
    assert!(t.details.contains("allow_test_execution"));
    let t = check(&v, "test_attested", json!({"test": "tests/test_a.py::test_x"}));
    assert_outcome(&t, Outcome::Fail);
    assert!(t.details.contains("commit"), "{}", t.details);
}

#[test]
fn verify_all_keeps_order_and_reads_each_file_once() {
    let dir = project(&[("a.py", b"def f():\n    g()\n"), ("tests/test_a.py", b"")]);
    let v = verifier(dir.path());
    let list: Vec<_> = (0..50)
        .map(|i| {
            if i % 2 == 0 {
                crate::support::assertion("function_exists", json!({"file": "a.py", "name": "f"}))
            } else {
                crate::support::assertion("test_exists", json!({"pattern": "tests/test_*.py"}))
            }
        })
        .collect();
    let verdicts = v.verify_all(&list);
    assert_eq!(verdicts.len(), 50);
    for (i, verdict) in verdicts.iter().enumerate() {
        let ty = if i % 2 == 0 { "function_exists" } else { "test_exists" };
        assert_eq!(verdict.assertion_type, ty);
        assert_outcome(verdict, Outcome::Pass);
    }
}
