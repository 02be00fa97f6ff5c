//! Jobs: long work (model generation) queued in the database and run by
//! workers — the `rampart-worker` binary, or one embedded in the API. A job
//! reports progress events; its effect commits together with its completion,
//! so a worker killed mid-job leaves nothing half-written and the next worker
//! to claim the job (after the lease expires) does it once.

use std::future::Future;
use std::time::Duration;

use chrono::NaiveDateTime;
use rampart_store::{JobRecord, StoreError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::AppError;
use crate::{App, Principal};

pub const GENERATE_MODEL: &str = "generate_model";

/// Longest feature description accepted, in characters.
const MAX_DESCRIPTION: usize = 20_000;

/// Describe a feature; a model is generated from it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerationRequest {
    pub description: String,
    /// Retrying a request with the same key returns the same job.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// A job as clients see it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JobView {
    pub id: String,
    pub kind: String,
    /// `queued`, `running`, `succeeded` or `failed`.
    pub state: String,
    pub attempts: u32,
    pub max_attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<JobRecord> for JobView {
    fn from(j: JobRecord) -> JobView {
        JobView {
            id: j.id,
            kind: j.kind,
            state: j.state,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            result: j.result.as_deref().and_then(|r| serde_json::from_str(r).ok()),
            error: j.last_error,
            created_at: j.created_at,
            updated_at: j.updated_at,
        }
    }
}

/// One progress event.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JobEventView {
    pub seq: i64,
    pub event: Value,
    pub at: NaiveDateTime,
}

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Unique per worker process.
    pub id: String,
    /// How long a claim lasts without renewal; a dead worker's job is taken
    /// over after this.
    pub lease: Duration,
    /// How long to wait when the queue is empty.
    pub poll: Duration,
}

impl WorkerConfig {
    pub fn new(id: impl Into<String>) -> WorkerConfig {
        WorkerConfig { id: id.into(), lease: Duration::from_secs(60), poll: Duration::from_millis(500) }
    }
}

#[derive(Debug, Deserialize)]
struct GeneratePayload {
    user_id: String,
    description: String,
    #[serde(default)]
    chat_session_id: Option<String>,
}

/// Backoff before retry `attempt` (1-based): 2, 4, 8 … s, at most 5 min.
fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempt.min(8)).min(300))
}

impl App {
    /// Queues a generation. The description is checked here, so a bad one is
    /// a 422 now rather than a failed job later.
    pub async fn start_generation(&self, who: &Principal, req: GenerationRequest) -> Result<JobView, AppError> {
        self.enqueue_generation(who, req, None).await
    }

    /// A generation started from a chat session; the session is bound to the
    /// model when it is made.
    pub(crate) async fn start_generation_for_chat(
        &self,
        who: &Principal,
        description: &str,
        session_id: &str,
    ) -> Result<JobView, AppError> {
        let req = GenerationRequest { description: description.to_owned(), idempotency_key: None };
        self.enqueue_generation(who, req, Some(session_id)).await
    }

    async fn enqueue_generation(
        &self,
        who: &Principal,
        req: GenerationRequest,
        chat_session_id: Option<&str>,
    ) -> Result<JobView, AppError> {
        self.check_ai_limit(who).await?;
        let description = rampart_model::BoundedText::prose("description", &req.description, MAX_DESCRIPTION)?;
        let description = description.as_str();
        if description.is_empty() {
            return Err(AppError::invalid(
                "invalid_description",
                format!("describe the feature in 1 to {MAX_DESCRIPTION} characters"),
            ));
        }
        if let Some(key) = &req.idempotency_key {
            rampart_model::BoundedText::name("idempotency_key", key, 200)?;
        }
        let payload = json!({ "user_id": who.user_id, "description": description, "chat_session_id": chat_session_id });
        let job = self
            .store
            .enqueue_job(&who.workspace_id, GENERATE_MODEL, &payload, req.idempotency_key.as_deref(), 3)
            .await?;
        Ok(job.into())
    }

    pub async fn job(&self, who: &Principal, job_id: &str) -> Result<JobView, AppError> {
        Ok(self.store.get_job(&who.workspace_id, job_id).await?.into())
    }

    pub async fn job_events(&self, who: &Principal, job_id: &str, after: i64) -> Result<Vec<JobEventView>, AppError> {
        let events = self.store.job_events(&who.workspace_id, job_id, after).await?;
        Ok(events
            .into_iter()
            .map(|e| JobEventView {
                seq: e.seq,
                event: serde_json::from_str(&e.body).unwrap_or(Value::String(e.body)),
                at: e.created_at,
            })
            .collect())
    }

