//! The project's file list, walked once per verifier and only when a type
//! needs it (`test_exists`). `.gitignore` and `.ignore` files are honoured so
//! vendored and generated trees do not count as the project's own tests;
//! global git configuration is not, so the verdict is the same on every
//! machine.

use std::path::Path;

use crate::path::relative;

/// At most this many files are listed: a bound, so that a pathological tree
/// cannot make a verification hang.
pub(crate) const MAX_FILES: usize = 200_000;

/// The project's regular files (relative, `/`-separated, sorted), and whether
/// the walk stopped at [`MAX_FILES`].
#[derive(Debug, Default)]
pub(crate) struct FileList {
    pub(crate) files: Vec<String>,
    pub(crate) truncated: bool,
}

pub(crate) fn walk(root: &Path) -> FileList {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .follow_links(false)
        .parents(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    let mut list = FileList::default();
    for entry in walker.flatten() {
        // Symlinks are never followed and never listed: a link could name
        // something outside the root.
        if entry.file_type().is_some_and(|t| t.is_file()) {
            if list.files.len() >= MAX_FILES {
                list.truncated = true;
                break;
            }
            list.files.push(relative(root, entry.path()));
        }
    }
    list.files.sort();
    list
}
