//! One-time invitations into team workspaces.
//!
//! Accepting one is a single transaction: the invitation is checked (live,
//! unexpired, unused, for this email if it names one), the accepter becomes a
//! member (created first when new), the invitation is marked used and the
//! accepter's keys are stored. A token that is unknown, expired, used or
//! revoked is not found, whichever it is.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::{find_user, insert_api_key, insert_user, role_in};
use crate::activity::insert_activity;
use crate::error::StoreError;
use crate::records::{ApiKeyRecord, InvitationRecord, NewActivity, Role, User};
use crate::schema::{invitations, memberships, workspaces};
use crate::store::{Store, new_id, now};

type InvitationRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

const COLUMNS: (
    invitations::id,
    invitations::workspace_id,
    invitations::role,
    invitations::email,
    invitations::created_by,
    invitations::created_at,
    invitations::expires_at,
    invitations::accepted_by,
    invitations::accepted_at,
    invitations::revoked_at,
) = (
    invitations::id,
    invitations::workspace_id,
    invitations::role,
    invitations::email,
    invitations::created_by,
    invitations::created_at,
    invitations::expires_at,
    invitations::accepted_by,
    invitations::accepted_at,
    invitations::revoked_at,
);

fn invitation(r: InvitationRow) -> InvitationRecord {
    InvitationRecord {
        id: r.0,
        workspace_id: r.1,
        role: Role::parse(&r.2),
        email: r.3,
        created_by: r.4,
        created_at: r.5,
        expires_at: r.6,
        accepted_by: r.7,
        accepted_at: r.8,
        revoked_at: r.9,
    }
}

/// Who accepts an invitation.
#[derive(Debug, Clone)]
pub enum Accepter {
    /// A user who has an account already (authenticated by one of their keys).
    Existing { user_id: String },
    /// A person without an account: one is created with a personal workspace.
    New { email: String, display_name: String },
}

/// The part of a new key the store keeps: its visible prefix and hash.
#[derive(Debug, Clone)]
pub struct KeyMaterial {
    pub prefix: String,
    pub hash: String,
}

/// What accepting an invitation made.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub invitation: InvitationRecord,
    pub user: User,
    /// The accepter's key for the workspace they joined.
    pub workspace_key: ApiKeyRecord,
    /// A key for the personal workspace of a newly created account.
    pub personal_key: Option<ApiKeyRecord>,
}

fn key_record(workspace_id: &str, user_id: &str, name: &str, material: &KeyMaterial) -> ApiKeyRecord {
    ApiKeyRecord {
        id: new_id(),
        workspace_id: workspace_id.to_owned(),
        user_id: user_id.to_owned(),
        name: name.to_owned(),
        prefix: material.prefix.clone(),
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
        role: None,
    }
}

impl Store {
    /// Stores an invitation into a team workspace (personal ones have one member).
    pub async fn create_invitation(
        &self,
        workspace_id: &str,
        role: Role,
        email: Option<&str>,
        created_by: &str,
        token_hash: &str,
        expires_at: NaiveDateTime,
    ) -> Result<InvitationRecord, StoreError> {
        let rec = InvitationRecord {
            id: new_id(),
            workspace_id: workspace_id.to_owned(),
            role,
            email: email.map(|e| e.trim().to_lowercase()),
            created_by: created_by.to_owned(),
            created_at: now(),
            expires_at,
            accepted_by: None,
            accepted_at: None,
            revoked_at: None,
        };
        let hash = token_hash.to_owned();
        self.write(move |c| {
            let personal: bool = workspaces::table
                .filter(workspaces::id.eq(&rec.workspace_id))
                .select(workspaces::personal)
                .first(c)
                .optional()?
                .ok_or(StoreError::NotFound("workspace"))?;
            if personal {
                return Err(StoreError::Conflict("a personal workspace has no other members".into()));
            }
            diesel::insert_into(invitations::table)
                .values((
                    invitations::id.eq(&rec.id),
                    invitations::workspace_id.eq(&rec.workspace_id),
                    invitations::token_hash.eq(&hash),
                    invitations::role.eq(rec.role.as_str()),
                    invitations::email.eq(&rec.email),
                    invitations::created_by.eq(&rec.created_by),
                    invitations::created_at.eq(rec.created_at),
                    invitations::expires_at.eq(rec.expires_at),
                ))
                .execute(c)?;
            insert_activity(
                c,
                &rec.workspace_id,
                &NewActivity {
                    actor_user_id: Some(rec.created_by.clone()),
                    action: "invitation_created".into(),
                    model_id: None,
                    entity_id: Some(rec.id.clone()),
                    details: serde_json::json!({"role": rec.role.as_str(), "email": rec.email}),
                },
            )?;
            Ok(rec)
        })
        .await
    }

