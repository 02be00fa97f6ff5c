//! `sink_default_deny` and `typed_boundary`: every site enumerated, every
//! guarded argument a safe form, exceptions reviewed and never stale.

use rampart_evidence::{Outcome, Verifier, VerifyOptions};
use serde_json::{Value, json};

use crate::support::{assert_outcome, check, project, verifier};

fn deny(scope: &[&str], extra: Value) -> Value {
    let mut p = json!({
        "scope": scope,
        "sinks": [{"callee": "cursor.execute", "positions": [0]}],
        "safe_forms": ["literal", "named_constant", "literal_concat"],
        "property": "no SQL built from input",
    });
    if let (Some(obj), Value::Object(more)) = (p.as_object_mut(), extra) {
        obj.extend(more);
    }
    p
}

const SAFE_PY: &[u8] = b"QUERY = \"SELECT * FROM t WHERE id = ?\"\n\
\n\
def get(cursor, user_id):\n    cursor.execute(QUERY, (user_id,))\n    cursor.execute(\"SELECT 1\")\n    db.cursor.execute(\"SELECT \" + \"2\")\n";

#[test]
fn literals_constants_and_concatenations_pass() {
    let dir = project(&[("app/db.py", SAFE_PY), ("app/README.md", b"cursor.execute(x)")]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["app"], json!({})));
    assert_outcome(&v, Outcome::Pass);
    assert!(v.details.contains("3 sink site(s)"), "{}", v.details);
    assert!(v.evidence_hash.is_some());
}

#[test]
fn a_dynamic_argument_is_a_violation_with_its_line() {
    let dir =
        project(&[("app/db.py", b"def get(cursor, q):\n    cursor.execute(\"SELECT 1\")\n    cursor.execute(q)\n")]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["app/db.py"], json!({})));
    assert_outcome(&v, Outcome::Fail);
    assert_eq!(v.file.as_deref(), Some("app/db.py"));
    assert_eq!(v.line, Some(3));
    assert!(v.details.contains("app/db.py:3"), "{}", v.details);
}

#[test]
fn concatenation_with_a_variable_or_interpolation_is_dynamic() {
    for src in [
        &b"def f(cursor, name):\n    cursor.execute(\"SELECT \" + name)\n"[..],
        b"def f(cursor, name):\n    cursor.execute(f\"SELECT {name}\")\n",
        b"def f(cursor, name):\n    cursor.execute(\"SELECT %s\" % name)\n",
        b"def f(cursor, name):\n    cursor.execute(\"SELECT {}\".format(name))\n",
    ] {
        let dir = project(&[("db.py", src)]);
        let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["db.py"], json!({})));
        assert_outcome(&v, Outcome::Fail);
    }
    let dir = project(&[(
        "db.ts",
        b"export function f(cursor: any, name: string) {\n  cursor.execute(`SELECT ${name}`);\n}\n",
    )]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["db.ts"], json!({})));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("substitutes"), "{}", v.details);
}

#[test]
fn a_shadowed_or_rebound_constant_is_not_a_named_constant() {
    for src in [
        &b"Q = \"SELECT 1\"\ndef f(cursor, Q):\n    cursor.execute(Q)\n"[..],
        b"Q = \"SELECT 1\"\nQ = input()\ncursor.execute(Q)\n",
        b"Q = \"SELECT 1\"\nfor Q in rows:\n    cursor.execute(Q)\n",
        b"Q = read()\ncursor.execute(Q)\n",
    ] {
        let dir = project(&[("db.py", src)]);
        let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["db.py"], json!({})));
        assert_outcome(&v, Outcome::Fail);
        assert!(v.details.starts_with("1 violation"), "{}", v.details);
    }
}

#[test]
fn calls_through_an_alias_are_sites() {
    let dir = project(&[
        ("a.py", b"run = cursor.execute\nrun(\"SELECT 1\")\n"),
        ("b.py", b"from a import run as go\ndef f(q):\n    go(q)\n"),
    ]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["."], json!({})));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("b.py:3 `go`"), "{}", v.details);
}

