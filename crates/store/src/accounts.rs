//! Users, workspaces, memberships and API keys.

use diesel::prelude::*;

use crate::activity::insert_activity;
use crate::conn::AnyConnection;
use crate::error::StoreError;
use crate::records::{ApiKeyRecord, MembershipRecord, NewActivity, OrganizationGrades, Role, User, Workspace};
use crate::schema::{api_keys, memberships, users, workspaces};
use crate::store::{Store, new_id, now};

type UserRow = (String, String, String, chrono::NaiveDateTime);
type WorkspaceRow = (String, String, bool, chrono::NaiveDateTime);
type KeyRow = (
    String,
    String,
    String,
    String,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
    Option<String>,
);

fn user(r: UserRow) -> User {
    User { id: r.0, email: r.1, display_name: r.2, created_at: r.3 }
}

fn workspace(r: WorkspaceRow) -> Workspace {
    Workspace { id: r.0, name: r.1, personal: r.2, created_at: r.3 }
}

fn key(r: KeyRow) -> ApiKeyRecord {
    ApiKeyRecord {
        id: r.0,
        workspace_id: r.1,
        user_id: r.2,
        name: r.3,
        prefix: r.4,
        created_at: r.5,
        last_used_at: r.6,
        revoked_at: r.7,
        role: r.8.as_deref().map(Role::parse),
    }
}

const KEY_COLUMNS: (
    api_keys::id,
    api_keys::workspace_id,
    api_keys::user_id,
    api_keys::name,
    api_keys::prefix,
    api_keys::created_at,
    api_keys::last_used_at,
    api_keys::revoked_at,
    api_keys::role,
) = (
    api_keys::id,
    api_keys::workspace_id,
    api_keys::user_id,
    api_keys::name,
    api_keys::prefix,
    api_keys::created_at,
    api_keys::last_used_at,
    api_keys::revoked_at,
    api_keys::role,
);

fn insert_workspace(c: &mut AnyConnection, name: &str, personal: bool, owner: &str) -> Result<Workspace, StoreError> {
    let ws = Workspace { id: new_id(), name: name.to_owned(), personal, created_at: now() };
    diesel::insert_into(workspaces::table)
        .values((
            workspaces::id.eq(&ws.id),
            workspaces::name.eq(&ws.name),
            workspaces::personal.eq(personal),
            workspaces::created_at.eq(ws.created_at),
        ))
        .execute(c)?;
    diesel::insert_into(memberships::table)
        .values((
            memberships::workspace_id.eq(&ws.id),
            memberships::user_id.eq(owner),
            memberships::role.eq(Role::Owner.as_str()),
            memberships::created_at.eq(ws.created_at),
        ))
        .execute(c)?;
    Ok(ws)
}

/// Inserts a user with their personal workspace (they own it).
pub(crate) fn insert_user(
    c: &mut AnyConnection,
    email: String,
    display_name: String,
) -> Result<(User, Workspace), StoreError> {
    let u = User { id: new_id(), email, display_name, created_at: now() };
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&u.id),
            users::email.eq(&u.email),
            users::display_name.eq(&u.display_name),
            users::created_at.eq(u.created_at),
        ))
        .execute(c)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("a user with email {} exists", u.email)),
            other => other,
        })?;
    let ws = insert_workspace(c, &format!("{}'s workspace", u.display_name), true, &u.id)?;
    insert_activity(
        c,
        &ws.id,
        &NewActivity {
            actor_user_id: Some(u.id.clone()),
            action: "user_created".into(),
            model_id: None,
            entity_id: None,
            details: serde_json::json!({"email": u.email}),
        },
    )?;
    Ok((u, ws))
}

pub(crate) fn find_user(c: &mut AnyConnection, id: &str) -> Result<User, StoreError> {
    users::table
        .filter(users::id.eq(id))
        .select((users::id, users::email, users::display_name, users::created_at))
        .first::<UserRow>(c)
        .optional()?
        .map(user)
        .ok_or(StoreError::NotFound("user"))
}

