//! `--allow-test-execution`: off by default on every command that verifies;
//! with it, `test_passes` runs the project's tests, and a pattern that
//! selects none fails.

use std::path::Path;
use std::process::Command;

const TESTS: &str = "import unittest\n\n\nclass LoginTest(unittest.TestCase):\n    def test_login_ok(self):\n        self.assertTrue(True)\n";

fn rampart(args: &[&str], root: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rampart")).args(args).arg("--project-root").arg(root).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap())
}

#[test]
fn test_execution_is_opt_in_and_needs_the_named_test_to_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("test_login.py"), TESTS).unwrap();
    let verify = |pattern: &str, extra: &[&str]| {
        let p = format!("pattern={pattern}");
        let mut args = vec!["verify", "test_passes", "-p", p.as_str()];
        args.extend_from_slice(extra);
        rampart(&args, dir.path())
    };
    // Off by default: skipped, which fails only under --strict.
    let (code, out) = verify("test_login_ok", &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("SKIP") && out.contains("--allow-test-execution"), "{out}");
    assert_eq!(verify("test_login_ok", &["--strict"]).0, 1);
    assert!(!dir.path().join("__pycache__").exists(), "nothing of the project ran");
    // On: the test runs and passes; a pattern that selects nothing fails.
    let (code, out) = verify("test_login_ok", &["--allow-test-execution"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS") && out.contains("Ran 1 test"), "{out}");
    let (code, out) = verify("test_no_such_thing", &["--allow-test-execution"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ran no test selected by `test_no_such_thing`"), "{out}");
    // `check` takes the flag too.
    let file = dir.path().join("checks.json");
    std::fs::write(
        &file,
        r#"[{"type": "test_passes", "params": {"pattern": "test_login_ok"}, "description": "login works"}]"#,
    )
    .unwrap();
    let (code, out) = rampart(&["check", file.to_str().unwrap(), "--allow-test-execution"], dir.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS"), "{out}");
}

#[test]
fn every_verifying_command_documents_the_flag() {
    for command in ["verify", "check", "run"] {
        let out = Command::new(env!("CARGO_BIN_EXE_rampart")).args([command, "--help"]).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("--allow-test-execution") && help.contains("Off by default"), "{command}: {help}");
    }
}
