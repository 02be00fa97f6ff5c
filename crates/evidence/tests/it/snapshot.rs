//! The verdicts of one mixed assertion file, snapshotted.

use rampart_assurance::Assertion;

use crate::support::{fixtures, verifier};

#[test]
fn mixed_assertion_file() {
    let text = std::fs::read_to_string(fixtures().join("mixed/assertions.json")).unwrap();
    let assertions: Vec<Assertion> = serde_json::from_str(&text).unwrap();
    let v = verifier(&fixtures().join("code"));
    let verdicts = v.verify_all(&assertions);
    let rows: Vec<_> =
        assertions.iter().zip(&verdicts).map(|(a, v)| serde_json::json!({"id": a.id, "verdict": v})).collect();
    insta::assert_json_snapshot!(rows);
}
