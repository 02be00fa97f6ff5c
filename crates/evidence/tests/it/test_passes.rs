//! `test_passes` against real test runs (Python's unittest, which needs
//! nothing installed): the named test must run and pass, a pattern that
//! selects nothing fails, and processes the tests start can neither hang
//! the verifier nor outlive it.

use std::sync::mpsc;
use std::time::Duration;

use rampart_evidence::{Outcome, Verdict, Verifier, VerifyOptions};
use serde_json::json;

use crate::support::{assert_outcome, check, project};

/// Far longer than any verdict here takes; only stops a hang from hanging the suite.
const HANG_GUARD: Duration = Duration::from_secs(60);

const TESTS: &str = r#"
import os
import subprocess
import sys
import time
import unittest


def background(name, **options):
    """Starts `sleep 600` writing to this process's stdout; its pid goes to `name`."""
    child = subprocess.Popen(["sleep", "600"], **options)
    with open(name, "w") as f:
        f.write(str(child.pid))


class LoginTest(unittest.TestCase):
    def test_login_ok(self):
        self.assertEqual(1 + 1, 2)

    def test_login_broken(self):
        self.assertEqual(1 + 1, 3)

    @unittest.skip("not yet")
    def test_login_later(self):
        pass

    def test_leaves_a_process_holding_stdout(self):
        background("lingering.pid")

    def test_leaves_a_process_outside_its_group(self):
        background("escaped.pid", start_new_session=True)

    def test_hangs_with_a_process_holding_stdout(self):
        background("hanging.pid")
        time.sleep(600)
"#;

fn tests_project() -> tempfile::TempDir {
    project(&[("test_login.py", TESTS.as_bytes())])
}

/// The verdict for `pattern`, computed on another thread so that a hang
/// fails the test instead of stalling it.
fn run(root: &std::path::Path, pattern: &str, timeout: Duration) -> Verdict {
    let options = VerifyOptions { allow_test_execution: true, test_timeout: timeout, ..VerifyOptions::default() };
    let verifier = Verifier::new(root, options).unwrap();
    let pattern = pattern.to_owned();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(check(&verifier, "test_passes", json!({ "pattern": pattern })));
    });
    rx.recv_timeout(HANG_GUARD).expect("test_passes did not return: the verifier hangs")
}

fn pid(root: &std::path::Path, file: &str) -> u32 {
    std::fs::read_to_string(root.join(file)).unwrap().trim().parse().unwrap()
}

/// Whether the process is gone (or a zombie no one has reaped yet).
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

fn eventually_gone(pid: u32) -> bool {
    (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        gone(pid)
    })
}

#[test]
fn a_selected_test_that_passes_passes() {
    let dir = tests_project();
    let v = run(dir.path(), "test_login_ok", Duration::from_secs(60));
    assert_outcome(&v, Outcome::Pass);
    assert!(v.details.contains("Ran 1 test"), "{}", v.details);
    assert!(v.details.starts_with("`python3 -m unittest -k test_login_ok` passed"), "{}", v.details);
}

#[test]
fn a_pattern_that_selects_nothing_fails() {
    let dir = tests_project();
    let v = run(dir.path(), "test_no_such_thing", Duration::from_secs(60));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("ran no test selected by `test_no_such_thing`"), "{}", v.details);
}

#[test]
fn a_failing_or_only_skipped_selection_fails() {
    let dir = tests_project();
    let v = run(dir.path(), "test_login_broken", Duration::from_secs(60));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("failed"), "{}", v.details);
    let v = run(dir.path(), "test_login_later", Duration::from_secs(60));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("no selected test passed"), "{}", v.details);
}

#[test]
fn a_timeout_kills_the_whole_process_group() {
    let dir = tests_project();
    let v = run(dir.path(), "test_hangs_with_a_process_holding_stdout", Duration::from_secs(3));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("timed out after 3 s; its process group was killed"), "{}", v.details);
    let grandchild = pid(dir.path(), "hanging.pid");
    assert!(eventually_gone(grandchild), "the grandchild {grandchild} outlived the timeout");
}

#[test]
fn a_process_left_holding_the_output_cannot_hang_the_verifier() {
    let dir = tests_project();
    let v = run(dir.path(), "test_leaves_a_process_holding_stdout", Duration::from_secs(60));
    assert_outcome(&v, Outcome::Pass);
    let grandchild = pid(dir.path(), "lingering.pid");
    assert!(eventually_gone(grandchild), "the grandchild {grandchild} outlived the test run");
}

#[test]
fn a_process_that_left_the_group_is_not_waited_for() {
    let dir = tests_project();
    let v = run(dir.path(), "test_leaves_a_process_outside_its_group", Duration::from_secs(60));
    let escaped = pid(dir.path(), "escaped.pid");
    // Out of the group's reach; stop it here so that it does not outlive the suite.
    let _ = std::process::Command::new("kill").args(["-9", &escaped.to_string()]).status();
    assert_outcome(&v, Outcome::Pass);
    assert!(v.details.contains("left its process group and kept the output open"), "{}", v.details);
}

#[test]
fn without_a_recognisable_runner_nothing_runs() {
    let dir = project(&[("README.md", b"# docs only\n")]);
    let v = run(dir.path(), "anything", Duration::from_secs(60));
    assert_outcome(&v, Outcome::Fail);
    assert!(v.details.contains("no test runner recognised"), "{}", v.details);
}
