//! The typed errors of model edits. Every variant names the problem and the
//! ids involved; `code()` is the stable machine-readable name used by the API.

use crate::judge::JudgeError;
use crate::model::EntityKind;

/// Why an edit was refused. An edit that fails leaves the model untouched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("{id} does not exist in this model")]
    UnknownId { id: String },
    #[error("{id} is soft-deleted; restore it before referring to it or editing it")]
    RemovedReference { id: String },
    #[error("{id} is already soft-deleted")]
    AlreadyRemoved { id: String },
    #[error("{id} is not soft-deleted, so there is nothing to restore")]
    NotRemoved { id: String },
    #[error("{id} is the last live {kind}: a model needs at least one live asset and one live attacker")]
    LastLive { id: String, kind: EntityKind },
    #[error("a live {kind} named \"{name}\" already exists ({existing})")]
    DuplicateName { kind: EntityKind, name: String, existing: String },
    #[error(
        "renaming {id} from \"{from}\" to \"{to}\" changes which {kind} it is; soft-delete {id} and add a new {kind} instead"
    )]
    IdentityChange { id: String, kind: EntityKind, from: String, to: String },
    #[error(
        "\"{name}\" may be the soft-deleted {kind} {candidate} (\"{candidate_name}\"); restore {candidate}, or choose a more distinctive name"
    )]
    PossibleReanimation { kind: EntityKind, name: String, candidate: String, candidate_name: String },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{id} is computed from its asset and attacker and cannot be {action} directly; {action_hint}")]
    ComputedEntity { id: String, action: &'static str, action_hint: &'static str },
    #[error("the id {id} appears more than once")]
    DuplicateId { id: String },
    #[error("the edit changes nothing")]
    NoChange,
    #[error(transparent)]
    Judge(#[from] JudgeError),
}

impl EditError {
    /// Stable snake_case code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            EditError::UnknownId { .. } => "unknown_id",
            EditError::RemovedReference { .. } => "removed_reference",
            EditError::AlreadyRemoved { .. } => "already_removed",
            EditError::NotRemoved { .. } => "not_removed",
            EditError::LastLive { .. } => "last_live_entity",
            EditError::DuplicateName { .. } => "duplicate_name",
            EditError::IdentityChange { .. } => "identity_change",
            EditError::PossibleReanimation { .. } => "possible_reanimation",
            EditError::Invalid { .. } => "invalid_field",
            EditError::ComputedEntity { .. } => "computed_entity",
            EditError::DuplicateId { .. } => "duplicate_id",
            EditError::NoChange => "no_change",
            EditError::Judge(JudgeError::Unavailable(_)) => "judge_unavailable",
            EditError::Judge(JudgeError::Malformed(_)) => "judge_malformed",
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> EditError {
        EditError::Invalid { field: field.into(), message: message.into() }
    }
}