#[test]
fn declared_wrappers_are_checked_at_their_call_sites() {
    let wrapper = b"def run_sql(q):\n    cursor.execute(q)\n\nrun_sql(\"SELECT 1\")\n";
    let dir = project(&[("w.py", wrapper)]);
    let p = deny(&["w.py"], json!({"wrappers": ["run_sql"]}));
    let v = check(&verifier(dir.path()), "sink_default_deny", p.clone());
    assert_outcome(&v, Outcome::Pass);
    assert!(v.details.contains("1 forwarded"), "{}", v.details);
    // A wrapper fed input is a violation; without the declaration, the
    // wrapper's own body is.
    let dir = project(&[("w.py", b"def run_sql(q):\n    cursor.execute(q)\n\nrun_sql(input())\n")]);
    assert_outcome(&check(&verifier(dir.path()), "sink_default_deny", p), Outcome::Fail);
    let dir = project(&[("w.py", wrapper)]);
    assert_outcome(&check(&verifier(dir.path()), "sink_default_deny", deny(&["w.py"], json!({}))), Outcome::Fail);
    // A wrapper that rebinds its parameter does not forward it.
    let dir = project(&[("w.py", b"def run_sql(q):\n    q = q + input()\n    cursor.execute(q)\n\nrun_sql(\"x\")\n")]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["w.py"], json!({"wrappers": ["run_sql"]})));
    assert_outcome(&v, Outcome::Fail);
}

#[test]
fn allowlisted_sites_pass_and_stale_entries_fail() {
    let src = b"cursor.execute(\"SELECT 1\")\ncursor.execute(build())\n";
    let dir = project(&[("db.py", src)]);
    let entry = |line: u64| json!({"file": "db.py", "site": line, "callee": "execute", "reason": "admin-only report", "reviewed_by": "sec-team"});
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["db.py"], json!({"allowlist": [entry(2)]})));
    assert_outcome(&v, Outcome::Pass);
    assert!(v.details.contains("1 allowlisted"), "{}", v.details);
    // Wrong line: the violation is open and the entry is stale.
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["db.py"], json!({"allowlist": [entry(1)]})));
    assert_outcome(&v, Outcome::Fail);
    let clean = project(&[("db.py", b"cursor.execute(\"SELECT 1\")\n")]);
    let v = check(&verifier(clean.path()), "sink_default_deny", deny(&["db.py"], json!({"allowlist": [entry(1)]})));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("stale"), "{}", v.details);
    // Every site an exception: nothing is proven by form.
    let only = project(&[("db.py", b"cursor.execute(build())\n")]);
    let v = check(&verifier(only.path()), "sink_default_deny", deny(&["db.py"], json!({"allowlist": [entry(1)]})));
    assert_outcome(&v, Outcome::Fail);
}

#[test]
fn an_empty_scope_or_no_site_proves_nothing() {
    let dir = project(&[("src/a.py", b"print(1)\n"), ("docs/x.md", b"")]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["src"], json!({})));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("nothing is proven"), "{}", v.details);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["docs"], json!({})));
    assert_outcome(&v, Outcome::Fail);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["missing"], json!({})));
    assert_outcome(&v, Outcome::Fail);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["src/**/*.go"], json!({})));
    assert_outcome(&v, Outcome::Fail);
}

#[test]
fn escapes_symlinks_and_unparsed_code_are_refused() {
    let dir = project(&[("src/a.py", b"cursor.execute(\"x\")\n"), ("src/b.rb", b"cursor.execute(x)\n")]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["src"], json!({})));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("src/b.rb"), "{}", v.details);
    for bad in ["../x", "/etc"] {
        let v = check(&verifier(dir.path()), "sink_default_deny", deny(&[bad], json!({})));
        assert_outcome(&v, Outcome::Fail);
    }
    #[cfg(unix)]
    {
        let dir = project(&[("src/a.py", b"cursor.execute(\"x\")\n"), ("elsewhere/b.py", b"cursor.execute(x)\n")]);
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), dir.path().join("src/linked")).unwrap();
        let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["src"], json!({})));
        assert_outcome(&v, Outcome::Fail);
        assert!(v.details.contains("symbolic link"), "{}", v.details);
        let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["src/**/*.py"], json!({})));
        assert_outcome(&v, Outcome::Fail);
    }
}

