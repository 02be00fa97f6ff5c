//! Writing and drift-checking generated, checked-in files.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// Whether to write the generated files or only compare them with the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    Check,
}

/// One generated file: its path relative to the workspace root and contents.
#[derive(Debug)]
pub(crate) struct GeneratedFile {
    pub(crate) path: PathBuf,
    pub(crate) contents: String,
}

/// A directory whose files with a given suffix are all generated: any such
/// file that is not generated any more is stale ("extra").
#[derive(Debug, Clone, Copy)]
pub(crate) struct OwnedDir {
    pub(crate) dir: &'static str,
    pub(crate) suffix: &'static str,
}

/// Writes `files` under `root`, or with [`Mode::Check`] fails listing every
/// drifted, missing and extra file. `command` is the xtask command that
/// regenerates them, for the hint.
pub(crate) fn sync(
    root: &Path,
    command: &str,
    files: &[GeneratedFile],
    owned: Option<OwnedDir>,
    mode: Mode,
) -> anyhow::Result<()> {
    let wanted: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    let extra = match owned {
        Some(owned) => extra_files(root, owned, &wanted)?,
        None => Vec::new(),
    };

    let mut problems = Vec::new();
    let (mut written, mut unchanged) = (0usize, 0usize);
    for file in files {
        let full = root.join(&file.path);
        let on_disk = match fs::read_to_string(&full) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("reading {}", full.display())),
        };
        match (&on_disk, mode) {
            (Some(text), _) if same(text, &file.contents) => unchanged += 1,
            (Some(text), Mode::Check) => problems.push(format!(
                "drifted: {} (first difference at line {})",
                file.path.display(),
                first_difference(text, &file.contents)
            )),
            (None, Mode::Check) => problems.push(format!("missing: {}", file.path.display())),
            (_, Mode::Write) => {
                if let Some(parent) = full.parent() {
                    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
                }
                fs::write(&full, &file.contents).with_context(|| format!("writing {}", full.display()))?;
                println!("  wrote {}", file.path.display());
                written += 1;
            }
        }
    }

    match mode {
        Mode::Write => {
            for path in &extra {
                fs::remove_file(root.join(path)).with_context(|| format!("removing {}", path.display()))?;
                println!("  removed stale {}", path.display());
            }
            let removed = if owned.is_some() { format!(", {} stale removed", extra.len()) } else { String::new() };
            println!("{command}: {written} written, {unchanged} unchanged{removed} ({} files)", files.len());
            Ok(())
        }
        Mode::Check => {
            problems.extend(extra.iter().map(|p| format!("extra (no longer generated): {}", p.display())));
            if problems.is_empty() {
                println!("{command}: {} files up to date", files.len());
                return Ok(());
            }
            for problem in &problems {
                eprintln!("  {problem}");
            }
            bail!("{} generated file(s) out of date; run `cargo xtask {command}` and commit the result", problems.len())
        }
    }
}

/// Files in `owned` that match its suffix but are not in `wanted`, sorted.
fn extra_files(root: &Path, owned: OwnedDir, wanted: &BTreeSet<&Path>) -> anyhow::Result<Vec<PathBuf>> {
    let dir = root.join(owned.dir);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("listing {}", dir.display())),
    };
    let mut extra = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = Path::new(owned.dir).join(name);
        if name.ends_with(owned.suffix) && !wanted.contains(path.as_path()) {
            extra.push(path);
        }
    }
    extra.sort();
    Ok(extra)
}

/// Equal up to line endings, so a checkout with CRLF endings is not drift.
fn same(on_disk: &str, generated: &str) -> bool {
    on_disk == generated || on_disk.replace("\r\n", "\n") == generated
}

/// The 1-based number of the first line that differs.
fn first_difference(a: &str, b: &str) -> usize {
    let mut a_lines = a.lines();
    let mut b_lines = b.lines();
    let mut n = 1;
    loop {
        match (a_lines.next(), b_lines.next()) {
            (Some(x), Some(y)) if x.trim_end_matches('\r') == y => n += 1,
            _ => return n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_is_one_based() {
        assert_eq!(first_difference("a\nb\n", "a\nc\n"), 2);
        assert_eq!(first_difference("x", "y"), 1);
        assert_eq!(first_difference("a\n", "a\nb\n"), 2);
    }

    #[test]
    fn crlf_is_not_drift() {
        assert!(same("a\r\nb\r\n", "a\nb\n"));
        assert!(!same("a\nb\n", "a\nc\n"));
    }
}
