//! Rampart persistence.
//!
//! Sync diesel over one [`AnyConnection`] type for SQLite (the embedded
//! default, WAL, foreign keys on) and PostgreSQL (selected by a
//! `postgres://` URL), behind an async API: each call runs its whole
//! transaction inside one blocking task, never holding a connection across an
//! `.await`. Every call that touches workspace data takes the workspace id and
//! filters by it, so a foreign id is indistinguishable from a missing one.

mod accounts;
mod activity;
mod chat;
mod conn;
mod error;
mod evidence;
mod invitations;
pub mod jobs;
mod models;
mod records;
mod revision_memo;
mod schema;
mod snapshot_cache;
mod store;
mod systems;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;

pub use conn::Backend;
pub use error::StoreError;
pub use evidence::{EvidenceDoc, EvidenceLogEntry, EvidenceState, EvidenceWrite};
pub use invitations::{Accepted, Accepter, KeyMaterial};
pub use records::{
    ActivityRecord, ApiKeyRecord, ChatMessage, ChatSession, InvitationRecord, JobEvent, JobRecord, MAX_PAGE,
    MembershipRecord, ModelRecord, NewActivity, OrganizationGrades, Page, Role, SigningKeyRecord, SystemRecord,
    UsageRow, User, VersionRecord, VersionSummary, Workspace,
};
pub use revision_memo::REVISION_TTL;
pub use store::Store;