#[test]
fn a_file_over_the_cap_refuses_the_scope() {
    let mut big = b"cursor.execute(\"x\")\n".to_vec();
    big.extend(std::iter::repeat_n(b'#', 5000));
    let dir = project(&[("src/a.py", b"cursor.execute(\"x\")\n"), ("src/big.py", &big)]);
    let opts = VerifyOptions { max_file_bytes: 4096, ..VerifyOptions::default() };
    let v = Verifier::new(dir.path(), opts).unwrap();
    let out = check(&v, "sink_default_deny", deny(&["src"], json!({})));
    assert_outcome(&out, Outcome::Fail);
    assert!(out.details.contains("size cap"), "{}", out.details);
}

#[test]
fn a_syntax_error_refuses_the_claim() {
    let dir = project(&[("a.py", b"cursor.execute(\"x\")\ndef broken(:\n    cursor.execute(q)\n")]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["a.py"], json!({})));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("syntax error"), "{}", v.details);
}

#[test]
fn safe_forms_are_what_the_claim_admits() {
    let dir = project(&[("db.py", b"Q = \"SELECT 1\"\ncursor.execute(Q)\n")]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["db.py"], json!({"safe_forms": ["literal"]})));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("does not admit"), "{}", v.details);
    // Bound parameters: a literal tuple of admitted forms.
    let dir = project(&[("db.py", b"cursor.execute(\"SELECT ?\", (\"a\", 1))\ncursor.execute(\"SELECT ?\", [x])\n")]);
    let sinks = json!([{"callee": "execute"}]);
    let forms = json!(["literal", "parameter_binding"]);
    let v = check(
        &verifier(dir.path()),
        "sink_default_deny",
        deny(&["db.py"], json!({"sinks": sinks, "safe_forms": forms})),
    );
    assert_outcome(&v, Outcome::Fail);
    assert_eq!(v.line, Some(2));
}

#[test]
fn other_languages_and_property_sinks() {
    let go = b"package db\n\nconst q = \"SELECT 1\"\n\nfunc F(db *sql.DB, id string) {\n\tdb.Query(q)\n\tdb.Query(\"SELECT \" + id)\n}\n";
    let dir = project(&[("db.go", go)]);
    let p = deny(&["db.go"], json!({"sinks": [{"callee": "Query", "positions": [0]}]}));
    let v = check(&verifier(dir.path()), "sink_default_deny", p);
    assert_outcome(&v, Outcome::Fail);
    assert_eq!(v.line, Some(7));
    assert!(v.details.starts_with("1 violation"), "{}", v.details);
    let js = b"const GREETING = '<b>hi</b>';\nel.innerHTML = GREETING;\nother.innerHTML = location.hash;\n";
    let dir = project(&[("ui.js", js)]);
    let p = deny(&["ui.js"], json!({"sinks": [{"callee": "innerHTML", "kind": "assign"}]}));
    let v = check(&verifier(dir.path()), "sink_default_deny", p);
    assert_outcome(&v, Outcome::Fail);
    assert_eq!(v.line, Some(3));
    let rs = b"const Q: &str = \"SELECT 1\";\nfn f(conn: &Conn, id: &str) {\n    conn.execute(Q, []);\n    conn.execute(&format!(\"SELECT {id}\"), []);\n}\n";
    let dir = project(&[("db.rs", rs)]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["db.rs"], json!({})));
    assert_outcome(&v, Outcome::Fail);
    assert_eq!(v.line, Some(4));
    assert!(v.details.starts_with("1 violation"), "{}", v.details);
}

