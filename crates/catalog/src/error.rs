//! The errors of this crate.

/// Why a description could not be turned into a model, or why a catalog is
/// unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The description is empty or only whitespace.
    #[error("the feature description is empty: describe what the feature does, what data it handles and who uses it")]
    EmptyDescription,
    /// The description is longer than the generator accepts.
    #[error("the feature description has {chars} characters; at most {max} are accepted")]
    DescriptionTooLong { chars: usize, max: usize },
    /// A catalog file is not valid TOML or does not follow the schema.
    #[error("catalog file `{file}` cannot be read: {message}")]
    Parse { file: String, message: String },
    /// A catalog file parses but breaks a catalog rule (unknown key, duplicate
    /// key, an asset no component holds, …).
    #[error("catalog file `{file}` is invalid: {message}")]
    Invalid { file: String, message: String },
}

impl CatalogError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogError::EmptyDescription => "empty_description",
            CatalogError::DescriptionTooLong { .. } => "description_too_long",
            CatalogError::Parse { .. } => "catalog_parse",
            CatalogError::Invalid { .. } => "catalog_invalid",
        }
    }

    pub(crate) fn invalid(file: &str, message: impl Into<String>) -> Self {
        CatalogError::Invalid { file: file.to_owned(), message: message.into() }
    }
}
