//! Configuration types over real parsers.

use rampart_evidence::Outcome;
use serde_json::json;

use crate::support::{assert_outcome, check, project, verifier};

#[test]
fn config_formats_and_dotted_lookup() {
    let dir = project(&[
        ("c.json", br#"{"session": {"timeout": 900, "secure": true}, "hosts": ["a", {"name": "b"}], "spring.flat.key": "v"}"# as &[u8]),
        ("c.yaml", b"session:\n  timeout: 900\n  cookie: {secure: true}\nbase: &b {x: 1}\nderived:\n  <<: *b\n---\nsecond: doc\n"),
        ("c.toml", b"[server]\nport = 8443\n[server.tls]\nmin = \"1.2\"\n"),
        ("c.ini", b"debug = false\n[auth]\nmfa = required\n"),
        (".env", b"# comment\nexport SECRET_KEY='abc'\nDEBUG=false # trailing\nMULTI=\"a\nb\"\n"),
        ("broken.json", b"{\"a\": "),
        ("broken.yaml", b"a: [1, 2\n"),
    ]);
    let v = verifier(dir.path());
    let c = |ty: &str, p| check(&v, ty, p);
    let key = |file: &str, key: &str| c("config_key_exists", json!({"file": file, "key": key}));
    let val = |file: &str, key: &str, pattern: &str| {
        c("config_value_matches", json!({"file": file, "key": key, "pattern": pattern}))
    };
    assert_outcome(&key("c.json", "session.timeout"), Outcome::Pass);
    assert_outcome(&key("c.json", "hosts.1.name"), Outcome::Pass);
    assert_outcome(&key("c.json", "hosts.2"), Outcome::Fail);
    assert_outcome(&key("c.json", "spring.flat.key"), Outcome::Pass);
    assert_outcome(&val("c.json", "session.timeout", "^900$"), Outcome::Pass);
    assert_outcome(&val("c.json", "session.secure", "^true$"), Outcome::Pass);
    assert_outcome(&val("c.json", "session.secure", "^True$"), Outcome::Pass);
    assert_outcome(&val("c.json", "session.secure", "^false$"), Outcome::Fail);
    assert_outcome(&val("c.json", "session.timeout", ".*"), Outcome::Fail);
    assert_outcome(&key("c.yaml", "session.cookie.secure"), Outcome::Pass);
    assert_outcome(&key("c.yaml", "derived.x"), Outcome::Pass);
    assert_outcome(&key("c.yaml", "second"), Outcome::Pass);
    assert_outcome(&val("c.toml", "server.tls.min", r"^1\.[23]$"), Outcome::Pass);
    assert_outcome(&val("c.toml", "server.port", "^8443$"), Outcome::Pass);
    assert_outcome(&val("c.ini", "auth.mfa", "^required$"), Outcome::Pass);
    assert_outcome(&val("c.ini", "debug", "^false$"), Outcome::Pass);
    assert_outcome(&val(".env", "SECRET_KEY", "^abc$"), Outcome::Pass);
    assert_outcome(&val(".env", "DEBUG", "^false$"), Outcome::Pass);
    assert_outcome(&val(".env", "MULTI", "a\nb"), Outcome::Pass);
    let broken = key("broken.json", "a");
    assert_outcome(&broken, Outcome::Fail);
    assert!(broken.details.contains("cannot parse"), "{broken:?}");
    let broken = key("broken.yaml", "a");
    assert!(broken.details.contains("cannot parse"), "{broken:?}");
    let secret = val(".env", "SECRET_KEY", "^zzz$");
    assert!(!secret.details.contains("abc"), "values are not echoed: {secret:?}");
}
