//! Writers to one model queue instead of failing, and none is applied to a
//! state it did not see. In this process they take the model's lock in turn
//! (no wasted work under contention); across processes (several servers on
//! PostgreSQL) a write that lost a race, because the model's state revision
//! moved between reading and writing, is computed again on the new state and
//! retried, with jittered exponential backoff, until a deadline.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OwnedMutexGuard;

use crate::error::AppError;

/// One async lock per model being written in this process.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModelLocks(Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>);

/// Held while one write of a model runs; the model's entry goes when its
/// last holder or waiter is done.
pub(crate) struct ModelGuard {
    guard: Option<OwnedMutexGuard<()>>,
    locks: ModelLocks,
    model_id: String,
}

impl ModelLocks {
    pub(crate) async fn lock(&self, model_id: &str) -> ModelGuard {
        let lock = match self.0.lock() {
            Ok(mut map) => map.entry(model_id.to_owned()).or_default().clone(),
            // A poisoned map still serialises nothing wrongly: lock privately.
            Err(_) => Arc::default(),
        };
        ModelGuard { guard: Some(lock.lock_owned().await), locks: self.clone(), model_id: model_id.to_owned() }
    }
}

impl Drop for ModelGuard {
    fn drop(&mut self) {
        drop(self.guard.take());
        if let Ok(mut map) = self.locks.0.lock()
            && map.get(&self.model_id).is_some_and(|l| Arc::strong_count(l) == 1)
        {
            map.remove(&self.model_id);
        }
    }
}

/// How long a write keeps retrying before it answers 409.
const DEADLINE: Duration = Duration::from_secs(10);
const FIRST_BACKOFF: Duration = Duration::from_millis(2);
const MAX_BACKOFF: Duration = Duration::from_millis(200);

/// Whether an error means "the model changed under you; try again".
fn lost_race(e: &AppError) -> bool {
    matches!(e, AppError::Conflict { code: "state_changed", .. })
}

/// A duration uniformly in [d/2, d): concurrent losers spread out instead of
/// colliding again in lockstep.
fn jittered(d: Duration) -> Duration {
    let mut byte = [0u8; 1];
    let fraction = if getrandom::fill(&mut byte).is_ok() { f64::from(byte[0]) / 256.0 } else { 0.5 };
    d.mul_f64(0.5 + fraction / 2.0)
}

/// Runs `attempt` holding `model_id`'s lock, until it does not lose a race
/// (to another process), or the deadline passes.
pub(crate) async fn serially<T, F, Fut>(locks: &ModelLocks, model_id: &str, mut attempt: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let _turn = locks.lock(model_id).await;
    let started = Instant::now();
    let mut backoff = FIRST_BACKOFF;
    loop {
        match attempt().await {
            Err(e) if lost_race(&e) && started.elapsed() + backoff < DEADLINE => {
                tokio::time::sleep(jittered(backoff)).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            other => return other,
        }
    }
}
