//! Time as an injected dependency, so expiry is testable without sleeping.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A monotonic source of now.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

/// The real monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    elapsed: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> Self {
        ManualClock { start: Instant::now(), elapsed: Mutex::new(Duration::ZERO) }
    }

    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *elapsed = elapsed.saturating_add(by);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let elapsed = *self.elapsed.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.start + elapsed
    }
}