fn typed(scope: &[&str]) -> Value {
    json!({
        "scope": scope,
        "sinks": [{"callee": "execute", "positions": [0]}],
        "boundary_type": "SafeSql",
        "constructors": ["SafeSql.of"],
        "property": "queries are static",
    })
}

#[test]
fn typed_boundary_passes_on_constructed_values() {
    let src = b"Q = \"SELECT 2\"\n\ndef f(cursor):\n    cursor.execute(SafeSql.of(\"SELECT 1\"))\n    s = SafeSql.of(Q)\n    cursor.execute(s)\n";
    let dir = project(&[("db.py", src)]);
    let v = check(&verifier(dir.path()), "typed_boundary", typed(&["db.py"]));
    assert_outcome(&v, Outcome::Pass);
    assert!(v.details.contains("2 construction site(s)"), "{}", v.details);
}

#[test]
fn typed_boundary_refuses_raw_strings_and_dynamic_constructions() {
    let dir = project(&[("db.py", b"cursor.execute(SafeSql.of(\"SELECT 1\"))\ncursor.execute(\"SELECT 2\")\n")]);
    let v = check(&verifier(dir.path()), "typed_boundary", typed(&["db.py"]));
    assert_outcome(&v, Outcome::Fail);
    assert_eq!(v.line, Some(2));
    let dir = project(&[("db.py", b"def f(cursor, name):\n    cursor.execute(SafeSql.of(\"SELECT \" + name))\n")]);
    let v = check(&verifier(dir.path()), "typed_boundary", typed(&["db.py"]));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("construction"), "{}", v.details);
    // A construction elsewhere in scope, not at a sink, is checked too.
    let dir = project(&[
        ("db.py", b"cursor.execute(SafeSql.of(\"SELECT 1\"))\n"),
        ("other.py", b"def g(name):\n    return SafeSql(name)\n"),
    ]);
    let v = check(&verifier(dir.path()), "typed_boundary", typed(&["."]));
    assert_outcome(&v, Outcome::Fail);
    assert_eq!(v.file.as_deref(), Some("other.py"));
}

#[test]
fn typed_boundary_constructors_forward_their_parameters() {
    let rs = b"pub struct SafeSql(&'static str);\nimpl SafeSql {\n    pub fn new(s: &'static str) -> SafeSql {\n        SafeSql(s)\n    }\n}\nfn f(c: &Conn) {\n    c.execute(SafeSql::new(\"SELECT 1\"));\n}\n";
    let dir = project(&[("db.rs", rs)]);
    let p = json!({"scope": ["db.rs"], "sinks": [{"callee": "execute"}], "boundary_type": "SafeSql", "constructors": ["SafeSql::new"], "property": "static"});
    let v = check(&verifier(dir.path()), "typed_boundary", p);
    assert_outcome(&v, Outcome::Pass);
}

#[test]
fn a_sink_escaping_as_a_value_is_a_violation() {
    let dir = project(&[(
        "a.py",
        b"cursor.execute(\"SELECT 1\")\nhandlers.append(cursor.execute)\nf = partial(execute, 1)\n",
    )]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["a.py"], json!({})));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.starts_with("2 violation"), "{}", v.details);
    assert_eq!(v.line, Some(2));
    // Definitions, keyword names and map keys are not references.
    let src = b"class Db:\n    def execute(self, q):\n        pass\n\nDb().execute(\"x\")\nopts(execute=True)\nd = {\"execute\": 1}\n";
    let dir = project(&[("b.py", src)]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["b.py"], json!({})));
    assert_outcome(&v, Outcome::Pass);
    let js = b"class Db { execute(q) { return q; } }\nnew Db().execute('x');\nconst o = { execute: 1 };\n";
    let dir = project(&[("b.js", js)]);
    let v = check(&verifier(dir.path()), "sink_default_deny", deny(&["b.js"], json!({})));
    assert_outcome(&v, Outcome::Pass);
}
