//! The values the store hands out.

use chrono::NaiveDateTime;
use rampart_model::ThreatModel;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A member's role in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages members and settings; reads and writes.
    Owner,
    /// Reads and writes.
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }

    /// This role, capped by a key's grant.
    pub fn capped_by(self, cap: Option<Role>) -> Role {
        match (self, cap) {
            (Role::Owner, Some(Role::Member)) => Role::Member,
            (role, _) => role,
        }
    }

    pub(crate) fn parse(s: &str) -> Role {
        // Only these two strings are ever written.
        if s == "owner" { Role::Owner } else { Role::Member }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub personal: bool,
    pub created_at: NaiveDateTime,
}

/// Organization-level assurance targets of a workspace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationGrades {
    /// Target maturity level, 1–5 (e.g. IEC 62443-2-4 / CMMI-style).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ml: Option<u8>,
    /// NIST CSF implementation tier, 1–4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csf_tier: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MembershipRecord {
    pub workspace_id: String,
    pub user_id: String,
    pub role: Role,
    pub created_at: NaiveDateTime,
}

/// An API key as stored: never the key itself, only its hash and a short
/// visible prefix to recognise it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ApiKeyRecord {
    pub id: String,
    pub workspace_id: String,
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    /// The most this key may do in its workspace; none means whatever its
    /// holder's role allows. A key never does more than its holder may.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// An invitation into a team workspace; its token is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct InvitationRecord {
    pub id: String,
    pub workspace_id: String,
    /// The role the accepter gets.
    pub role: Role,
    /// When set, only the user with this email may accept it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SystemRecord {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ModelRecord {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    pub current_version: u32,
    pub system_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct VersionSummary {
    pub version: u32,
    pub content_hash: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// One stored version, its snapshot checked against its content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    pub summary: VersionSummary,
    pub model: ThreatModel,
}

/// An activity event to record in the same transaction as the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    pub actor_user_id: Option<String>,
    pub action: String,
    pub model_id: Option<String>,
    pub entity_id: Option<String>,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ActivityRecord {
    pub id: String,
    pub workspace_id: String,
    pub model_id: Option<String>,
    pub actor_user_id: Option<String>,
    pub action: String,
    pub entity_id: Option<String>,
    pub details: serde_json::Value,
    pub created_at: NaiveDateTime,
}

/// One page of a list, with the cursor for the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Largest page a caller may ask for.
pub const MAX_PAGE: i64 = 200;

pub(crate) fn clamp_limit(limit: u32) -> i64 {
    i64::from(limit).clamp(1, MAX_PAGE)
}

/// A public key whose signatures on verification results the workspace accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SigningKeyRecord {
    /// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    pub fingerprint: String,
    pub public_key_pem: String,
    pub label: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<NaiveDateTime>,
}

/// A queued, running or finished job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct JobRecord {
    pub id: String,
    #[serde(skip)]
    pub workspace_id: String,
    pub kind: String,
    /// The job's input (JSON text).
    #[serde(skip)]
    pub payload: String,
    /// `queued`, `running`, `succeeded` or `failed`.
    pub state: String,
    pub attempts: u32,
    pub max_attempts: u32,
    pub run_after: NaiveDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<NaiveDateTime>,
    #[serde(skip)]
    pub claimed_by: Option<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The job's output (JSON text), once succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One progress event of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct JobEvent {
    pub seq: i64,
    /// JSON text.
    pub body: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ChatSession {
    pub id: String,
    #[serde(skip)]
    pub workspace_id: String,
    pub model_id: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ChatMessage {
    pub seq: i64,
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    /// What the message did: intent, version made, job started, refusal.
    pub meta: serde_json::Value,
    pub created_at: NaiveDateTime,
}

/// AI usage of one user on one day in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UsageRow {
    pub user_id: String,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub requests: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}
