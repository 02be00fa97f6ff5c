//! Users, workspaces, members, systems.

use rampart_model::BoundedText;
use rampart_store::{MembershipRecord, OrganizationGrades, Role, SystemRecord, Workspace};
use schemars::JsonSchema;
use serde::Serialize;

use crate::auth::NewKey;
use crate::error::AppError;
use crate::{App, Principal};

/// Longest workspace or system name, in characters.
const MAX_NAME_CHARS: usize = 200;
/// Longest system description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 10_000;

/// A workspace as its member sees it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WorkspaceView {
    #[serde(flatten)]
    pub workspace: Workspace,
    pub role: Role,
}

/// A new team workspace with its first owner key (shown once): the key that
/// created it is bound to another workspace and cannot reach this one.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NewWorkspace {
    #[serde(flatten)]
    pub view: WorkspaceView,
    pub first_key: NewKey,
}

/// The caller and the workspace their key is bound to.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Me {
    pub user: rampart_store::User,
    pub workspace: WorkspaceView,
}

impl App {
    pub async fn me(&self, who: &Principal) -> Result<Me, AppError> {
        let user = self.store.get_user(&who.user_id).await?;
        let workspace = self.get_workspace(who, &who.workspace_id).await?;
        Ok(Me { user, workspace })
    }

    /// The workspace's activity, newest first, optionally of one model.
    pub async fn activity(
        &self,
        who: &Principal,
        model_id: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<rampart_store::Page<rampart_store::ActivityRecord>, AppError> {
        Ok(self.store.list_activity(&who.workspace_id, model_id, cursor, limit).await?)
    }

    /// The workspaces the caller's key reaches: its own, and no other.
    pub async fn my_workspaces(&self, who: &Principal) -> Result<Vec<WorkspaceView>, AppError> {
        Ok(vec![self.get_workspace(who, &who.workspace_id).await?])
    }

    /// Creates a team workspace owned by the caller (an owner key is needed,
    /// so a CI key cannot spawn workspaces) with its first key.
    pub async fn create_workspace(&self, who: &Principal, name: &str) -> Result<NewWorkspace, AppError> {
        who.require_owner()?;
        let name = BoundedText::name("name", name, MAX_NAME_CHARS)?;
        let workspace = self.store.create_team_workspace(&who.user_id, name.as_str()).await?;
        let first_key = self.create_key_for(&who.user_id, &workspace.id, "first key", None).await?;
        Ok(NewWorkspace { view: WorkspaceView { workspace, role: Role::Owner }, first_key })
    }

    /// The caller's workspace, if `workspace_id` names it; any other is not found.
    async fn member_of(&self, who: &Principal, workspace_id: &str) -> Result<Workspace, AppError> {
        who.in_workspace(workspace_id)?;
        Ok(self.store.workspace_for(workspace_id, &who.user_id).await?.0)
    }

    async fn owner_of(&self, who: &Principal, workspace_id: &str) -> Result<Workspace, AppError> {
        let ws = self.member_of(who, workspace_id).await?;
        who.require_owner()?;
        Ok(ws)
    }

    pub async fn get_workspace(&self, who: &Principal, workspace_id: &str) -> Result<WorkspaceView, AppError> {
        let workspace = self.member_of(who, workspace_id).await?;
        Ok(WorkspaceView { workspace, role: who.role })
    }

    pub async fn rename_workspace(&self, who: &Principal, workspace_id: &str, name: &str) -> Result<(), AppError> {
        self.owner_of(who, workspace_id).await?;
        let name = BoundedText::name("name", name, MAX_NAME_CHARS)?;
        Ok(self.store.rename_workspace(workspace_id, name.as_str()).await?)
    }

    pub async fn delete_workspace(&self, who: &Principal, workspace_id: &str) -> Result<(), AppError> {
        self.owner_of(who, workspace_id).await?;
        self.store.delete_workspace(workspace_id).await?;
        self.auth_cache.forget_all();
        Ok(())
    }

    pub async fn organization_grades(
        &self,
        who: &Principal,
        workspace_id: &str,
    ) -> Result<OrganizationGrades, AppError> {
        self.member_of(who, workspace_id).await?;
        Ok(self.store.organization_grades(workspace_id).await?)
    }

    /// Organization grades are settings: owners only.
    pub async fn set_organization_grades(
        &self,
        who: &Principal,
        workspace_id: &str,
        grades: OrganizationGrades,
    ) -> Result<(), AppError> {
        self.owner_of(who, workspace_id).await?;
        Ok(self.store.set_organization_grades(workspace_id, grades).await?)
    }

    pub async fn members(&self, who: &Principal, workspace_id: &str) -> Result<Vec<MembershipRecord>, AppError> {
        self.member_of(who, workspace_id).await?;
        Ok(self.store.members(workspace_id).await?)
    }

    pub async fn set_member(
        &self,
        who: &Principal,
        workspace_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<(), AppError> {
        self.owner_of(who, workspace_id).await?;
        self.store.set_member(workspace_id, user_id, role).await?;
        self.auth_cache.forget_all();
        Ok(())
    }

    pub async fn remove_member(&self, who: &Principal, workspace_id: &str, user_id: &str) -> Result<(), AppError> {
        // Anyone may leave; removing others is for owners.
        if user_id != who.user_id {
            self.owner_of(who, workspace_id).await?;
        } else {
            self.member_of(who, workspace_id).await?;
        }
        self.store.remove_member(workspace_id, user_id).await?;
        self.auth_cache.forget_all();
        Ok(())
    }

    /// Deletes the caller's account and everything only they had. It reaches
    /// every workspace of the user, so only an owner key of their personal
    /// workspace may do it.
    pub async fn delete_account(&self, who: &Principal) -> Result<(), AppError> {
        let home = self.member_of(who, &who.workspace_id).await?;
        if !home.personal || who.role != Role::Owner {
            return Err(AppError::forbidden(
                "deleting an account needs an owner key of the account's personal workspace",
            ));
        }
        self.store.delete_user(&who.user_id).await?;
        self.auth_cache.forget_all();
        Ok(())
    }

    pub async fn create_system(
        &self,
        who: &Principal,
        name: &str,
        description: &str,
    ) -> Result<SystemRecord, AppError> {
        let name = BoundedText::name("name", name, MAX_NAME_CHARS)?;
        let description = BoundedText::prose("description", description, MAX_DESCRIPTION_CHARS)?;
        Ok(self.store.create_system(&who.workspace_id, name.as_str(), description.as_str()).await?)
    }

    pub async fn list_systems(&self, who: &Principal) -> Result<Vec<SystemRecord>, AppError> {
        Ok(self.store.list_systems(&who.workspace_id).await?)
    }

    pub async fn get_system(&self, who: &Principal, id: &str) -> Result<SystemRecord, AppError> {
        Ok(self.store.get_system(&who.workspace_id, id).await?)
    }

    pub async fn delete_system(&self, who: &Principal, id: &str) -> Result<(), AppError> {
        Ok(self.store.delete_system(&who.workspace_id, id).await?)
    }

    pub async fn set_model_system(
        &self,
        who: &Principal,
        model_id: &str,
        system_id: Option<&str>,
    ) -> Result<(), AppError> {
        Ok(self.store.set_model_system(&who.workspace_id, model_id, system_id).await?)
    }
}
