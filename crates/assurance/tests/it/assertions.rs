//! The assertion-type registry, parameter validation and coherence.

use std::collections::BTreeSet;

use rampart_assurance::{
    Assertion, AssertionError, AssertionType, Coherence, ControlKind, REGISTRY, classify_control, coherence,
};
use serde_json::json;

#[test]
fn the_registry_has_every_type_in_enum_order_with_unique_names() {
    assert_eq!(REGISTRY.len(), 31, "30 current types plus the opt-in test_passes");
    let mut names = BTreeSet::new();
    for (i, spec) in REGISTRY.iter().enumerate() {
        assert_eq!(spec.kind as usize, i, "{} is out of order", spec.name);
        assert!(names.insert(spec.name), "duplicate {}", spec.name);
        assert_eq!(AssertionType::from_name(spec.name), Some(spec.kind));
        assert!(!spec.proves.is_empty(), "{} proves nothing", spec.name);
        let params: BTreeSet<_> = spec.params.iter().map(|p| p.name).collect();
        assert_eq!(params.len(), spec.params.len(), "{} repeats a parameter", spec.name);
        for name in spec.exactly_one_of {
            assert!(params.contains(name), "{}: exactly_one_of names unknown {name}", spec.name);
        }
        // The wire name is the serde name.
        assert_eq!(serde_json::to_value(spec.kind).unwrap(), json!(spec.name));
    }
    let runs_code: Vec<_> = REGISTRY.iter().filter(|s| s.executes_project_code).map(|s| s.name).collect();
    assert_eq!(runs_code, ["test_passes"]);
    insta::assert_json_snapshot!("registry", REGISTRY);
}

fn check(value: serde_json::Value) -> Result<AssertionType, AssertionError> {
    serde_json::from_value::<Assertion>(value).unwrap().validate()
}

fn messages(value: serde_json::Value) -> String {
    check(value).unwrap_err().to_string()
}

#[test]
fn valid_assertions_pass_validation() {
    let ok = [
        json!({"type": "function_exists", "params": {"file": "upload.py", "name": "scan_upload"}}),
        json!({"type": "function_calls", "params": {"file": "upload.py", "caller": "handle_upload", "callee": "scan_upload"}}),
        json!({"type": "pattern_matches", "params": {"file": "app.py", "pattern": "(?i)csrf", "multiline": "true"}}),
        json!({"type": "pattern_absent", "params": {"target": "feature_description", "pattern": "password"}}),
        json!({"type": "no_plaintext_secret", "params": {"file": ".env", "patterns": "[\"AKIA[0-9A-Z]{16}\"]"}}),
        json!({"type": "file_hash", "params": {"file": "a.conf", "expected_hash": "0".repeat(64), "scope_file": "a.conf"}}),
        json!({"type": "test_attested", "params": {"test": "tests/test_upload.py::test_scan", "env": {"CLAMAV": "1", "DEBUG": null},
               "mechanism": "upload.py::scan_upload"}}),
        json!({"type": "sink_default_deny", "params": {"scope": ["src/db"], "sinks": [{"callee": "execute", "positions": [0]}],
               "safe_forms": ["literal", "parameter_binding"], "property": "no SQL built from input"}}),
    ];
    for a in ok {
        check(a.clone()).unwrap_or_else(|e| panic!("{a}: {e}"));
    }
}

#[test]
fn every_problem_is_named() {
    assert_eq!(messages(json!({"type": "function_exist", "params": {}})), "unknown assertion type `function_exist`");
    assert_eq!(
        messages(json!({"type": "function_exists", "params": {"file": "a.py"}})),
        "invalid parameters for function_exists: name: is required"
    );
    assert!(
        messages(json!({"type": "function_exists", "params": {"file": "a.py", "name": "f", "nmae": "g"}}))
            .contains("nmae: unknown parameter (expected one of: file, name)")
    );
    assert!(
        messages(json!({"type": "file_exists", "params": {"file": "../../etc/passwd"}}))
            .contains("must not contain `..`")
    );
    assert!(messages(json!({"type": "file_exists", "params": {"file": "/etc/passwd"}})).contains("must be relative"));
    assert!(messages(json!({"type": "file_exists", "params": {"file": "C:\\Windows"}})).contains("must be relative"));
    assert!(
        messages(json!({"type": "pattern_matches", "params": {"file": "a", "pattern": "(?!admin)user"}}))
            .contains("invalid regular expression")
    );
    assert!(
        messages(
            json!({"type": "pattern_matches", "params": {"file": "a", "target": "feature_description", "pattern": "x"}})
        )
        .contains("exactly one of file, target is required")
    );
    assert!(
        messages(json!({"type": "pattern_matches", "params": {"pattern": "x"}}))
            .contains("exactly one of file, target")
    );
    assert!(
        messages(json!({"type": "file_hash", "params": {"file": "a", "expected_hash": "abc", "scope_file": "a"}}))
            .contains("a sha256 digest has 64 hex characters, not 3")
    );
    assert!(
        messages(json!({"type": "file_hash", "params": {"file": "a", "algorithm": "crc32", "expected_hash": "ab", "scope_file": "a"}}))
            .contains("unsupported algorithm `crc32`")
    );
    assert!(
        messages(json!({"type": "no_plaintext_secret", "params": {"file": "a", "patterns": "AKIA"}}))
            .contains("must be a JSON array")
    );
    assert!(messages(json!({"type": "port_exists", "params": {"file": "a.sv", "module": "m", "port": "p", "direction": "sideways"}}))
        .contains("must be one of input, output, inout"));
    // All problems at once, not just the first.
    let all = messages(json!({"type": "function_calls", "params": {"file": "/x"}}));
    assert!(
        all.contains("file:") && all.contains("caller: is required") && all.contains("callee: is required"),
        "{all}"
    );
}

#[test]
fn coherence_follows_what_a_type_can_prove() {
    let validation = classify_control("Validate the size and MIME type of every upload");
    assert!(validation.contains(&ControlKind::InputValidation));
    assert!(matches!(coherence(AssertionType::FileHash, &validation), Coherence::Incoherent { .. }));
    assert_eq!(coherence(AssertionType::ParameterValidated, &validation), Coherence::Coherent);

    let scan = classify_control("Virus-scan uploads before accepting them.");
    assert_eq!(coherence(AssertionType::FunctionExists, &scan), Coherence::Coherent);
    assert_eq!(coherence(AssertionType::FunctionCalls, &scan), Coherence::Coherent);
    assert!(matches!(coherence(AssertionType::DependencyExists, &scan), Coherence::Incoherent { .. }));

    let secrets = classify_control("Keep API secrets out of the repository");
    assert_eq!(coherence(AssertionType::NoPlaintextSecret, &secrets), Coherence::Coherent);

    assert_eq!(coherence(AssertionType::FileHash, &classify_control("Be excellent")), Coherence::Unclassified);
    let Coherence::Incoherent { reason } = coherence(AssertionType::FileHash, &validation) else { unreachable!() };
    insta::assert_snapshot!("file_hash_incoherent", reason);
}

#[test]
fn classification_matches_word_starts_only() {
    // "catalog" contains "log" but does not start with it.
    assert!(!classify_control("Maintain a product catalog").contains(&ControlKind::LoggingMonitoring));
    assert!(classify_control("Log every upload").contains(&ControlKind::LoggingMonitoring));
}