/// Inserts a key record with the hash of its secret.
pub(crate) fn insert_api_key(c: &mut AnyConnection, rec: &ApiKeyRecord, hash: &str) -> Result<(), StoreError> {
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(&rec.id),
            api_keys::workspace_id.eq(&rec.workspace_id),
            api_keys::user_id.eq(&rec.user_id),
            api_keys::name.eq(&rec.name),
            api_keys::prefix.eq(&rec.prefix),
            api_keys::key_hash.eq(hash),
            api_keys::created_at.eq(rec.created_at),
            api_keys::role.eq(rec.role.map(Role::as_str)),
        ))
        .execute(c)?;
    Ok(())
}

pub(crate) fn role_in(c: &mut AnyConnection, workspace_id: &str, user_id: &str) -> Result<Option<Role>, StoreError> {
    Ok(memberships::table
        .filter(memberships::workspace_id.eq(workspace_id).and(memberships::user_id.eq(user_id)))
        .select(memberships::role)
        .first::<String>(c)
        .optional()?
        .map(|r| Role::parse(&r)))
}

fn is_personal(c: &mut AnyConnection, workspace_id: &str) -> Result<bool, StoreError> {
    workspaces::table
        .filter(workspaces::id.eq(workspace_id))
        .select(workspaces::personal)
        .first(c)
        .optional()?
        .ok_or(StoreError::NotFound("workspace"))
}

fn owners(c: &mut AnyConnection, workspace_id: &str) -> Result<i64, StoreError> {
    Ok(memberships::table
        .filter(memberships::workspace_id.eq(workspace_id).and(memberships::role.eq(Role::Owner.as_str())))
        .count()
        .get_result(c)?)
}

impl Store {
    /// Creates a user with their personal workspace (they own it).
    pub async fn create_user(&self, email: &str, display_name: &str) -> Result<(User, Workspace), StoreError> {
        let email = email.trim().to_lowercase();
        let display_name = display_name.trim().to_owned();
        if email.is_empty() || display_name.is_empty() {
            return Err(StoreError::Invalid("a user needs an email and a display name".into()));
        }
        self.write(move |c| insert_user(c, email, display_name)).await
    }

    pub async fn get_user(&self, user_id: &str) -> Result<User, StoreError> {
        let id = user_id.to_owned();
        self.read(move |c| find_user(c, &id)).await
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        self.read(|c| Ok(users::table.count().get_result(c)?)).await
    }

    /// Deletes a user and everything that is only theirs: their personal
    /// workspace and team workspaces where they are the only member. A team
    /// workspace they own with other members passes to the longest-standing
    /// other member.
    pub async fn delete_user(&self, user_id: &str) -> Result<(), StoreError> {
        let id = user_id.to_owned();
        self.write(move |c| {
            let found: i64 = users::table.filter(users::id.eq(&id)).count().get_result(c)?;
            if found == 0 {
                return Err(StoreError::NotFound("user"));
            }
            let held: Vec<(String, String, bool)> = memberships::table
                .inner_join(workspaces::table)
                .filter(memberships::user_id.eq(&id))
                .select((workspaces::id, memberships::role, workspaces::personal))
                .load(c)?;
            for (ws, role, personal) in held {
                let others: Vec<(String, String)> = memberships::table
                    .filter(memberships::workspace_id.eq(&ws).and(memberships::user_id.ne(&id)))
                    .order((memberships::created_at.asc(), memberships::user_id.asc()))
                    .select((memberships::user_id, memberships::role))
                    .load(c)?;
                if personal || others.is_empty() {
                    diesel::delete(workspaces::table.filter(workspaces::id.eq(&ws))).execute(c)?;
                } else if Role::parse(&role) == Role::Owner && !others.iter().any(|(_, r)| r == "owner") {
                    let heir = &others[0].0;
                    diesel::update(
                        memberships::table.filter(memberships::workspace_id.eq(&ws).and(memberships::user_id.eq(heir))),
                    )
                    .set(memberships::role.eq(Role::Owner.as_str()))
                    .execute(c)?;
                    insert_activity(
                        c,
                        &ws,
                        &NewActivity {
                            actor_user_id: None,
                            action: "ownership_transferred".into(),
                            model_id: None,
                            entity_id: None,
                            details: serde_json::json!({"from": id, "to": heir}),
                        },
                    )?;
                }
            }
            diesel::delete(users::table.filter(users::id.eq(&id))).execute(c)?;
            Ok(())
        })
        .await
    }

