//! Users, workspaces, members, systems.

use rampart_store::{MembershipRecord, OrganizationGrades, Role, SystemRecord, Workspace};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::AppError;
use crate::{App, Principal};

/// A workspace as its member sees it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WorkspaceView {
    #[serde(flatten)]
    pub workspace: Workspace,
    pub role: Role,
}

impl App {
    pub async fn my_workspaces(&self, who: &Principal) -> Result<Vec<WorkspaceView>, AppError> {
        let all = self.store.workspaces_of(&who.user_id).await?;
        Ok(all.into_iter().map(|(workspace, role)| WorkspaceView { workspace, role }).collect())
    }

    pub async fn create_workspace(&self, who: &Principal, name: &str) -> Result<WorkspaceView, AppError> {
        let workspace = self.store.create_team_workspace(&who.user_id, name).await?;
        Ok(WorkspaceView { workspace, role: Role::Owner })
    }

    /// A workspace the caller is a member of; any other is not found.
    async fn member_of(&self, who: &Principal, workspace_id: &str) -> Result<(Workspace, Role), AppError> {
        Ok(self.store.workspace_for(workspace_id, &who.user_id).await?)
    }

    async fn owner_of(&self, who: &Principal, workspace_id: &str) -> Result<Workspace, AppError> {
        let (ws, role) = self.member_of(who, workspace_id).await?;
        if role != Role::Owner {
            return Err(AppError::forbidden("only a workspace owner can do this"));
        }
        Ok(ws)
    }

    pub async fn get_workspace(&self, who: &Principal, workspace_id: &str) -> Result<WorkspaceView, AppError> {
        let (workspace, role) = self.member_of(who, workspace_id).await?;
        Ok(WorkspaceView { workspace, role })
    }

    pub async fn rename_workspace(&self, who: &Principal, workspace_id: &str, name: &str) -> Result<(), AppError> {
        self.owner_of(who, workspace_id).await?;
        Ok(self.store.rename_workspace(workspace_id, name).await?)
    }

    pub async fn delete_workspace(&self, who: &Principal, workspace_id: &str) -> Result<(), AppError> {
        self.owner_of(who, workspace_id).await?;
        Ok(self.store.delete_workspace(workspace_id).await?)
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
        Ok(self.store.set_member(workspace_id, user_id, role).await?)
    }

    pub async fn remove_member(&self, who: &Principal, workspace_id: &str, user_id: &str) -> Result<(), AppError> {
        // Anyone may leave; removing others is for owners.
        if user_id != who.user_id {
            self.owner_of(who, workspace_id).await?;
        } else {
            self.member_of(who, workspace_id).await?;
        }
        Ok(self.store.remove_member(workspace_id, user_id).await?)
    }

    /// Deletes the caller's account and everything only they had.
    pub async fn delete_account(&self, who: &Principal) -> Result<(), AppError> {
        Ok(self.store.delete_user(&who.user_id).await?)
    }

    pub async fn create_system(
        &self,
        who: &Principal,
        name: &str,
        description: &str,
    ) -> Result<SystemRecord, AppError> {
        Ok(self.store.create_system(&who.workspace_id, name, description).await?)
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
