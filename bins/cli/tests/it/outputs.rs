//! `check` on assertions that hold every awkward value (control characters,
//! markup, quotes, non-ASCII, separators in file names, a very long
//! description), each output checked by what consumes it.

use std::process::Command;

use serde_json::Value;

use crate::consumers::{parse_annotations, parse_junit, validate_sarif};

/// The fixture's assertions plus one with a very long description.
fn assertions(dir: &std::path::Path) -> std::path::PathBuf {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/awkward");
    let mut list: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(fixture.join("assertions.json")).unwrap()).unwrap();
    list.push(serde_json::json!({"id": "A7", "type": "file_exists", "params": {"file": "ünï code/módulo.py"},
        "description": "<long> \u{1b} ".repeat(20_000)}));
    let path = dir.join("assertions.json");
    std::fs::write(&path, serde_json::to_string(&list).unwrap()).unwrap();
    path
}

fn check(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = assertions(dir.path());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/awkward/project");
    let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["check", file.to_str().unwrap(), "--project-root", root.to_str().unwrap(), "--output", format])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sarif_of_awkward_assertions_validates() {
    let log = validate_sarif(&check("sarif")).unwrap_or_else(|e| panic!("{e}"));
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    let uri = |i: usize| results[i]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone();
    assert_eq!(uri(0), "%C3%BCn%C3%AF%20code/m%C3%B3dulo.py");
    assert_eq!(uri(2), "odd%2C%20name%25.py");
    assert!(results[1]["locations"].is_null() && results[5]["locations"].is_null());
}

#[test]
fn junit_of_awkward_assertions_parses() {
    let (suite, cases) = parse_junit(&check("junit")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((suite["tests"].as_str(), suite["failures"].as_str(), suite["skipped"].as_str()), ("7", "3", "1"));
    assert_eq!(cases.len(), 7);
    assert_eq!(cases[2].attributes["name"], "A3 markup: \"double\" 'single' <&> ]]>");
    assert_eq!(cases[3].attributes["name"], "A4 line\nbreak\r\nand\ttab");
    assert_eq!(cases[1].attributes["name"], "A2 controls: nul \\u{0} escape \\u{1b}[2J backspace \\u{8}");
}

#[test]
fn github_annotations_of_awkward_assertions_keep_their_properties() {
    let out = check("github");
    let annotations = parse_annotations(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(annotations.len(), 4, "{out}");
    let a3 = &annotations[1];
    assert_eq!((a3.level.as_str(), a3.properties["file"].as_str()), ("error", "odd, name%.py"));
    assert_eq!(a3.properties["title"], "A3 function_exists");
    assert!(a3.message.contains("`odd, name%.py`"), "{}", a3.message);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{0}'), "{out}");
}