    /// Creates a team workspace owned by `owner_id`.
    pub async fn create_team_workspace(&self, owner_id: &str, name: &str) -> Result<Workspace, StoreError> {
        let (owner, name) = (owner_id.to_owned(), name.to_owned());
        self.write(move |c| {
            let ws = insert_workspace(c, &name, false, &owner)?;
            insert_activity(
                c,
                &ws.id,
                &NewActivity {
                    actor_user_id: Some(owner.clone()),
                    action: "workspace_created".into(),
                    model_id: None,
                    entity_id: None,
                    details: serde_json::json!({"name": name}),
                },
            )?;
            Ok(ws)
        })
        .await
    }

    /// The workspaces a user belongs to, with their role.
    pub async fn workspaces_of(&self, user_id: &str) -> Result<Vec<(Workspace, Role)>, StoreError> {
        let id = user_id.to_owned();
        self.read(move |c| {
            let rows: Vec<(WorkspaceRow, String)> = memberships::table
                .inner_join(workspaces::table)
                .filter(memberships::user_id.eq(&id))
                .order(workspaces::created_at.asc())
                .select((
                    (workspaces::id, workspaces::name, workspaces::personal, workspaces::created_at),
                    memberships::role,
                ))
                .load(c)?;
            Ok(rows.into_iter().map(|(w, r)| (workspace(w), Role::parse(&r))).collect())
        })
        .await
    }

    /// A workspace, if `user_id` is a member of it (else not found).
    pub async fn workspace_for(&self, workspace_id: &str, user_id: &str) -> Result<(Workspace, Role), StoreError> {
        let (ws, user) = (workspace_id.to_owned(), user_id.to_owned());
        self.read(move |c| {
            let role = role_in(c, &ws, &user)?.ok_or(StoreError::NotFound("workspace"))?;
            let row = workspaces::table
                .filter(workspaces::id.eq(&ws))
                .select((workspaces::id, workspaces::name, workspaces::personal, workspaces::created_at))
                .first::<WorkspaceRow>(c)?;
            Ok((workspace(row), role))
        })
        .await
    }

    pub async fn rename_workspace(&self, workspace_id: &str, name: &str) -> Result<(), StoreError> {
        let (ws, name) = (workspace_id.to_owned(), name.to_owned());
        self.write(move |c| {
            let n = diesel::update(workspaces::table.filter(workspaces::id.eq(&ws)))
                .set(workspaces::name.eq(&name))
                .execute(c)?;
            if n == 0 { Err(StoreError::NotFound("workspace")) } else { Ok(()) }
        })
        .await
    }

    /// Deletes a team workspace and all its data. Personal workspaces stay.
    pub async fn delete_workspace(&self, workspace_id: &str) -> Result<(), StoreError> {
        let ws = workspace_id.to_owned();
        self.write(move |c| {
            let personal = is_personal(c, &ws)?;
            if personal {
                return Err(StoreError::Conflict("a personal workspace cannot be deleted".into()));
            }
            diesel::delete(workspaces::table.filter(workspaces::id.eq(&ws))).execute(c)?;
            Ok(())
        })
        .await
    }

