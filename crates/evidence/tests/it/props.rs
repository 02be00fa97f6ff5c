//! Random file contents and random parameters never make a verifier panic.

use proptest::prelude::*;
use rampart_assurance::{Assertion, REGISTRY};
use serde_json::{Map, Value};

use crate::support::{project, verifier};

const FILES: &[&str] = &[
    "a.py",
    "a.js",
    "a.ts",
    "a.tsx",
    "a.go",
    "a.rs",
    "A.java",
    "a.cs",
    "a.c",
    "a.cpp",
    "a.sv",
    "a.json",
    "a.yaml",
    "a.toml",
    "a.ini",
    ".env",
    "Cargo.toml",
    "Cargo.lock",
    "package.json",
    "package-lock.json",
    "requirements.txt",
    "pyproject.toml",
    "go.mod",
    "pom.xml",
];

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(FILES).prop_map(|f| Value::String(f.to_owned())),
        "[a-zA-Z_.*:\\[\\]()^$|+?{}\\\\/ -]{0,12}".prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        Just(serde_json::json!(["a", "(b"])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn never_panics(content in prop::collection::vec(any::<u8>(), 0..600),
                    text in "[ -~\\n\\t]{0,400}",
                    ty in 0..REGISTRY.len(),
                    values in prop::collection::vec(value(), 8)) {
        let mut files: Vec<(&str, &[u8])> = Vec::new();
        for (i, f) in FILES.iter().enumerate() {
            files.push((f, if i % 2 == 0 { content.as_slice() } else { text.as_bytes() }));
        }
        let dir = project(&files);
        let v = verifier(dir.path());
        let spec = &REGISTRY[ty];
        let mut params = Map::new();
        for (p, val) in spec.params.iter().zip(values.iter()) {
            params.insert(p.name.to_owned(), val.clone());
        }
        let a = Assertion { id: None, assertion_type: spec.name.to_owned(), params, description: String::new() };
        let verdict = v.verify(&a);
        prop_assert_ne!(verdict.outcome, rampart_evidence::Outcome::Error, "{:?}", verdict);
        prop_assert_eq!(verdict.passed, verdict.outcome == rampart_evidence::Outcome::Pass);
    }
}
