//! Errors of constructing a verifier. Per-assertion problems are never
//! errors: they are verdicts.

/// Why a [`crate::Verifier`] cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("project root `{path}` cannot be opened: {source}")]
    Root { path: String, source: std::io::Error },
    #[error("project root `{0}` is not a directory")]
    NotADirectory(String),
}

impl EvidenceError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            EvidenceError::Root { .. } => "evidence_root_unreadable",
            EvidenceError::NotADirectory(_) => "evidence_root_not_directory",
        }
    }
}