    /// The workspace's organization grades.
    pub async fn organization_grades(&self, workspace_id: &str) -> Result<OrganizationGrades, StoreError> {
        let ws = workspace_id.to_owned();
        self.read(move |c| {
            let (ml, tier): (Option<i32>, Option<i32>) = workspaces::table
                .filter(workspaces::id.eq(&ws))
                .select((workspaces::target_ml, workspaces::csf_tier))
                .first(c)
                .optional()?
                .ok_or(StoreError::NotFound("workspace"))?;
            let grade = |v: Option<i32>| v.and_then(|v| u8::try_from(v).ok());
            Ok(OrganizationGrades { target_ml: grade(ml), csf_tier: grade(tier) })
        })
        .await
    }

    /// Sets the organization grades (target_ml 1–5, csf_tier 1–4).
    pub async fn set_organization_grades(
        &self,
        workspace_id: &str,
        grades: OrganizationGrades,
    ) -> Result<(), StoreError> {
        let in_range = |v: Option<u8>, max: u8| v.is_none_or(|v| (1..=max).contains(&v));
        if !in_range(grades.target_ml, 5) || !in_range(grades.csf_tier, 4) {
            return Err(StoreError::Invalid("target_ml is 1–5 and csf_tier 1–4".into()));
        }
        let ws = workspace_id.to_owned();
        self.write(move |c| {
            let n = diesel::update(workspaces::table.filter(workspaces::id.eq(&ws)))
                .set((
                    workspaces::target_ml.eq(grades.target_ml.map(i32::from)),
                    workspaces::csf_tier.eq(grades.csf_tier.map(i32::from)),
                ))
                .execute(c)?;
            if n == 0 { Err(StoreError::NotFound("workspace")) } else { Ok(()) }
        })
        .await
    }

    pub async fn members(&self, workspace_id: &str) -> Result<Vec<MembershipRecord>, StoreError> {
        let ws = workspace_id.to_owned();
        self.read(move |c| {
            let rows: Vec<(String, String, String, chrono::NaiveDateTime)> = memberships::table
                .filter(memberships::workspace_id.eq(&ws))
                .order((memberships::created_at.asc(), memberships::user_id.asc()))
                .select((memberships::workspace_id, memberships::user_id, memberships::role, memberships::created_at))
                .load(c)?;
            Ok(rows
                .into_iter()
                .map(|r| MembershipRecord { workspace_id: r.0, user_id: r.1, role: Role::parse(&r.2), created_at: r.3 })
                .collect())
        })
        .await
    }

    /// Changes a member's role (people join by invitation). A workspace
    /// keeps at least one owner.
    pub async fn set_member(&self, workspace_id: &str, user_id: &str, role: Role) -> Result<(), StoreError> {
        let (ws, user) = (workspace_id.to_owned(), user_id.to_owned());
        self.write(move |c| {
            let current = role_in(c, &ws, &user)?.ok_or(StoreError::NotFound("member"))?;
            if current == Role::Owner && role != Role::Owner && owners(c, &ws)? == 1 {
                return Err(StoreError::Conflict("a workspace keeps at least one owner".into()));
            }
            diesel::update(
                memberships::table.filter(memberships::workspace_id.eq(&ws).and(memberships::user_id.eq(&user))),
            )
            .set(memberships::role.eq(role.as_str()))
            .execute(c)?;
            Ok(())
        })
        .await
    }

    pub async fn remove_member(&self, workspace_id: &str, user_id: &str) -> Result<(), StoreError> {
        let (ws, user) = (workspace_id.to_owned(), user_id.to_owned());
        self.write(move |c| {
            let role = role_in(c, &ws, &user)?.ok_or(StoreError::NotFound("member"))?;
            if role == Role::Owner && owners(c, &ws)? == 1 {
                return Err(StoreError::Conflict("a workspace keeps at least one owner".into()));
            }
            diesel::delete(
                memberships::table.filter(memberships::workspace_id.eq(&ws).and(memberships::user_id.eq(&user))),
            )
            .execute(c)?;
            // A member's keys for a workspace they left stop working.
            diesel::update(api_keys::table.filter(
                api_keys::workspace_id.eq(&ws).and(api_keys::user_id.eq(&user)).and(api_keys::revoked_at.is_null()),
            ))
            .set(api_keys::revoked_at.eq(Some(now())))
            .execute(c)?;
            Ok(())
        })
        .await
    }