    /// Claims and runs one job; `false` when the queue had none due.
    pub async fn work_one(&self, config: &WorkerConfig) -> Result<bool, AppError> {
        let Some(job) = self.store.claim_job(&config.id, config.lease).await? else { return Ok(false) };
        let outcome = {
            let work = self.execute(&job, config);
            let heartbeat = self.keep_lease(&job.id, config);
            tokio::select! {
                outcome = work => outcome,
                lost = heartbeat => Err(lost),
            }
        };
        match outcome {
            Ok(()) => {}
            // Another worker owns the job now; it will finish it.
            Err(AppError::Conflict { code: "lease_lost", .. }) => {}
            Err(e) => {
                let retry = matches!(e, AppError::Unavailable { .. }).then(|| backoff(job.attempts));
                let _ = self.store.add_job_event(&job.id, &json!({"step": "error", "message": e.to_string()})).await;
                match self.store.fail_job(&job.id, &config.id, &e.to_string(), retry).await {
                    Ok(()) | Err(StoreError::Conflict(_)) => {}
                    Err(other) => return Err(other.into()),
                }
            }
        }
        Ok(true)
    }

    /// Runs jobs until `shutdown` completes.
    pub async fn run_worker(&self, config: WorkerConfig, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let idle = match self.work_one(&config).await {
                Ok(worked) => !worked,
                Err(e) => {
                    tracing::warn!(worker = %config.id, error = %e, "job queue error");
                    true
                }
            };
            if idle {
                tokio::select! {
                    () = &mut shutdown => return,
                    () = tokio::time::sleep(config.poll) => {}
                }
            }
        }
    }

    /// Renews the lease every third of its length; returns when it is lost.
    async fn keep_lease(&self, job_id: &str, config: &WorkerConfig) -> AppError {
        let every = config.lease / 3;
        loop {
            tokio::time::sleep(every).await;
            match self.store.renew_lease(job_id, &config.id, config.lease).await {
                Ok(()) => {}
                Err(StoreError::Conflict(message)) => {
                    return AppError::Conflict { code: "lease_lost", message, details: Value::Null };
                }
                // A database hiccup: try again next round; the lease may still hold.
                Err(_) => {}
            }
        }
    }

    async fn execute(&self, job: &JobRecord, config: &WorkerConfig) -> Result<(), AppError> {
        match job.kind.as_str() {
            GENERATE_MODEL => self.run_generation(job, config).await,
            other => Err(AppError::invalid("unknown_job", format!("no worker handles `{other}` jobs"))),
        }
    }

    async fn run_generation(&self, job: &JobRecord, config: &WorkerConfig) -> Result<(), AppError> {
        let payload: GeneratePayload = serde_json::from_str(&job.payload)
            .map_err(|e| AppError::invalid("invalid_job", format!("generation payload: {e}")))?;
        let store = self.store.clone();
        let job_id = job.id.clone();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
        // Steps are reported as they happen, in order, while generation runs.
        let writer = tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                let _ = store.add_job_event(&job_id, &event).await;
            }
        });
        // The job works for the user who asked: its LLM calls count against them.
        let ai = self.ai_for_user(&job.workspace_id, &payload.user_id);
        let generated = self
            .generator
            .generate(ai.as_deref(), &payload.description, &mut |step| {
                let _ = tx.send(json!({ "step": step.step, "detail": step.detail }));
            })
            .await;
        drop(tx);
        let _ = writer.await;
        let generated = generated?;
        self.limits.model.check_model(&generated.model)?;
        let record = self
            .store
            .create_model_for_job(
                &job.id,
                &config.id,
                &payload.user_id,
                &generated.name,
                &payload.description,
                &generated.model,
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(message) => {
                    AppError::Conflict { code: "lease_lost", message, details: Value::Null }
                }
                other => other.into(),
            })?;
        let _ = self
            .store
            .add_job_event(&job.id, &json!({"step": "done", "detail": {"model_id": record.id, "name": record.name}}))
            .await;
        if let Some(session) = &payload.chat_session_id {
            // The session may have been deleted meanwhile; the model stands either way.
            if self.store.set_chat_model(&job.workspace_id, session, &record.id).await.is_ok() {
                let text = format!("Created the model \"{}\" (version 1). Ask me to refine it.", record.name);
                let meta = json!({ "model_id": record.id, "job_id": job.id });
                let _ = self
                    .store
                    .add_chat_messages(&job.workspace_id, session, vec![("assistant".to_owned(), text, meta)])
                    .await;
            }
        }
        Ok(())
    }
}
