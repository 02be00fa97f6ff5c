//! The route table: every endpoint once, with what the OpenAPI document says
//! about it. The router and the document are both built from this list, so
//! neither can forget a route.

use axum::http::Method;
use axum::routing::MethodRouter;
use rampart_app::App;
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::handlers::{accounts, assessment, chat, entities, evidence, jobs, models};
use crate::ops;

pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// One endpoint.
pub struct Route {
    pub method: Method,
    /// axum syntax: `/api/v1/models/{model_id}`.
    pub path: String,
    pub summary: String,
    /// Needs `Authorization: Bearer`.
    pub authenticated: bool,
    pub request: Option<SchemaFn>,
    /// `None`: the success answer is 204 with no body.
    pub response: Option<SchemaFn>,
    pub success: u16,
    pub handler: MethodRouter<App>,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

struct Builder(Vec<Route>);

impl Builder {
    fn add(
        &mut self,
        method: Method,
        path: impl Into<String>,
        summary: impl Into<String>,
        request: Option<SchemaFn>,
        response: Option<SchemaFn>,
        handler: MethodRouter<App>,
    ) {
        let success = match (&method, response) {
            (_, None) => 204,
            (m, _) if *m == Method::POST && request.is_some() => 201,
            _ => 200,
        };
        let path = path.into();
        // Accepting an invitation also serves people without an account yet.
        let open = ["/api/v1/openapi.json", "/api/v1/invitations/accept"];
        let authenticated = path.starts_with("/api/v1/") && !open.contains(&path.as_str());
        self.0.push(Route {
            method,
            path,
            summary: summary.into(),
            authenticated,
            request,
            response,
            success,
            handler,
        });
    }
}

const V1: &str = "/api/v1";

/// Every route of the API.
pub fn routes() -> Vec<Route> {
    use axum::routing::{delete, get, patch, post, put};
    use rampart_app::{
        ActivityRecord, ApiKeyRecord, MembershipRecord, ModelRecord, Page, SystemRecord, VersionSummary,
    };
    use rampart_model::{Edit, MetadataChange, ModelDiff};

    let mut b = Builder(Vec::new());
    b.add(
        Method::GET,
        "/healthz",
        "Liveness: the process answers",
        None,
        Some(schema::<ops::Health>),
        get(ops::healthz),
    );
    b.add(
        Method::GET,
        "/readyz",
        "Readiness: the database answers",
        None,
        Some(schema::<ops::Health>),
        get(ops::readyz),
    );
    b.add(Method::GET, "/metrics", "Prometheus metrics", None, Some(schema::<String>), get(ops::metrics));
    b.add(
        Method::GET,
        format!("{V1}/openapi.json"),
        "This document",
        None,
        Some(schema::<serde_json::Value>),
        get(ops::openapi),
    );

    // Accounts and workspaces.
    b.add(
        Method::GET,
        format!("{V1}/me"),
        "The caller and their current workspace",
        None,
        Some(schema::<rampart_app::Me>),
        get(accounts::me),
    );
    b.add(
        Method::DELETE,
        format!("{V1}/me"),
        "Delete the caller's account and everything only they had",
        None,
        None,
        delete(accounts::delete_me),
    );
    b.add(
        Method::GET,
        format!("{V1}/keys"),
        "API keys of the workspace (own keys for members)",
        None,
        Some(schema::<Vec<ApiKeyRecord>>),
        get(accounts::list_keys),
    );
    b.add(
        Method::POST,
        format!("{V1}/keys"),
        "Create an API key; the secret is shown once",
        Some(schema::<accounts::KeyRequest>),
        Some(schema::<rampart_app::NewKey>),
        post(accounts::create_key),
    );
    b.add(
        Method::DELETE,
        format!("{V1}/keys/{{key_id}}"),
        "Revoke an API key",
        None,
        None,
        delete(accounts::revoke_key),
    );
    b.add(
        Method::GET,
        format!("{V1}/workspaces"),
        "The caller's workspaces",
        None,
        Some(schema::<Vec<rampart_app::WorkspaceView>>),
        get(accounts::list_workspaces),
    );
    b.add(
        Method::POST,
        format!("{V1}/workspaces"),
        "Create a team workspace",
        Some(schema::<accounts::NameRequest>),
        Some(schema::<rampart_app::NewWorkspace>),
        post(accounts::create_workspace),
    );
    b.add(
        Method::GET,
        format!("{V1}/workspaces/{{workspace_id}}"),
        "One of the caller's workspaces",
        None,
        Some(schema::<rampart_app::WorkspaceView>),
        get(accounts::get_workspace),
    );
    b.add(
        Method::PATCH,
        format!("{V1}/workspaces/{{workspace_id}}"),
        "Rename a workspace (owners)",
        Some(schema::<accounts::NameRequest>),
        None,
        patch(accounts::rename_workspace),
    );
    b.add(
        Method::DELETE,
        format!("{V1}/workspaces/{{workspace_id}}"),
        "Delete a team workspace and its data (owners)",
        None,
        None,
        delete(accounts::delete_workspace),
    );
    b.add(
        Method::GET,
        format!("{V1}/workspaces/{{workspace_id}}/grades"),
        "Organization grades (target maturity level, CSF tier)",
        None,
        Some(schema::<rampart_app::OrganizationGrades>),
        get(accounts::grades),
    );
    b.add(
        Method::PUT,
        format!("{V1}/workspaces/{{workspace_id}}/grades"),
        "Set organization grades (owners)",
        Some(schema::<rampart_app::OrganizationGrades>),
        None,
        put(accounts::set_grades),
    );
    b.add(
        Method::GET,
        format!("{V1}/workspaces/{{workspace_id}}/members"),
        "Members of a workspace",
        None,
        Some(schema::<Vec<MembershipRecord>>),
        get(accounts::members),
    );
    b.add(
        Method::PUT,
        format!("{V1}/workspaces/{{workspace_id}}/members/{{user_id}}"),
        "Change a member's role (owners; people join by invitation)",
        Some(schema::<accounts::RoleRequest>),
        None,
        put(accounts::set_member),
    );
    b.add(
        Method::DELETE,
        format!("{V1}/workspaces/{{workspace_id}}/members/{{user_id}}"),
        "Remove a member (owners) or leave",
        None,
        None,
        delete(accounts::remove_member),
    );
    b.add(
        Method::POST,
        format!("{V1}/workspaces/{{workspace_id}}/invitations"),
        "Invite someone into a team workspace (owners; the token is shown once)",
        Some(schema::<rampart_app::InvitationRequest>),
        Some(schema::<rampart_app::NewInvitation>),
        post(accounts::create_invitation),
    );
    b.add(
        Method::GET,
        format!("{V1}/workspaces/{{workspace_id}}/invitations"),
        "Invitations of a workspace (owners)",
        None,
        Some(schema::<Vec<rampart_app::InvitationRecord>>),
        get(accounts::list_invitations),
    );
    b.add(
        Method::DELETE,
        format!("{V1}/workspaces/{{workspace_id}}/invitations/{{invitation_id}}"),
        "Revoke an unused invitation (owners)",
        None,
        None,
        delete(accounts::revoke_invitation),
    );
    b.add(
        Method::POST,
        format!("{V1}/invitations/accept"),
        "Accept an invitation: with a key of your account, or with no key and your email and name to create one",
        Some(schema::<rampart_app::AcceptInvitation>),
        Some(schema::<rampart_app::AcceptedInvitation>),
        post(accounts::accept_invitation),
    );
    b.add(
        Method::POST,
        format!("{V1}/workspaces/{{workspace_id}}/keys"),
        "Create an API key for another of the caller's workspaces",
        Some(schema::<accounts::KeyRequest>),
        Some(schema::<rampart_app::NewKey>),
        post(accounts::create_workspace_key),
    );

    // Systems.
    b.add(
        Method::GET,
        format!("{V1}/systems"),
        "Systems of the workspace",
        None,
        Some(schema::<Vec<SystemRecord>>),
        get(accounts::list_systems),
    );
    b.add(
        Method::POST,
        format!("{V1}/systems"),
        "Create a system",
        Some(schema::<accounts::SystemRequest>),
        Some(schema::<SystemRecord>),
        post(accounts::create_system),
    );
    b.add(
        Method::GET,
        format!("{V1}/systems/{{system_id}}"),
        "One system",
        None,
        Some(schema::<SystemRecord>),
        get(accounts::get_system),
    );
    b.add(
        Method::DELETE,
        format!("{V1}/systems/{{system_id}}"),
        "Delete a system (its models stay)",
        None,
        None,
        delete(accounts::delete_system),
    );
    b.add(
        Method::PUT,
        format!("{V1}/systems/{{system_id}}/models/{{model_id}}"),
        "Put a model in the system (a model is in at most one)",
        None,
        None,
        put(accounts::add_system_model),
    );
    b.add(
        Method::DELETE,
        format!("{V1}/systems/{{system_id}}/models/{{model_id}}"),
        "Take a model out of the system",
        None,
        None,
        delete(accounts::remove_system_model),
    );

    // Models and versions.
    b.add(
        Method::GET,
        format!("{V1}/models"),
        "Models of the workspace (paged, searchable)",
        None,
        Some(schema::<Page<ModelRecord>>),
        get(models::list),
    );
    b.add(
        Method::POST,
        format!("{V1}/models"),
        "Create a model from a structured draft",
        Some(schema::<rampart_app::NewModel>),
        Some(schema::<rampart_app::ModelView>),
        post(models::create),
    );
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}"),
        "The model's live current version",
        None,
        Some(schema::<rampart_app::ModelView>),
        get(models::get),
    );
    b.add(
        Method::PATCH,
        format!("{V1}/models/{{model_id}}"),
        "Rename a model (no new version)",
        Some(schema::<accounts::NameRequest>),
        Some(schema::<ModelRecord>),
        patch(models::rename),
    );
    b.add(
        Method::DELETE,
        format!("{V1}/models/{{model_id}}"),
        "Delete a model and all its versions",
        None,
        None,
        delete(models::delete),
    );
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}/versions"),
        "Versions of a model",
        None,
        Some(schema::<Vec<VersionSummary>>),
        get(models::versions),
    );
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}/versions/{{version}}"),
        "One version exactly as it was created",
        None,
        Some(schema::<rampart_app::ModelView>),
        get(models::version),
    );
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}/diff"),
        "Diff two versions (?from=&to=)",
        None,
        Some(schema::<ModelDiff>),
        get(models::diff),
    );
    b.add(
        Method::POST,
        format!("{V1}/models/{{model_id}}/edits"),
        "Apply any structural edit (If-Match: expected version)",
        Some(schema::<Edit>),
        Some(schema::<rampart_app::EditOutcome>),
        post(entities::edit),
    );
    b.add(
        Method::POST,
        format!("{V1}/models/{{model_id}}/factors"),
        "Edit an asset's impact or an attacker's likelihood factors (reason required; no new version)",
        Some(schema::<entities::FactorRequest>),
        Some(schema::<rampart_risk::FactorRevision>),
        post(entities::factors),
    );
    b.add(
        Method::PUT,
        format!("{V1}/models/{{model_id}}/metadata"),
        "Change CAL, component grades, control status or notes (no new version)",
        Some(schema::<MetadataChange>),
        None,
        put(entities::metadata),
    );
    b.add(
        Method::PUT,
        format!("{V1}/models/{{model_id}}/controls/{{control_id}}/groups/{{co_id}}"),
        "Set a control's mitigation group for one objective (null: defense in depth)",
        Some(schema::<entities::GroupRequest>),
        Some(schema::<rampart_app::EditOutcome>),
        put(entities::set_group),
    );
    for kind in entities::KINDS {
        let k = kind.path;
        b.add(
            Method::POST,
            format!("{V1}/models/{{model_id}}/{k}"),
            format!("Add a {}", kind.label),
            Some(kind.draft_schema),
            Some(schema::<rampart_app::EditOutcome>),
            entities::add_route(kind),
        );
        b.add(
            Method::PATCH,
            format!("{V1}/models/{{model_id}}/{k}/{{entity_id}}"),
            format!("Edit a {}", kind.label),
            Some(kind.patch_schema),
            Some(schema::<rampart_app::EditOutcome>),
            entities::edit_route(kind),
        );
        b.add(
            Method::DELETE,
            format!("{V1}/models/{{model_id}}/{k}/{{entity_id}}"),
            format!("Soft-delete a {}", kind.label),
            None,
            Some(schema::<rampart_app::EditOutcome>),
            entities::remove_route(kind),
        );
        b.add(
            Method::POST,
            format!("{V1}/models/{{model_id}}/{k}/{{entity_id}}/restore"),
            format!("Restore a soft-deleted {}", kind.label),
            None,
            Some(schema::<rampart_app::EditOutcome>),
            entities::restore_route(kind),
        );
    }

    // Assessment.
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}/assessment"),
        "Posture, reachability and coherence of the live model",
        None,
        Some(schema::<rampart_app::Assessment>),
        get(assessment::all),
    );
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}/posture"),
        "Posture summary and objectives (filter by status and tier; paged)",
        None,
        Some(schema::<assessment::PosturePage<'static>>),
        get(assessment::posture),
    );
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}/reachability"),
        "Reachability verdict of every live objective",
        None,
        Some(schema::<rampart_reach::ReachabilityReport>),
        get(assessment::reachability),
    );
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}/coherence"),
        "Structural coherence findings with suggested fixes",
        None,
        Some(schema::<rampart_reach::CoherenceReport>),
        get(assessment::coherence),
    );
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}/orphaned-controls"),
        "Controls whose every objective is tombstoned",
        None,
        Some(schema::<Vec<rampart_model::Control>>),
        get(assessment::orphans),
    );
    b.add(
        Method::GET,
        format!("{V1}/models/{{model_id}}/control-objectives/{{co_id}}/factor-history"),
        "How one objective's factors and tier evolved",
        None,
        Some(schema::<Vec<rampart_risk::HistoryEntry>>),
        get(assessment::factor_history),
    );
    b.add(
        Method::GET,
        format!("{V1}/activity"),
        "The workspace's activity feed (paged; ?model_id=)",
        None,
        Some(schema::<Page<ActivityRecord>>),
        get(assessment::activity),
    );
    // Evidence.
    let m = format!("{V1}/models/{{model_id}}");
    b.add(
        Method::POST,
        format!("{m}/assertions"),
        "Attach assertions to a control or assumption (validated; coherence returned)",
        Some(schema::<rampart_app::NewAssertions>),
        Some(schema::<Vec<rampart_app::AssertionView>>),
        post(evidence::add_assertions),
    );
    b.add(
        Method::GET,
        format!("{m}/assertions"),
        "Assertions of the model (?subject_id=, ?include_removed=)",
        None,
        Some(schema::<Vec<rampart_app::AssertionView>>),
        get(evidence::list_assertions),
    );
    b.add(
        Method::DELETE,
        format!("{m}/assertions/{{assertion_id}}"),
        "Remove an assertion (kept for history; status recomputed)",
        None,
        None,
        delete(evidence::remove_assertion),
    );
    b.add(
        Method::GET,
        format!("{m}/verification/pending"),
        "Assertions a runner should verify now (?repo=, ?all=, ?stale_after_hours=)",
        None,
        Some(schema::<rampart_app::PendingAssertions>),
        get(evidence::pending),
    );
    b.add(
        Method::POST,
        format!("{m}/verification/runs"),
        "Submit a verification run (signed with a registered key, or unsigned if allowed)",
        Some(schema::<rampart_app::RunSubmission>),
        Some(schema::<rampart_app::RunAccepted>),
        post(evidence::submit_run),
    );
    b.add(
        Method::GET,
        format!("{m}/verification/report"),
        "Every control's verification status, sufficiency and assertions",
        None,
        Some(schema::<rampart_app::VerificationReport>),
        get(evidence::report),
    );
    b.add(
        Method::GET,
        format!("{m}/verification/history"),
        "Every recorded control status transition (drift included)",
        None,
        Some(schema::<Vec<rampart_assurance::StatusTransition>>),
        get(evidence::history),
    );
    b.add(
        Method::GET,
        format!("{m}/controls/{{control_id}}/verification/history"),
        "One control's status transitions",
        None,
        Some(schema::<Vec<rampart_assurance::StatusTransition>>),
        get(evidence::control_history),
    );
    b.add(
        Method::GET,
        format!("{m}/verification/export"),
        "The audit package: model, assertions, signed runs, keys, claimed statuses",
        None,
        Some(schema::<rampart_app::AuditExport>),
        get(evidence::export),
    );
    b.add(
        Method::POST,
        format!("{m}/findings"),
        "Report a negative finding against a control",
        Some(schema::<rampart_app::NewFinding>),
        Some(schema::<rampart_assurance::Finding>),
        post(evidence::report_finding),
    );
    b.add(
        Method::GET,
        format!("{m}/findings"),
        "Negative findings (?state=)",
        None,
        Some(schema::<Vec<rampart_assurance::Finding>>),
        get(evidence::list_findings),
    );
    b.add(
        Method::GET,
        format!("{m}/findings/{{finding_id}}"),
        "One finding with its history",
        None,
        Some(schema::<rampart_assurance::Finding>),
        get(evidence::get_finding),
    );
    b.add(
        Method::POST,
        format!("{m}/findings/{{finding_id}}/actions"),
        "Acknowledge, remediate (link assertions) or dismiss (with a reason) a finding",
        Some(schema::<rampart_assurance::FindingAction>),
        Some(schema::<rampart_assurance::Finding>),
        post(evidence::act_on_finding),
    );
    b.add(
        Method::GET,
        format!("{m}/findings/scan-prompt"),
        "Instructions for a coding agent to scan a repository for unimplemented controls",
        None,
        Some(schema::<evidence::ScanPrompt>),
        get(evidence::scan_prompt),
    );
    b.add(
        Method::POST,
        format!("{V1}/signing-keys"),
        "Register a public key whose signed runs the workspace accepts (owners)",
        Some(schema::<rampart_app::NewSigningKey>),
        Some(schema::<rampart_app::SigningKeyRecord>),
        post(evidence::add_key),
    );
    b.add(
        Method::GET,
        format!("{V1}/signing-keys"),
        "The workspace's signing keys",
        None,
        Some(schema::<Vec<rampart_app::SigningKeyRecord>>),
        get(evidence::list_keys),
    );
    b.add(
        Method::DELETE,
        format!("{V1}/signing-keys/{{fingerprint}}"),
        "Revoke a signing key (owners)",
        None,
        None,
        delete(evidence::revoke_key),
    );
    b.add(
        Method::GET,
        format!("{V1}/verification/settings"),
        "Verification settings of the workspace",
        None,
        Some(schema::<rampart_app::VerificationSettings>),
        get(evidence::settings),
    );
    b.add(
        Method::PUT,
        format!("{V1}/verification/settings"),
        "Require signed verification runs (owners)",
        Some(schema::<rampart_app::VerificationSettings>),
        Some(schema::<rampart_app::VerificationSettings>),
        put(evidence::set_settings),
    );
    // Generation jobs.
    b.add(
        Method::POST,
        format!("{V1}/generations"),
        "Describe a feature; a model is generated by a job (202 with the job; follow it with /jobs/{id}/stream)",
        Some(schema::<rampart_app::GenerationRequest>),
        Some(schema::<rampart_app::JobView>),
        post(jobs::start),
    );
    if let Some(last) = b.0.last_mut() {
        last.success = 202;
    }
    b.add(
        Method::GET,
        format!("{V1}/jobs/{{job_id}}"),
        "A job: state, attempts, result (the model id) or error",
        None,
        Some(schema::<rampart_app::JobView>),
        get(jobs::get),
    );
    b.add(
        Method::GET,
        format!("{V1}/jobs/{{job_id}}/events"),
        "A job's progress events (?after=seq)",
        None,
        Some(schema::<Vec<rampart_app::JobEventView>>),
        get(jobs::events),
    );
    b.add(
        Method::GET,
        format!("{V1}/jobs/{{job_id}}/stream"),
        "Server-sent events: `step` per progress event, then `end` with the final job (text/event-stream)",
        None,
        Some(schema::<rampart_app::JobEventView>),
        get(jobs::stream),
    );
    // Chat and usage.
    b.add(
        Method::POST,
        format!("{V1}/chat/sessions"),
        "Start a chat about a model (or, without one, about a feature to generate)",
        Some(schema::<rampart_app::NewChatSession>),
        Some(schema::<rampart_app::ChatSession>),
        post(chat::create),
    );
    b.add(
        Method::GET,
        format!("{V1}/chat/sessions/{{session_id}}"),
        "A chat session with its messages",
        None,
        Some(schema::<rampart_app::ChatHistory>),
        get(chat::history),
    );
    b.add(
        Method::POST,
        format!("{V1}/chat/sessions/{{session_id}}/messages"),
        "Send a message: a targeted edit, a refinement, a question (no new version) or a feature to generate",
        Some(schema::<rampart_app::ChatInput>),
        Some(schema::<rampart_app::ChatReply>),
        post(chat::post),
    );
    b.add(
        Method::GET,
        format!("{V1}/usage"),
        "AI requests and tokens by user and day (owners; ?from=YYYY-MM-DD&to=YYYY-MM-DD)",
        None,
        Some(schema::<rampart_app::UsageSummary>),
        get(chat::usage),
    );
    b.0
}
