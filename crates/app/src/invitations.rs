//! Invitations: how a second person gets into a team workspace.
//!
//! An owner creates an invitation (a role, optionally the invitee's email,
//! an expiry) and passes its one-time token on. The invitee accepts it either
//! with a key of their existing account or, without an account, with their
//! email and name (an account with a personal workspace is created). Either
//! way they get a key bound to the workspace they joined: a key of one
//! workspace never reaches another, so joining is the one way to get one.

use rampart_model::BoundedText;
use rampart_store::{Accepter, InvitationRecord, Role};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::accounts::WorkspaceView;
use crate::auth::{NewKey, fresh_key, hash_key, random_token, token_well_formed};
use crate::error::AppError;
use crate::{App, Principal};

const TOKEN_PREFIX: &str = "ri_";
/// How long an invitation stays valid by default, and at most.
const DEFAULT_TTL_HOURS: u32 = 7 * 24;
const MAX_TTL_HOURS: u32 = 30 * 24;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// What an owner asks for.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// The role the invitee gets.
    pub role: Role,
    /// Only the user with this email may accept it.
    #[serde(default)]
    pub email: Option<String>,
    /// Hours until it expires: 1 to 720, default 168 (a week).
    #[serde(default)]
    pub expires_in_hours: Option<u32>,
}

/// A new invitation: the token is shown once.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NewInvitation {
    pub invitation: InvitationRecord,
    pub token: String,
}

/// How the invitee accepts.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub token: String,
    /// With no API key: the email of the account to create.
    #[serde(default)]
    pub email: Option<String>,
    /// With no API key: the display name of the account to create.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// What accepting gave: keys are shown once.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AcceptedInvitation {
    pub workspace: WorkspaceView,
    /// The key for the joined workspace.
    pub key: NewKey,
    /// For a newly created account: a key for its personal workspace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_key: Option<NewKey>,
}

fn email(value: &str) -> Result<String, AppError> {
    let text = BoundedText::name("email", value, MAX_EMAIL_CHARS)?.into_string().to_lowercase();
    let valid = text.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !text.contains(' ')
    });
    if valid { Ok(text) } else { Err(AppError::invalid("invalid_field", "email: not an email address")) }
}

impl App {
    /// Creates an invitation into the caller's team workspace (owners only).
    pub async fn create_invitation(
        &self,
        who: &Principal,
        workspace_id: &str,
        req: &InvitationRequest,
    ) -> Result<NewInvitation, AppError> {
        who.in_workspace(workspace_id)?;
        who.require_owner()?;
        let hours = req.expires_in_hours.unwrap_or(DEFAULT_TTL_HOURS);
        if !(1..=MAX_TTL_HOURS).contains(&hours) {
            return Err(AppError::invalid("invalid_field", format!("expires_in_hours: 1 to {MAX_TTL_HOURS}")));
        }
        let invitee = req.email.as_deref().map(email).transpose()?;
        let token = random_token(TOKEN_PREFIX)?;
        let expires_at = (chrono::Utc::now() + chrono::Duration::hours(i64::from(hours))).naive_utc();
        let invitation = self
            .store
            .create_invitation(workspace_id, req.role, invitee.as_deref(), &who.user_id, &hash_key(&token), expires_at)
            .await?;
        Ok(NewInvitation { invitation, token })
    }

    /// The workspace's invitations (owners only).
    pub async fn list_invitations(
        &self,
        who: &Principal,
        workspace_id: &str,
    ) -> Result<Vec<InvitationRecord>, AppError> {
        who.in_workspace(workspace_id)?;
        who.require_owner()?;
        Ok(self.store.list_invitations(workspace_id).await?)
    }

    pub async fn revoke_invitation(&self, who: &Principal, workspace_id: &str, id: &str) -> Result<(), AppError> {
        who.in_workspace(workspace_id)?;
        who.require_owner()?;
        Ok(self.store.revoke_invitation(workspace_id, id).await?)
    }

    /// Accepts an invitation as the caller (`who`, any key of theirs) or, with
    /// no key, as a new account named in the request.
    pub async fn accept_invitation(
        &self,
        who: Option<&Principal>,
        req: &AcceptInvitation,
    ) -> Result<AcceptedInvitation, AppError> {
        let accepter = match (who, &req.email, &req.display_name) {
            (Some(p), None, None) => Accepter::Existing { user_id: p.user_id.clone() },
            (Some(_), _, _) => {
                return Err(AppError::invalid(
                    "invalid_field",
                    "email and display_name are for accepting without an account; this request carries a key",
                ));
            }
            (None, Some(e), Some(name)) => Accepter::New {
                email: email(e)?,
                display_name: BoundedText::name("display_name", name, MAX_DISPLAY_NAME_CHARS)?.into_string(),
            },
            (None, _, _) => {
                return Err(AppError::invalid(
                    "invalid_field",
                    "send an API key of your account, or email and display_name to create one",
                ));
            }
        };
        if !token_well_formed(&req.token, TOKEN_PREFIX) {
            return Err(AppError::not_found("invitation"));
        }
        let (workspace_secret, workspace_material) = fresh_key()?;
        let (personal_secret, personal_material) = fresh_key()?;
        let accepted = self
            .store
            .accept_invitation(&hash_key(&req.token), accepter, workspace_material, personal_material)
            .await?;
        let (workspace, role) = self.store.workspace_for(&accepted.invitation.workspace_id, &accepted.user.id).await?;
        Ok(AcceptedInvitation {
            workspace: WorkspaceView { workspace, role },
            key: NewKey { record: accepted.workspace_key, secret: workspace_secret },
            personal_key: accepted.personal_key.map(|record| NewKey { record, secret: personal_secret }),
        })
    }
}
