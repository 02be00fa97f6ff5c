//! Generation jobs: start one, read its state and events, follow it over SSE.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use rampart_app::{App, GenerationRequest, JobEventView, JobView, Principal};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::{Body, Caller, Path, Query};

/// How often the stream looks for new events.
const POLL: Duration = Duration::from_millis(200);

pub async fn start(
    State(app): State<App>,
    Caller(who): Caller,
    Body(req): Body<GenerationRequest>,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    Ok((StatusCode::ACCEPTED, Json(app.start_generation(&who, req).await?)))
}

pub async fn get(State(app): State<App>, Caller(who): Caller, Path(job): Path<String>) -> ApiResult<Json<JobView>> {
    Ok(Json(app.job(&who, &job).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Only events after this sequence number.
    #[serde(default)]
    pub after: i64,
}

pub async fn events(
    State(app): State<App>,
    Caller(who): Caller,
    Path(job): Path<String>,
    Query(q): Query<EventsQuery>,
) -> ApiResult<Json<Vec<JobEventView>>> {
    Ok(Json(app.job_events(&who, &job, q.after).await?))
}

struct Follow {
    app: App,
    who: Principal,
    job: String,
    after: i64,
    pending: std::collections::VecDeque<JobEventView>,
    done: bool,
}

/// Server-sent events: one `step` event per progress event, then one `end`
/// event with the final job, then the stream closes.
pub async fn stream(
    State(app): State<App>,
    Caller(who): Caller,
    Path(job): Path<String>,
    Query(q): Query<EventsQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Fail before streaming when the job is not the caller's.
    app.job(&who, &job).await?;
    let start = Follow { app, who, job, after: q.after, pending: Default::default(), done: false };
    let events = futures::stream::unfold(start, |mut f| async move {
        loop {
            if let Some(e) = f.pending.pop_front() {
                let event = Event::default().event("step").id(e.seq.to_string()).json_data(&e.event).ok()?;
                return Some((Ok(event), f));
            }
            if f.done {
                return None;
            }
            // Read the state first: events written before it finished are then all visible.
            let job = f.app.job(&f.who, &f.job).await.ok()?;
            let fresh = f.app.job_events(&f.who, &f.job, f.after).await.ok()?;
            if let Some(last) = fresh.last() {
                f.after = last.seq;
            }
            f.pending.extend(fresh);
            if job.state == "succeeded" || job.state == "failed" {
                if f.pending.is_empty() {
                    f.done = true;
                    let end = Event::default().event("end").json_data(&job).ok()?;
                    return Some((Ok(end), f));
                }
                continue;
            }
            if f.pending.is_empty() {
                tokio::time::sleep(POLL).await;
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
