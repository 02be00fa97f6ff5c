//! Store errors. A foreign id is indistinguishable from a missing one: both
//! are `NotFound`.

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The model is at another version than the write expected.
    #[error("the model is at version {current}, not {expected}: reload it and apply the change again")]
    VersionConflict { current: u32, expected: u32 },
    /// The model changed since the write's input was read (a retry on the
    /// new state is safe).
    #[error("the model changed while this change was being made")]
    StateChanged,
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound(_) => "not_found",
            StoreError::Conflict(_) => "conflict",
            StoreError::VersionConflict { .. } => "version_conflict",
            StoreError::StateChanged => "state_changed",
            StoreError::Invalid(_) => "invalid",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::Unavailable(_) => "unavailable",
            StoreError::Database(_) => "database",
        }
    }
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound("row"),
            // The database's own wording names tables and constraints: it
            // goes to the log, never to a client. Callers that know what
            // collided (a name, a run id) say so in their own words.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::debug!(database_message = info.message(), "unique violation");
                StoreError::Conflict("this already exists".into())
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                tracing::debug!(database_message = info.message(), "foreign key violation");
                StoreError::Invalid("this refers to something that does not exist".into())
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                tracing::debug!(database_message = info.message(), "serialization failure");
                StoreError::StateChanged
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StoreError::Unavailable(info.message().to_owned())
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error};

    use super::StoreError;

    #[derive(Debug)]
    struct Raw;

    impl DatabaseErrorInformation for Raw {
        fn message(&self) -> &str {
            "duplicate key value violates unique constraint \"factor_revisions_pkey\""
        }
        fn details(&self) -> Option<&str> {
            Some("Key (model_id, seq)=(m, 3) already exists.")
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            Some("factor_revisions")
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            Some("factor_revisions_pkey")
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    #[test]
    fn database_wording_never_reaches_a_message() {
        for kind in [DatabaseErrorKind::UniqueViolation, DatabaseErrorKind::ForeignKeyViolation] {
            let e = StoreError::from(Error::DatabaseError(kind, Box::new(Raw)));
            let text = e.to_string();
            assert!(!text.contains("constraint") && !text.contains("factor_revisions"), "{text}");
        }
        let e = StoreError::from(Error::DatabaseError(DatabaseErrorKind::SerializationFailure, Box::new(Raw)));
        assert!(matches!(e, StoreError::StateChanged));
    }
}
