//! Which test runner a project uses, and the command that runs only the
//! tests a pattern selects.

use crate::verifier::Cx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runner {
    /// `python3 -m pytest -k PATTERN`: a Python project that uses pytest.
    Pytest,
    /// `python3 -m unittest -k PATTERN`: any other Python project.
    Unittest,
    /// `npm test -- -t PATTERN`: Jest and Vitest filter test names with `-t`.
    Npm,
    /// `cargo test PATTERN`.
    Cargo,
    /// `go test -run PATTERN -v ./...`.
    Go,
}

/// Files at the root that make a Python project.
const PYTHON_MARKERS: &[&str] =
    &["pyproject.toml", "setup.py", "setup.cfg", "pytest.ini", "tox.ini", "conftest.py", "requirements.txt"];
/// Files whose mention of pytest means the project runs its tests with it.
const PYTEST_CONFIGS: &[&str] = &["pyproject.toml", "setup.cfg", "tox.ini", "requirements.txt", "requirements-dev.txt"];

fn has(cx: &Cx<'_>, rel: &str) -> bool {
    cx.v.cache.read(rel).is_ok()
}

fn mentions_pytest(cx: &Cx<'_>) -> bool {
    has(cx, "pytest.ini")
        || has(cx, "conftest.py")
        || PYTEST_CONFIGS
            .iter()
            .any(|rel| cx.v.cache.read(rel).is_ok_and(|f| f.bytes.windows(6).any(|w| w == b"pytest")))
}

impl Runner {
    /// The runner of the project at the verifier's root, if one is recognised.
    pub(crate) fn detect(cx: &Cx<'_>) -> Option<Runner> {
        let python = || if mentions_pytest(cx) { Runner::Pytest } else { Runner::Unittest };
        if PYTHON_MARKERS.iter().any(|m| has(cx, m)) {
            Some(python())
        } else if has(cx, "package.json") {
            Some(Runner::Npm)
        } else if has(cx, "Cargo.toml") {
            Some(Runner::Cargo)
        } else if has(cx, "go.mod") {
            Some(Runner::Go)
        } else if cx.v.files().files.iter().any(|f| f.ends_with(".py")) {
            Some(python())
        } else {
            None
        }
    }

    /// The program and its arguments; the pattern is one argument, never
    /// read by a shell.
    pub(crate) fn command(self, pattern: &str) -> (&'static str, Vec<String>) {
        let args: &[&str] = match self {
            Runner::Pytest => &["-m", "pytest", "-x", "-k", pattern, "--tb=short", "-q"],
            Runner::Unittest => &["-m", "unittest", "-k", pattern],
            Runner::Npm => &["test", "--", "-t", pattern],
            Runner::Cargo => &["test", pattern, "--", "--test-threads=1"],
            Runner::Go => &["test", "-run", pattern, "-v", "./..."],
        };
        let program = match self {
            Runner::Pytest | Runner::Unittest => "python3",
            Runner::Npm => "npm",
            Runner::Cargo => "cargo",
            Runner::Go => "go",
        };
        (program, args.iter().map(|a| (*a).to_owned()).collect())
    }
}
