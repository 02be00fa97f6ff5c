//! Pattern, file, env and header types.

use rampart_evidence::Outcome;
use serde_json::json;

use crate::support::{assert_outcome, check, project, verifier};

const APP: &[u8] = b"import os\n\
# token = os.environ['COMMENTED_OUT']\n\
API_KEY = os.environ.get(\"API_KEY\")\n\
def login(user):\n    return 1\n\
def logout(user):\n    return 2\n\
HEADERS = {\"Strict-Transport-Security\": \"max-age=63072000\"}\n\
# X-Frame-Options: DENY\n";

#[test]
fn pattern_types_and_vacuity_guards() {
    let dir = project(&[("app.py", APP)]);
    let v = verifier(dir.path());
    let c = |ty: &str, p| check(&v, ty, p);
    assert_outcome(&c("pattern_matches", json!({"file": "app.py", "pattern": r"def login\("})), Outcome::Pass);
    assert_outcome(&c("pattern_matches", json!({"file": "app.py", "pattern": "DEF LOGIN"})), Outcome::Fail);
    assert_outcome(&c("pattern_matches", json!({"file": "app.py", "pattern": "(?i)DEF LOGIN"})), Outcome::Pass);
    let unf = c("pattern_matches", json!({"file": "app.py", "pattern": "x*"}));
    assert_outcome(&unf, Outcome::Fail);
    assert!(unf.details.contains("unfalsifiable"));
    let unw = c("pattern_matches", json!({"file": "app.py", "pattern": r"\bdef"}));
    assert_outcome(&unw, Outcome::Pass);
    let unw = c("pattern_matches", json!({"file": "app.py", "pattern": r"\b"}));
    assert!(unw.details.contains("unwitnessed"), "{unw:?}");
    let never = c("pattern_absent", json!({"file": "app.py", "pattern": r"[^\s\S]"}));
    assert_outcome(&never, Outcome::Fail);
    assert!(never.details.contains("can match nothing"));
    assert_outcome(&c("pattern_absent", json!({"file": "app.py", "pattern": "eval\\("})), Outcome::Pass);
    assert_outcome(&c("pattern_absent", json!({"file": "app.py", "pattern": "return 2"})), Outcome::Fail);
    // Scope: `return 2` is not inside login.
    let scoped = json!({"file": "app.py", "pattern": "return 2", "scope_start": "^def login", "scope_end": "^def "});
    assert_outcome(&c("pattern_absent", scoped), Outcome::Pass);
    let missing = c("pattern_matches", json!({"file": "app.py", "pattern": "x", "scope_start": "^class "}));
    assert!(missing.details.contains("scope start"), "{missing:?}");
    // Flags.
    let ml = json!({"file": "app.py", "pattern": "^def logout", "multiline": "true"});
    assert_outcome(&c("pattern_matches", ml), Outcome::Pass);
    let dot = json!({"file": "app.py", "pattern": "login.*logout", "dotall": true});
    assert_outcome(&c("pattern_matches", dot), Outcome::Pass);
    assert_outcome(&c("pattern_matches", json!({"file": "app.py", "pattern": "login.*logout"})), Outcome::Fail);
    // Target.
    let t = json!({"target": "feature_description", "target_content": "Users log in with MFA", "pattern": "MFA"});
    assert_outcome(&c("pattern_matches", t), Outcome::Pass);
    let t = json!({"target": "feature_description", "pattern": "MFA"});
    assert_outcome(&c("pattern_matches", t), Outcome::Fail);
    // Size limit.
    let big = c("pattern_matches", json!({"file": "app.py", "pattern": r"\w{1000}{1000}"}));
    assert_outcome(&big, Outcome::Fail);
}

#[test]
fn secrets_env_and_headers() {
    let dir =
        project(&[("app.py", APP), ("nginx.conf", b"# add_header Server x;\nadd_header x-frame-options DENY;\n")]);
    let v = verifier(dir.path());
    let c = |ty: &str, p| check(&v, ty, p);
    let secret = c("no_plaintext_secret", json!({"file": "app.py", "patterns": ["max-age=\\d+", "AKIA[0-9A-Z]{16}"]}));
    assert_outcome(&secret, Outcome::Fail);
    assert!(!secret.details.contains("63072000"), "the secret must not be echoed: {secret:?}");
    let clean = c("no_plaintext_secret", json!({"file": "app.py", "patterns": "[\"AKIA[0-9A-Z]{16}\"]"}));
    assert_outcome(&clean, Outcome::Pass);
    assert_outcome(&c("env_var_referenced", json!({"file": "app.py", "variable": "API_KEY"})), Outcome::Pass);
    assert_outcome(&c("env_var_referenced", json!({"file": "app.py", "variable": "COMMENTED_OUT"})), Outcome::Fail);
    let h = c("http_header_set", json!({"file": "app.py", "header": "strict-transport-security"}));
    assert_outcome(&h, Outcome::Pass);
    assert_outcome(&c("http_header_set", json!({"file": "app.py", "header": "X-Frame-Options"})), Outcome::Fail);
    let h = c("http_header_set", json!({"file": "nginx.conf", "header": "X-Frame-Options"}));
    assert_outcome(&h, Outcome::Pass);
    assert_outcome(&c("http_header_set", json!({"file": "nginx.conf", "header": "Server"})), Outcome::Fail);
}

#[test]
fn file_types() {
    let dir = project(&[
        ("a.txt", b"abc"),
        ("tests/unit/test_auth.py", b""),
        ("node_modules/x/test_auth.py", b""),
        (".gitignore", b"node_modules/\n"),
    ]);
    let v = verifier(dir.path());
    let c = |ty: &str, p| check(&v, ty, p);
    assert_outcome(&c("file_exists", json!({"file": "a.txt"})), Outcome::Pass);
    assert_outcome(&c("file_exists", json!({"file": "tests"})), Outcome::Fail);
    let sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let ok = c("file_hash", json!({"file": "a.txt", "expected_hash": sha256, "scope_file": "a.txt"}));
    assert_outcome(&ok, Outcome::Pass);
    let md5 = c(
        "file_hash",
        json!({"file": "a.txt", "algorithm": "md5", "expected_hash": "900150983cd24fb0d6963f7d28e17f72", "scope_file": "a.txt"}),
    );
    assert_outcome(&md5, Outcome::Pass);
    let b2 = c(
        "file_hash",
        json!({"file": "a.txt", "algorithm": "blake2s", "expected_hash": "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982", "scope_file": "a.txt"}),
    );
    assert_outcome(&b2, Outcome::Pass);
    let s3 = c(
        "file_hash",
        json!({"file": "a.txt", "algorithm": "sha3_256", "expected_hash": "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532", "scope_file": "a.txt"}),
    );
    assert_outcome(&s3, Outcome::Pass);
    let bad = c("file_hash", json!({"file": "a.txt", "expected_hash": "0".repeat(64), "scope_file": "a.txt"}));
    assert_outcome(&bad, Outcome::Fail);
    assert_outcome(&c("test_exists", json!({"pattern": "tests/**/test_*.py"})), Outcome::Pass);
    assert_outcome(&c("test_exists", json!({"pattern": "tests/test_*.py"})), Outcome::Fail);
    assert_outcome(&c("test_exists", json!({"pattern": "node_modules/**/test_*.py"})), Outcome::Fail);
}
