//! Confinement of path parameters to the project root.
//!
//! A parameter is a claim about the project, so it must never name anything
//! outside it: absolute paths and `..` are refused before touching the file
//! system, a path that is itself a symlink is refused (its target could change
//! under a reviewed name), and the canonical form of whatever remains must lie
//! under the canonical root (which catches symlinked directories on the way).

use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use rampart_assurance::assertion::check_relative_path;

/// Why a path parameter cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathProblem {
    /// Refused before or after resolution (escape, symlink, not a file...).
    Refused(String),
    /// Nothing at that path.
    NotFound,
    /// The file system answered with another error.
    Io(String),
}

impl PathProblem {
    pub(crate) fn describe(&self, rel: &str) -> String {
        match self {
            PathProblem::Refused(why) => format!("path `{rel}` refused: {why}"),
            PathProblem::NotFound => format!("source not found: `{rel}`"),
            PathProblem::Io(e) => format!("cannot access `{rel}`: {e}"),
        }
    }
}

/// Resolves `rel` under `root` (already canonical). Returns the canonical path.
pub(crate) fn resolve(root: &Path, rel: &str) -> Result<PathBuf, PathProblem> {
    if rel.trim().is_empty() {
        return Err(PathProblem::Refused("empty path".to_owned()));
    }
    if rel.contains('\0') {
        return Err(PathProblem::Refused("contains NUL".to_owned()));
    }
    check_relative_path(rel).map_err(PathProblem::Refused)?;
    let rel_path = Path::new(rel);
    // `check_relative_path` works on text; also refuse what the platform
    // itself considers non-relative (prefixes, roots).
    if rel_path.components().any(|c| matches!(c, Component::Prefix(_) | Component::RootDir | Component::ParentDir)) {
        return Err(PathProblem::Refused("must be relative to the project root, without `..`".to_owned()));
    }
    let joined = root.join(rel_path);
    let meta = match std::fs::symlink_metadata(&joined) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Err(PathProblem::NotFound),
        // A file under a component that is not a directory is simply absent.
        Err(e) if e.kind() == ErrorKind::NotADirectory => return Err(PathProblem::NotFound),
        Err(e) => return Err(PathProblem::Io(e.to_string())),
    };
    if meta.file_type().is_symlink() {
        return Err(PathProblem::Refused("is a symbolic link".to_owned()));
    }
    let canonical = match std::fs::canonicalize(&joined) {
        Ok(p) => p,
        Err(e) if e.kind() == ErrorKind::NotFound => return Err(PathProblem::NotFound),
        Err(e) => return Err(PathProblem::Io(e.to_string())),
    };
    if !canonical.starts_with(root) {
        return Err(PathProblem::Refused("escapes the project root".to_owned()));
    }
    Ok(canonical)
}

/// The project-relative form of a canonical path under `root`, with `/`.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}
