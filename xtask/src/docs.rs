//! `cargo xtask docs [--check]`: documentation generated from the code, so a
//! page can never disagree with what it describes.

use std::path::{Path, PathBuf};

use crate::generated::{self, GeneratedFile, Mode};

/// One generated page: its path relative to the workspace root and the
/// function that renders it.
#[derive(Debug)]
pub(crate) struct DocSpec {
    pub(crate) path: &'static str,
    pub(crate) generate: fn() -> String,
}

/// THE list of generated documents. To add one, add a line here and run
/// `cargo xtask docs`.
pub(crate) const DOCS: &[DocSpec] = &[
    DocSpec { path: "docs/methodology/risk.md", generate: rampart_risk::tables::risk_methodology_markdown },
    DocSpec {
        path: "docs/methodology/assertions.md",
        generate: rampart_assurance::registry_doc::assertion_types_markdown,
    },
];

pub(crate) fn files() -> Vec<GeneratedFile> {
    DOCS.iter()
        .map(|doc| {
            let mut contents = (doc.generate)();
            if !contents.ends_with('\n') {
                contents.push('\n');
            }
            GeneratedFile { path: PathBuf::from(doc.path), contents }
        })
        .collect()
}

pub(crate) fn run(root: &Path, mode: Mode) -> anyhow::Result<()> {
    // The docs directories also hold hand-written pages, so there is no
    // directory whose every file is generated: no "extra" check here.
    generated::sync(root, "docs", &files(), None, mode)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn paths_are_unique_relative_markdown() {
        let mut seen = BTreeSet::new();
        for doc in DOCS {
            assert!(seen.insert(doc.path), "duplicate doc path {}", doc.path);
            assert!(Path::new(doc.path).is_relative() && doc.path.ends_with(".md"), "bad doc path {}", doc.path);
        }
    }
}