    /// The workspace's invitations, newest first.
    pub async fn list_invitations(&self, workspace_id: &str) -> Result<Vec<InvitationRecord>, StoreError> {
        let ws = workspace_id.to_owned();
        self.read(move |c| {
            let rows: Vec<InvitationRow> = invitations::table
                .filter(invitations::workspace_id.eq(&ws))
                .order((invitations::created_at.desc(), invitations::id.desc()))
                .select(COLUMNS)
                .load(c)?;
            Ok(rows.into_iter().map(invitation).collect())
        })
        .await
    }

    /// Revokes an invitation that was not used yet.
    pub async fn revoke_invitation(&self, workspace_id: &str, id: &str) -> Result<(), StoreError> {
        let (ws, id) = (workspace_id.to_owned(), id.to_owned());
        self.write(move |c| {
            let n = diesel::update(
                invitations::table.filter(
                    invitations::workspace_id
                        .eq(&ws)
                        .and(invitations::id.eq(&id))
                        .and(invitations::accepted_at.is_null())
                        .and(invitations::revoked_at.is_null()),
                ),
            )
            .set(invitations::revoked_at.eq(Some(now())))
            .execute(c)?;
            if n == 0 { Err(StoreError::NotFound("invitation")) } else { Ok(()) }
        })
        .await
    }

    /// Accepts the invitation whose token hashes to `token_hash`: all of it or
    /// nothing (see the module documentation).
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        accepter: Accepter,
        workspace_key: KeyMaterial,
        personal_key: KeyMaterial,
    ) -> Result<Accepted, StoreError> {
        let hash = token_hash.to_owned();
        self.write(move |c| {
            let at = now();
            let inv = invitations::table
                .filter(
                    invitations::token_hash
                        .eq(&hash)
                        .and(invitations::accepted_at.is_null())
                        .and(invitations::revoked_at.is_null())
                        .and(invitations::expires_at.gt(at)),
                )
                .select(COLUMNS)
                .first::<InvitationRow>(c)
                .optional()?
                .map(invitation)
                .ok_or(StoreError::NotFound("invitation"))?;
            let (user, personal) = match accepter {
                Accepter::Existing { user_id } => (find_user(c, &user_id)?, None),
                Accepter::New { email, display_name } => {
                    let (u, ws) = insert_user(c, email.trim().to_lowercase(), display_name)?;
                    (u, Some(ws))
                }
            };
            if let Some(wanted) = &inv.email
                && *wanted != user.email
            {
                return Err(StoreError::Conflict("this invitation is for another email address".into()));
            }
            if role_in(c, &inv.workspace_id, &user.id)?.is_some() {
                return Err(StoreError::Conflict("you are a member of this workspace already".into()));
            }
            diesel::insert_into(memberships::table)
                .values((
                    memberships::workspace_id.eq(&inv.workspace_id),
                    memberships::user_id.eq(&user.id),
                    memberships::role.eq(inv.role.as_str()),
                    memberships::created_at.eq(at),
                ))
                .execute(c)?;
            diesel::update(invitations::table.filter(invitations::id.eq(&inv.id)))
                .set((invitations::accepted_by.eq(Some(&user.id)), invitations::accepted_at.eq(Some(at))))
                .execute(c)?;
            let team = key_record(&inv.workspace_id, &user.id, "invitation", &workspace_key);
            insert_api_key(c, &team, &workspace_key.hash)?;
            let personal_key = match personal {
                Some(ws) => {
                    let k = key_record(&ws.id, &user.id, "first key", &personal_key);
                    insert_api_key(c, &k, &personal_key.hash)?;
                    Some(k)
                }
                None => None,
            };
            insert_activity(
                c,
                &inv.workspace_id,
                &NewActivity {
                    actor_user_id: Some(user.id.clone()),
                    action: "invitation_accepted".into(),
                    model_id: None,
                    entity_id: Some(inv.id.clone()),
                    details: serde_json::json!({"role": inv.role.as_str()}),
                },
            )?;
            let invitation = InvitationRecord { accepted_by: Some(user.id.clone()), accepted_at: Some(at), ..inv };
            Ok(Accepted { invitation, user, workspace_key: team, personal_key })
        })
        .await
    }
}
