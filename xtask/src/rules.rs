//! The project's rules, run by `cargo test` like any other test (the xtask
//! commands run the same checks for humans): layering, generated files, and
//! tidiness rules that keep the repository honest about itself.

use std::fs;
use std::path::{Path, PathBuf};

use crate::generated::Mode;

fn root() -> PathBuf {
    crate::project_root()
}

/// Every file git tracks, relative to the root (the working tree's version).
fn tracked_files(root: &Path) -> Vec<PathBuf> {
    let out = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("running git ls-files: {e}"));
    assert!(out.status.success(), "git ls-files failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
        .filter(|p| root.join(p).is_file())
        .collect()
}

fn text_of(root: &Path, path: &Path) -> Option<String> {
    fs::read_to_string(root.join(path)).ok()
}

#[test]
fn layers_point_down() {
    crate::layers::run(&root()).unwrap_or_else(|e| panic!("{e:#}"));
}

#[test]
fn generated_schemas_are_current() {
    crate::schemas::run(&root(), Mode::Check).unwrap_or_else(|e| panic!("{e:#} (run `cargo xtask schemas`)"));
}

#[test]
fn generated_docs_are_current() {
    crate::docs::run(&root(), Mode::Check).unwrap_or_else(|e| panic!("{e:#} (run `cargo xtask docs`)"));
}

/// The project stands on its own: no file points outside the repository,
/// and every relative link in the documentation resolves.
#[test]
fn nothing_refers_to_a_file_outside_the_repository() {
    let root = root();
    let mut problems = Vec::new();
    // Spelled in two halves so this file does not name them itself.
    let outside = [["../", "shared/"].concat(), ["DESIGN", ".md"].concat()];
    for path in tracked_files(&root) {
        let Some(text) = text_of(&root, &path) else { continue };
        for word in &outside {
            if text.contains(word.as_str()) {
                problems.push(format!("{} mentions {word}", path.display()));
            }
        }
        if path.extension().is_some_and(|e| e == "md") {
            for target in markdown_links(&text) {
                let file = target.split('#').next().unwrap_or_default();
                if file.is_empty() || file.contains("://") || file.starts_with("mailto:") {
                    continue;
                }
                let resolved = path.parent().unwrap_or(Path::new("")).join(file);
                if !root.join(&resolved).exists() {
                    problems.push(format!("{} links to {file}, which does not exist", path.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The targets of `[text](target)` links.
fn markdown_links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].trim().to_owned());
            rest = &rest[end..];
        }
    }
    out
}

/// README's status section names every crate of the workspace.
#[test]
fn the_readme_status_names_every_crate() {
    let root = root();
    let readme = fs::read_to_string(root.join("README.md")).unwrap_or_else(|e| panic!("README.md: {e}"));
    let status = readme.split("## Status").nth(1).and_then(|s| s.split("\n## ").next()).unwrap_or_default();
    let mut missing = Vec::new();
    for dir in ["crates", "bins"] {
        for entry in fs::read_dir(root.join(dir)).unwrap_or_else(|e| panic!("{dir}: {e}")) {
            let manifest = entry.map(|e| e.path().join("Cargo.toml")).unwrap_or_default();
            let Ok(text) = fs::read_to_string(&manifest) else { continue };
            let name = text
                .lines()
                .find_map(|l| l.strip_prefix("name = \""))
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or_default()
                .to_owned();
            if !name.is_empty() && !status.contains(&format!("`{name}`")) {
                missing.push(name);
            }
        }
    }
    assert!(missing.is_empty(), "README's status section does not mention: {missing:?}");
}

/// Speed is measured by benchmarks; a test that asserts on elapsed time
/// fails on a loaded machine and passes on a fast one for the wrong reasons.
#[test]
fn no_test_asserts_on_elapsed_time() {
    let root = root();
    let mut problems = Vec::new();
    for path in tracked_files(&root) {
        let in_tests = path.components().any(|c| c.as_os_str() == "tests");
        if !in_tests || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Some(text) = text_of(&root, &path) else { continue };
        for (n, line) in text.lines().enumerate() {
            if line.contains("assert") && line.contains("elapsed") {
                problems.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(problems.is_empty(), "tests asserting on time:\n{}", problems.join("\n"));
}
