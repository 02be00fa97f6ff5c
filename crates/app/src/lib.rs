//! Rampart's use cases: everything a surface (REST, MCP, CLI against a
//! server) can do, with authorization, over the store and the pure domain.
//!
//! A request arrives with a [`Principal`] (who, in which workspace, with what
//! role), found from an API key by [`App::authenticate`]. Every store call is
//! scoped to the principal's workspace. Model edits load the live view, apply
//! the domain edit, and append the next version with its activity events in
//! one transaction, under optimistic concurrency.

mod accounts;
mod ai_gate;
mod assessment;
mod auth;
mod chat;
mod edits;
mod error;
mod evidence;
mod generation;
mod invitations;
mod jobs;
mod judging;
mod models;
mod retry;
mod usage;

pub use accounts::{Me, NewWorkspace, WorkspaceView};
pub use assessment::Assessment;
pub use auth::{AUTH_TTL, NewKey, NewUser, hash_key};
pub use chat::{ChatHistory, ChatInput, ChatReply, NewChatSession};
pub use edits::EditOutcome;
pub use error::AppError;
pub use evidence::{
    AssertionReport, AssertionView, AuditExport, ControlReport, ControlState, NewAssertions, NewFinding, NewSigningKey,
    PendingAssertions, PendingQuery, Pipeline, RunAccepted, RunSubmission, StoredAssertion, StoredRun, TierVerdict,
    VerificationReport, VerificationSettings, normalize_repo,
};
pub use generation::{GeneratedModel, Generator, LlmSettings, Step};
pub use invitations::{AcceptInvitation, AcceptedInvitation, InvitationRequest, NewInvitation};
pub use jobs::{GENERATE_MODEL, GenerationRequest, JobEventView, JobView, WorkerConfig};
pub use models::{ModelView, NewModel};
pub use rampart_model::ModelLimits;
use rampart_store::Store;
pub use rampart_store::{
    ActivityRecord, ApiKeyRecord, Backend, ChatMessage, ChatSession, InvitationRecord, MembershipRecord, ModelRecord,
    OrganizationGrades, Page, Role, SigningKeyRecord, SystemRecord, User, VersionSummary, Workspace,
};

/// Helpers for the test suites of the crates above this one: a fresh,
/// uniquely named PostgreSQL database per test, and a way to simulate an
/// outage.
#[cfg(feature = "test-support")]
pub mod testing {
    pub use rampart_store::testing::*;
}
pub use usage::{DEFAULT_DAILY_AI_LIMIT, UsageQuery, UsageSummary, UsageTotals, UserUsage};

/// Who is asking, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub workspace_id: String,
    pub role: Role,
    pub key_id: String,
}

impl Principal {
    /// The one check of where a key may act: the workspace it is bound to.
    /// Any other workspace, whoever owns it, is not found.
    pub fn in_workspace(&self, workspace_id: &str) -> Result<(), AppError> {
        if workspace_id == self.workspace_id { Ok(()) } else { Err(AppError::not_found("workspace")) }
    }

    /// Owners manage members and settings.
    pub fn require_owner(&self) -> Result<(), AppError> {
        if self.role == Role::Owner { Ok(()) } else { Err(AppError::forbidden("only a workspace owner can do this")) }
    }
}

/// How much one workspace may store, set by the operator: a request beyond
/// a limit is refused (422 `limit_exceeded`, naming the limit) before any
/// work is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub model: rampart_model::ModelLimits,
    /// Most live assertions on one control or assumption.
    pub assertions_per_subject: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { model: rampart_model::ModelLimits::default(), assertions_per_subject: 200 }
    }
}

/// The application: cheap to clone, shared by every request.
#[derive(Debug, Clone)]
pub struct App {
    pub(crate) store: Store,
    pub(crate) generator: Generator,
    pub(crate) daily_ai_limit: u32,
    pub(crate) limits: Limits,
    pub(crate) assessments: assessment::AssessmentCache,
    pub(crate) model_locks: retry::ModelLocks,
    pub(crate) auth_cache: auth::AuthCache,
}

impl App {
    /// An application over `store`, generating models offline.
    pub fn new(store: Store) -> App {
        App {
            store,
            generator: Generator::offline(),
            daily_ai_limit: usage::DEFAULT_DAILY_AI_LIMIT,
            limits: Limits::default(),
            assessments: assessment::AssessmentCache::default(),
            model_locks: retry::ModelLocks::default(),
            auth_cache: auth::AuthCache::default(),
        }
    }

    /// The same application with other size limits.
    pub fn with_limits(mut self, limits: Limits) -> App {
        self.limits = limits;
        self
    }

    /// The same application with another per-user daily AI request limit.
    pub fn with_daily_ai_limit(mut self, limit: u32) -> App {
        self.daily_ai_limit = limit;
        self
    }

    /// The same application with another generator (e.g. an LLM's).
    pub fn with_generator(mut self, generator: Generator) -> App {
        self.generator = generator;
        self
    }

    /// Opens (creating and migrating if needed) the database at `url`: a
    /// SQLite path or a `postgres://` URL.
    pub async fn open(url: &str, pool_size: u32) -> Result<App, AppError> {
        Ok(App::new(Store::open(url, pool_size).await?))
    }

    /// Which database this application runs on.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Ready when the database answers.
    pub async fn ready(&self) -> Result<(), AppError> {
        Ok(self.store.ping().await?)
    }
}
