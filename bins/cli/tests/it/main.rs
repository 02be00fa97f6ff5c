//! The `rampart` binary: outputs (snapshots) and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

use std::path::PathBuf;
use std::process::Command;

mod consumers;
mod outputs;
mod run;
mod test_execution;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../crates/evidence/tests/fixtures")
}

/// Runs `rampart ARGS` in the fixtures folder: (exit code, stdout, stderr).
fn rampart(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rampart")).args(args).current_dir(fixtures()).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn check(output: &str) -> (i32, String) {
    let (code, stdout, _) = rampart(&["check", "mixed/assertions.json", "--project-root", "code", "--output", output]);
    (code, stdout)
}

#[test]
fn check_outputs_in_every_format() {
    for format in ["text", "json", "github", "sarif", "junit"] {
        let (code, stdout) = check(format);
        assert_eq!(code, 1, "{format}: failures in the fixture file exit 1");
        insta::assert_snapshot!(format!("check_{format}"), stdout);
    }
}

#[test]
fn json_output_keeps_the_reference_keys() {
    let (_, stdout) = check("json");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for key in ["passed", "failed", "skipped", "total", "results"] {
        assert!(report.get(key).is_some(), "{key}");
    }
    for key in ["id", "type", "description", "passed", "details"] {
        assert!(report["results"][0].get(key).is_some(), "results[].{key}");
    }
    let sarif = consumers::validate_sarif(&check("sarif").1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sarif["version"], "2.1.0");
    let (_, cases) = consumers::parse_junit(&check("junit").1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cases.len(), report["results"].as_array().unwrap().len());
}

#[test]
fn exit_codes() {
    // One passing assertion: 0.
    let (code, stdout, _) = rampart(&[
        "verify",
        "function_exists",
        "-p",
        "file=good.py",
        "-p",
        "name=validate_token",
        "--project-root",
        "code",
    ]);
    assert_eq!(code, 0, "{stdout}");
    // A failing one: 1.
    let (code, _, _) = rampart(&[
        "verify",
        "function_exists",
        "-p",
        "file=bad.py",
        "-p",
        "name=validate_token",
        "--project-root",
        "code",
    ]);
    assert_eq!(code, 1);
    // Unknown type: skipped (0), or failed under --strict (1).
    assert_eq!(rampart(&["verify", "made_up", "--project-root", "code"]).0, 0);
    assert_eq!(rampart(&["verify", "made_up", "--project-root", "code", "--strict"]).0, 1);
    // Bad input: 2, with a message naming the problem.
    let (code, _, stderr) = rampart(&["verify", "function_exists", "-p", "file", "--project-root", "code"]);
    assert_eq!((code, stderr.trim()), (2, "rampart verify: -p file: expected KEY=VALUE"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("checks.json");
    std::fs::write(&bad, "[\n  {\"type\": \"file_exists\",\n   oops}\n]").unwrap();
    let (code, _, stderr) = rampart(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("checks.json:3:4:"), "{stderr}");
    std::fs::write(&bad, "[{\"params\": {}}]").unwrap();
    let (code, _, stderr) = rampart(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("assertion 1 (index 0): missing field `type`"), "{stderr}");
    let (code, _, stderr) = rampart(&["check", "mixed/assertions.json", "--project-root", "no/such/dir"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, stdout, _) = rampart(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Exit codes: 0 all passed"));
    let (code, stdout, _) = rampart(&["audit", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("4 UNVERIFIED SIGNERS"), "{stdout}");
}
