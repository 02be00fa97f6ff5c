//! The job queue: jobs live in the database, are claimed with a lease, and
//! are retried with backoff. The claim is a conditional update (the same SQL
//! on both backends): of two workers racing for one job, exactly one update
//! matches. A worker that dies stops renewing its lease; when the lease
//! expires another worker claims the job. A job's effect and its completion
//! commit in one transaction that first checks the lease is still held, so a
//! job is never applied twice.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rampart_model::ThreatModel;

use crate::conn::AnyConnection;
use crate::error::StoreError;
use crate::models::{insert_model, model_names};
use crate::records::{JobEvent, JobRecord, ModelRecord};
use crate::schema::{job_events, jobs, models};
use crate::store::{Store, new_id, now};

/// Every column of `jobs`, in the table's own order (`jobs::all_columns`).
type JobRow = (
    String,
    String,
    String,
    String,
    String,
    i32,
    i32,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
);

fn job(r: JobRow) -> JobRecord {
    JobRecord {
        id: r.0,
        workspace_id: r.1,
        kind: r.2,
        payload: r.3,
        state: r.4,
        attempts: u32::try_from(r.5).unwrap_or(0),
        max_attempts: u32::try_from(r.6).unwrap_or(0),
        run_after: r.7,
        lease_until: r.8,
        claimed_by: r.9,
        idempotency_key: r.10,
        last_error: r.11,
        result: r.12,
        created_at: r.13,
        updated_at: r.14,
    }
}

/// Job states, as stored.
pub mod state {
    pub const QUEUED: &str = "queued";
    pub const RUNNING: &str = "running";
    pub const SUCCEEDED: &str = "succeeded";
    pub const FAILED: &str = "failed";
}

fn find_job(c: &mut AnyConnection, ws: &str, id: &str) -> Result<JobRecord, StoreError> {
    jobs::table
        .filter(jobs::workspace_id.eq(ws).and(jobs::id.eq(id)))
        .select(jobs::all_columns)
        .first::<JobRow>(c)
        .optional()?
        .map(job)
        .ok_or(StoreError::NotFound("job"))
}

/// The job, if `worker` still holds its lease.
fn held(c: &mut AnyConnection, id: &str, worker: &str) -> Result<JobRecord, StoreError> {
    let found = jobs::table.filter(jobs::id.eq(id)).select(jobs::all_columns).first::<JobRow>(c).optional()?.map(job);
    match found {
        Some(j)
            if j.state == state::RUNNING
                && j.claimed_by.as_deref() == Some(worker)
                && j.lease_until.is_some_and(|l| l > now()) =>
        {
            Ok(j)
        }
        _ => Err(StoreError::Conflict(format!("the lease on job {id} was lost"))),
    }
}

fn lease_end(lease: std::time::Duration) -> NaiveDateTime {
    now() + chrono::Duration::from_std(lease).unwrap_or_else(|_| chrono::Duration::seconds(60))
}

fn next_event_seq(c: &mut AnyConnection, job_id: &str) -> Result<i64, StoreError> {
    let max: Option<i64> =
        job_events::table.filter(job_events::job_id.eq(job_id)).select(diesel::dsl::max(job_events::seq)).first(c)?;
    Ok(max.unwrap_or(0) + 1)
}

impl Store {
    /// Queues a job. With an idempotency key already used in the workspace,
    /// returns the existing job instead.
    pub async fn enqueue_job(
        &self,
        workspace_id: &str,
        kind: &str,
        payload: &serde_json::Value,
        idempotency_key: Option<&str>,
        max_attempts: u32,
    ) -> Result<JobRecord, StoreError> {
        let (ws, kind, payload, key) =
            (workspace_id.to_owned(), kind.to_owned(), payload.to_string(), idempotency_key.map(str::to_owned));
        self.write(move |c| {
            if let Some(k) = &key {
                let existing = jobs::table
                    .filter(jobs::workspace_id.eq(&ws).and(jobs::idempotency_key.eq(k)))
                    .select(jobs::all_columns)
                    .first::<JobRow>(c)
                    .optional()?;
                if let Some(j) = existing {
                    return Ok(job(j));
                }
            }
            let at = now();
            let id = new_id();
            diesel::insert_into(jobs::table)
                .values((
                    jobs::id.eq(&id),
                    jobs::workspace_id.eq(&ws),
                    jobs::kind.eq(&kind),
                    jobs::payload.eq(&payload),
                    jobs::state.eq(state::QUEUED),
                    jobs::attempts.eq(0),
                    jobs::max_attempts.eq(i32::try_from(max_attempts.max(1)).unwrap_or(3)),
                    jobs::run_after.eq(at),
                    jobs::idempotency_key.eq(&key),
                    jobs::created_at.eq(at),
                    jobs::updated_at.eq(at),
                ))
                .execute(c)?;
            find_job(c, &ws, &id)
        })
        .await
    }