    /// Stores a new key's hash. The key itself is never stored.
    pub async fn create_api_key(
        &self,
        workspace_id: &str,
        user_id: &str,
        name: &str,
        role: Option<Role>,
        prefix: &str,
        key_hash: &str,
    ) -> Result<ApiKeyRecord, StoreError> {
        let rec = ApiKeyRecord {
            id: new_id(),
            workspace_id: workspace_id.to_owned(),
            user_id: user_id.to_owned(),
            name: name.trim().to_owned(),
            prefix: prefix.to_owned(),
            created_at: now(),
            last_used_at: None,
            revoked_at: None,
            role,
        };
        let hash = key_hash.to_owned();
        self.write(move |c| {
            role_in(c, &rec.workspace_id, &rec.user_id)?.ok_or(StoreError::NotFound("workspace"))?;
            insert_api_key(c, &rec, &hash)?;
            Ok(rec)
        })
        .await
    }

    /// The live key with this hash, if any, whose holder is still a member,
    /// with the holder's role in the key's workspace (one query: this runs on
    /// every request).
    pub async fn find_api_key(&self, key_hash: &str) -> Result<Option<(ApiKeyRecord, Role)>, StoreError> {
        let hash = key_hash.to_owned();
        self.read_statement(move |c| {
            let row = api_keys::table
                .inner_join(
                    memberships::table.on(memberships::workspace_id
                        .eq(api_keys::workspace_id)
                        .and(memberships::user_id.eq(api_keys::user_id))),
                )
                .filter(api_keys::key_hash.eq(&hash).and(api_keys::revoked_at.is_null()))
                .select((KEY_COLUMNS, memberships::role))
                .first::<(KeyRow, String)>(c)
                .optional()?;
            Ok(row.map(|(k, role)| (key(k), Role::parse(&role))))
        })
        .await
    }

    /// A user by email (for operators' commands on the server's host).
    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<(User, Workspace)>, StoreError> {
        let email = email.trim().to_lowercase();
        self.read(move |c| {
            let found = users::table
                .filter(users::email.eq(&email))
                .select((users::id, users::email, users::display_name, users::created_at))
                .first::<UserRow>(c)
                .optional()?;
            let Some(u) = found.map(user) else { return Ok(None) };
            let personal = memberships::table
                .inner_join(workspaces::table)
                .filter(memberships::user_id.eq(&u.id).and(workspaces::personal.eq(true)))
                .select((workspaces::id, workspaces::name, workspaces::personal, workspaces::created_at))
                .first::<WorkspaceRow>(c)?;
            Ok(Some((u, workspace(personal))))
        })
        .await
    }

    pub async fn list_api_keys(&self, workspace_id: &str) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let ws = workspace_id.to_owned();
        self.read(move |c| {
            let rows: Vec<KeyRow> = api_keys::table
                .filter(api_keys::workspace_id.eq(&ws))
                .order(api_keys::id.asc())
                .select(KEY_COLUMNS)
                .load(c)?;
            Ok(rows.into_iter().map(key).collect())
        })
        .await
    }

    pub async fn revoke_api_key(&self, workspace_id: &str, key_id: &str) -> Result<(), StoreError> {
        let (ws, id) = (workspace_id.to_owned(), key_id.to_owned());
        self.write(move |c| {
            let n =
                diesel::update(api_keys::table.filter(
                    api_keys::workspace_id.eq(&ws).and(api_keys::id.eq(&id)).and(api_keys::revoked_at.is_null()),
                ))
                .set(api_keys::revoked_at.eq(Some(now())))
                .execute(c)?;
            if n == 0 { Err(StoreError::NotFound("api key")) } else { Ok(()) }
        })
        .await
    }
}
