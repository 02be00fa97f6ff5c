//! The files of a `scope` parameter (paths, directories, globs), enumerated
//! completely or refused.
//!
//! Types that claim something about *every* site in a scope are only as good
//! as the enumeration, so nothing is skipped silently: a symlink anywhere in
//! the searched region, a source file in a language we cannot parse, or a
//! scope larger than the caps refuses the whole claim instead of deciding it
//! on part of the code. `.gitignore` is deliberately not honoured here: an
//! ignored file that ships is still code.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::Path;

use globset::GlobBuilder;
use rampart_assurance::assertion::check_relative_path;

use crate::lang::Lang;
use crate::path::relative;

/// At most this many files are visited over the whole scope.
pub(crate) const MAX_SCOPE_FILES: usize = 5_000;
/// At most this many source bytes are parsed over the whole scope.
pub(crate) const MAX_SCOPE_BYTES: u64 = 16 * 1024 * 1024;

/// Extensions of code in languages we have no grammar for: such a file in
/// scope could hold a sink call we would never see.
const UNPARSED_CODE: &[&str] = &[
    "rb", "php", "kt", "kts", "swift", "scala", "pl", "pm", "lua", "dart", "ex", "exs", "erl", "hs", "clj", "groovy",
    "vb", "fs", "jl", "cr", "nim", "zig", "m", "mm", "r",
];

/// The source files of a scope (relative, sorted, deduplicated) and how
/// many non-source files it held.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    pub(crate) sources: Vec<String>,
    pub(crate) other_files: usize,
}

/// Enumerates every file named by `items` under the canonical `root`.
/// `Err` is the refusal, in words.
pub(crate) fn enumerate(root: &Path, items: &[String], max_file_bytes: u64) -> Result<Scope, String> {
    let mut files = BTreeSet::new();
    for item in items {
        let item = item.trim().trim_start_matches("./");
        check_relative_path(item).map_err(|why| format!("scope entry `{item}` refused: {why}"))?;
        if item.contains(['*', '?', '[', '{']) {
            glob(root, item, &mut files)?;
        } else {
            let before = files.len();
            let base = item.trim_end_matches('/');
            visit(root, if base.is_empty() || base == "." { "" } else { base }, &mut files, None)?;
            if files.len() == before {
                return Err(format!("scope entry `{item}` holds no file"));
            }
        }
    }
    classify(root, files, max_file_bytes)
}

fn glob(root: &Path, pattern: &str, files: &mut BTreeSet<String>) -> Result<(), String> {
    let matcher = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("scope entry `{pattern}` is not a valid glob: {e}"))?
        .compile_matcher();
    // Walk only the literal directory prefix, so `src/**/*.py` does not
    // search (and refuse symlinks in) the rest of the tree.
    let base: Vec<&str> = pattern.split('/').take_while(|seg| !seg.contains(['*', '?', '[', '{'])).collect::<Vec<_>>();
    let base = base.join("/");
    let before = files.len();
    match std::fs::symlink_metadata(root.join(&base)) {
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        _ => visit(root, &base, files, Some(&matcher))?,
    }
    if files.len() == before {
        return Err(format!("scope glob `{pattern}` matches no file"));
    }
    Ok(())
}

/// Adds the regular files at or under `rel` (matching `filter`, if any),
/// refusing symlinks and stopping at the file cap. Iterative: a deep tree
/// must not overflow the stack.
fn visit(
    root: &Path,
    rel: &str,
    files: &mut BTreeSet<String>,
    filter: Option<&globset::GlobMatcher>,
) -> Result<(), String> {
    let mut stack = vec![root.join(rel)];
    while let Some(path) = stack.pop() {
        let shown = relative(root, &path);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => return Err(format!("scope entry `{rel}` not found")),
            Err(e) => return Err(format!("cannot read `{shown}`: {e}")),
        };
        if meta.file_type().is_symlink() {
            return Err(format!(
                "`{shown}` in scope is a symbolic link: the scope must be plain files and directories, so that every site is in view"
            ));
        }
        if meta.is_dir() {
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            let entries = std::fs::read_dir(&path).map_err(|e| format!("cannot list `{shown}`: {e}"))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("cannot list `{shown}`: {e}"))?;
                stack.push(entry.path());
            }
        } else if meta.is_file() {
            if filter.is_none_or(|m| m.is_match(&shown)) {
                files.insert(shown);
            }
            if files.len() > MAX_SCOPE_FILES {
                return Err(format!("scope refused: more than {MAX_SCOPE_FILES} files; narrow it"));
            }
        }
    }
    Ok(())
}

/// Splits the files into parseable sources and the rest, applying the
/// per-file and total size caps to the sources.
fn classify(root: &Path, files: BTreeSet<String>, max_file_bytes: u64) -> Result<Scope, String> {
    let mut scope = Scope::default();
    let mut total = 0u64;
    for rel in files {
        if Lang::from_path(&rel).is_none() {
            let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            if UNPARSED_CODE.contains(&ext.as_str()) {
                return Err(format!(
                    "`{rel}` in scope is code in a language this verifier cannot parse; narrow the scope"
                ));
            }
            scope.other_files += 1;
            continue;
        }
        let size = std::fs::metadata(root.join(&rel)).map_err(|e| format!("cannot read `{rel}`: {e}"))?.len();
        if size > max_file_bytes {
            return Err(format!("`{rel}` refused: {size} bytes exceeds the {max_file_bytes}-byte size cap"));
        }
        total += size;
        if total > MAX_SCOPE_BYTES {
            return Err(format!("scope refused: more than {MAX_SCOPE_BYTES} bytes of source; narrow it"));
        }
        scope.sources.push(rel);
    }
    Ok(scope)
}
