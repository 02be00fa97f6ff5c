//! Every code-shape type in every supported language: the real thing passes;
//! the name only in a comment, a string, at a call site or in another
//! function never does.

use rampart_evidence::Outcome;
use serde_json::json;

use crate::support::{check, fixtures, verifier};

struct Case {
    good: &'static str,
    bad: &'static str,
    module: &'static str,
    decorators: bool,
}

const CASES: &[Case] = &[
    Case { good: "good.py", bad: "bad.py", module: "hashlib", decorators: true },
    Case { good: "good.js", bad: "bad.js", module: "crypto", decorators: true },
    Case { good: "good.ts", bad: "bad.ts", module: "crypto", decorators: true },
    Case { good: "good.tsx", bad: "bad.tsx", module: "crypto", decorators: true },
    Case { good: "good.go", bad: "bad.go", module: "crypto/sha256", decorators: false },
    Case { good: "good.rs", bad: "bad.rs", module: "sha2", decorators: true },
    Case { good: "Good.java", bad: "Bad.java", module: "java.security", decorators: true },
    Case { good: "good.cs", bad: "bad.cs", module: "System.Security.Cryptography", decorators: true },
    Case { good: "good.c", bad: "bad.c", module: "openssl/sha.h", decorators: true },
    Case { good: "good.cpp", bad: "bad.cpp", module: "openssl/sha.h", decorators: true },
];

fn assertions(file: &str, module: &str) -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("function_exists", json!({"file": file, "name": "validate_token"})),
        ("class_exists", json!({"file": file, "name": "TokenStore"})),
        ("decorator_present", json!({"file": file, "function": "handler", "decorator": "requires_auth"})),
        ("function_calls", json!({"file": file, "caller": "handler", "callee": "sanitize"})),
        ("import_present", json!({"file": file, "module": module})),
        ("parameter_validated", json!({"file": file, "function": "handler", "parameter": "token"})),
        ("error_handled", json!({"file": file, "function": "handler"})),
        ("middleware_registered", json!({"file": file, "middleware": "AuthMiddleware"})),
    ]
}

#[test]
fn real_shapes_pass_in_every_language() {
    let v = verifier(&fixtures().join("code"));
    let mut failures = Vec::new();
    for case in CASES {
        for (ty, params) in assertions(case.good, case.module) {
            let verdict = check(&v, ty, params);
            let expected = if ty == "decorator_present" && !case.decorators { Outcome::Fail } else { Outcome::Pass };
            if verdict.outcome != expected {
                failures.push(format!("{} {ty}: {:?} {}", case.good, verdict.outcome, verdict.details));
            }
            if expected == Outcome::Pass && (verdict.line.is_none() || verdict.evidence_hash.is_none()) {
                failures.push(format!("{} {ty}: no line or evidence hash: {verdict:?}", case.good));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn names_in_comments_strings_calls_and_other_functions_never_pass() {
    let v = verifier(&fixtures().join("code"));
    let mut failures = Vec::new();
    for case in CASES {
        for (ty, params) in assertions(case.bad, case.module) {
            let verdict = check(&v, ty, params);
            if verdict.outcome != Outcome::Fail {
                failures.push(format!("{} {ty}: {:?} {}", case.bad, verdict.outcome, verdict.details));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_same_shapes_in_the_other_function_do_pass() {
    // Proves the bad files fail for scoping reasons, not because the
    // detector is blind: `other` has what `handler` lacks.
    let v = verifier(&fixtures().join("code"));
    let mut failures = Vec::new();
    for case in CASES {
        let f = case.bad;
        let mut list = vec![
            ("function_calls", json!({"file": f, "caller": "other", "callee": "sanitize"})),
            ("parameter_validated", json!({"file": f, "function": "other", "parameter": "token"})),
            ("error_handled", json!({"file": f, "function": "other"})),
        ];
        if case.decorators {
            list.push(("decorator_present", json!({"file": f, "function": "other", "decorator": "requires_auth"})));
        }
        for (ty, params) in list {
            let verdict = check(&v, ty, params);
            if verdict.outcome != Outcome::Pass {
                failures.push(format!("{f} {ty}: {:?} {}", verdict.outcome, verdict.details));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn qualified_names_must_be_in_their_type() {
    let v = verifier(&fixtures().join("code"));
    let pass = check(&v, "function_exists", json!({"file": "good.cpp", "name": "TokenStore::validate_token"}));
    assert_eq!(pass.outcome, Outcome::Pass, "{pass:?}");
    let pass = check(&v, "function_exists", json!({"file": "good.rs", "name": "TokenStore::validate_token"}));
    assert_eq!(pass.outcome, Outcome::Pass, "{pass:?}");
    let pass = check(&v, "function_exists", json!({"file": "good.go", "name": "Svc.validate_token"}));
    assert_eq!(pass.outcome, Outcome::Pass, "{pass:?}");
    let fail = check(&v, "function_exists", json!({"file": "good.rs", "name": "Other::validate_token"}));
    assert_eq!(fail.outcome, Outcome::Fail, "{fail:?}");
}

#[test]
fn unsupported_language_fails_clearly() {
    let dir = crate::support::project(&[("x.rb", b"def validate_token; end\n")]);
    let v = verifier(dir.path());
    let verdict = check(&v, "function_exists", json!({"file": "x.rb", "name": "validate_token"}));
    assert_eq!(verdict.outcome, Outcome::Fail);
    assert!(verdict.details.contains("language not supported"), "{verdict:?}");
}