    pub async fn get_job(&self, workspace_id: &str, job_id: &str) -> Result<JobRecord, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), job_id.to_owned());
        self.read(move |c| find_job(c, &ws, &id)).await
    }

    /// Claims the next due job: a queued one whose time has come, or a
    /// running one whose lease expired (its worker died). A job that has used
    /// all its attempts is marked failed instead of being claimed again.
    pub async fn claim_job(&self, worker: &str, lease: std::time::Duration) -> Result<Option<JobRecord>, StoreError> {
        let worker = worker.to_owned();
        self.write(move |c| {
            let at = now();
            let due = jobs::state
                .eq(state::QUEUED)
                .and(jobs::run_after.le(at))
                .or(jobs::state.eq(state::RUNNING).and(jobs::lease_until.lt(at)));
            let candidates: Vec<JobRow> =
                jobs::table.filter(due).order(jobs::run_after.asc()).limit(8).select(jobs::all_columns).load(c)?;
            for candidate in candidates.into_iter().map(job) {
                if candidate.attempts >= candidate.max_attempts {
                    diesel::update(
                        jobs::table.filter(jobs::id.eq(&candidate.id).and(jobs::state.eq(&candidate.state))),
                    )
                    .set((
                        jobs::state.eq(state::FAILED),
                        jobs::last_error.eq(Some("no attempts left (the last worker stopped mid-job)")),
                        jobs::updated_at.eq(at),
                    ))
                    .execute(c)?;
                    continue;
                }
                // The same condition again: only one racing worker's update matches.
                let claimed = diesel::update(
                    jobs::table.filter(
                        jobs::id.eq(&candidate.id).and(
                            jobs::state
                                .eq(state::QUEUED)
                                .and(jobs::run_after.le(at))
                                .or(jobs::state.eq(state::RUNNING).and(jobs::lease_until.lt(at))),
                        ),
                    ),
                )
                .set((
                    jobs::state.eq(state::RUNNING),
                    jobs::claimed_by.eq(&worker),
                    jobs::lease_until.eq(Some(lease_end(lease))),
                    jobs::attempts.eq(jobs::attempts + 1),
                    jobs::updated_at.eq(at),
                ))
                .execute(c)?;
                if claimed == 1 {
                    let j =
                        jobs::table.filter(jobs::id.eq(&candidate.id)).select(jobs::all_columns).first::<JobRow>(c)?;
                    return Ok(Some(job(j)));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Renews the lease; `Conflict` when it was lost (another worker took over).
    pub async fn renew_lease(&self, job_id: &str, worker: &str, lease: std::time::Duration) -> Result<(), StoreError> {
        let (id, worker) = (job_id.to_owned(), worker.to_owned());
        self.write(move |c| {
            held(c, &id, &worker)?;
            diesel::update(jobs::table.filter(jobs::id.eq(&id)))
                .set((jobs::lease_until.eq(Some(lease_end(lease))), jobs::updated_at.eq(now())))
                .execute(c)?;
            Ok(())
        })
        .await
    }

    /// Marks the job done with its result, if the lease is still held.
    pub async fn complete_job(&self, job_id: &str, worker: &str, result: &serde_json::Value) -> Result<(), StoreError> {
        let (id, worker, result) = (job_id.to_owned(), worker.to_owned(), result.to_string());
        self.write(move |c| {
            held(c, &id, &worker)?;
            finish(c, &id, &result)
        })
        .await
    }

    /// Records a failure: the job is queued again after `retry_in`, or failed
    /// for good when it has no attempts left (or `retry_in` is `None`).
    pub async fn fail_job(
        &self,
        job_id: &str,
        worker: &str,
        error: &str,
        retry_in: Option<std::time::Duration>,
    ) -> Result<(), StoreError> {
        let (id, worker, error) = (job_id.to_owned(), worker.to_owned(), error.to_owned());
        self.write(move |c| {
            let j = held(c, &id, &worker)?;
            let at = now();
            let (next_state, run_after) = match retry_in {
                Some(wait) if j.attempts < j.max_attempts => (state::QUEUED, lease_end(wait)),
                _ => (state::FAILED, at),
            };
            diesel::update(jobs::table.filter(jobs::id.eq(&id)))
                .set((
                    jobs::state.eq(next_state),
                    jobs::run_after.eq(run_after),
                    jobs::lease_until.eq(None::<NaiveDateTime>),
                    jobs::last_error.eq(Some(error)),
                    jobs::updated_at.eq(at),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
    }

    /// Appends a progress event to a job.
    pub async fn add_job_event(&self, job_id: &str, body: &serde_json::Value) -> Result<(), StoreError> {
        let (id, body) = (job_id.to_owned(), body.to_string());
        self.write(move |c| {
            let seq = next_event_seq(c, &id)?;
            diesel::insert_into(job_events::table)
                .values((
                    job_events::job_id.eq(&id),
                    job_events::seq.eq(seq),
                    job_events::body.eq(&body),
                    job_events::created_at.eq(now()),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
    }

    /// The job's events after `after` (a sequence number), in order.
    pub async fn job_events(&self, workspace_id: &str, job_id: &str, after: i64) -> Result<Vec<JobEvent>, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), job_id.to_owned());
        self.read(move |c| {
            find_job(c, &ws, &id)?;
            let rows: Vec<(i64, String, NaiveDateTime)> = job_events::table
                .filter(job_events::job_id.eq(&id).and(job_events::seq.gt(after)))
                .order(job_events::seq.asc())
                .select((job_events::seq, job_events::body, job_events::created_at))
                .load(c)?;
            Ok(rows.into_iter().map(|(seq, body, created_at)| JobEvent { seq, body, created_at }).collect())
        })
        .await
    }

    /// A generation job's effect: creates the model (its proposed name made
    /// unique in the workspace) and completes the job, in one transaction,
    /// only while `worker` holds the lease. A job that already created its
    /// model (a worker died after committing) returns that model.
    pub async fn create_model_for_job(
        &self,
        job_id: &str,
        worker: &str,
        actor_user_id: &str,
        proposed_name: &str,
        description: &str,
        first: &ThreatModel,
    ) -> Result<ModelRecord, StoreError> {
        let (id, worker, actor, proposed, description, first) = (
            job_id.to_owned(),
            worker.to_owned(),
            actor_user_id.to_owned(),
            proposed_name.to_owned(),
            description.to_owned(),
            first.clone(),
        );
        self.write(move |c| {
            let j = held(c, &id, &worker)?;
            let existing: Option<String> =
                models::table.filter(models::created_by_job.eq(&id)).select(models::id).first(c).optional()?;
            let record = match existing {
                Some(model_id) => crate::models::find_model(c, &j.workspace_id, &model_id)?,
                None => {
                    let names = model_names(c, &j.workspace_id)?;
                    let name = rampart_model::name::unique_model_name(&proposed, names.iter().map(String::as_str));
                    insert_model(c, &j.workspace_id, &actor, name, description, &first, Some(&id))?
                }
            };
            let result = serde_json::json!({ "model_id": record.id, "name": record.name });
            finish(c, &id, &result.to_string())?;
            Ok(record)
        })
        .await
    }
}

fn finish(c: &mut AnyConnection, id: &str, result: &str) -> Result<(), StoreError> {
    diesel::update(jobs::table.filter(jobs::id.eq(id)))
        .set((
            jobs::state.eq(state::SUCCEEDED),
            jobs::result.eq(Some(result)),
            jobs::lease_until.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}
