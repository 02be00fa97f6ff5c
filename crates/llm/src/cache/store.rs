//! The bounded, expiring in-memory store behind [`super::CachingProvider`].

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::clock::{Clock, SystemClock};
use crate::message::ChatResponse;

struct Entry {
    response: ChatResponse,
    stored_at: Instant,
}

/// At most `capacity` responses, each served for `ttl` after it was stored.
/// When full, expired entries go first, then the oldest.
pub struct ResponseCache {
    entries: Mutex<HashMap<String, Entry>>,
    capacity: usize,
    ttl: Duration,
    clock: Arc<dyn Clock>,
}

impl ResponseCache {
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self::with_clock(capacity, ttl, Arc::new(SystemClock))
    }

    pub fn with_clock(capacity: usize, ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        ResponseCache { entries: Mutex::new(HashMap::new()), capacity, ttl, clock }
    }

    /// The stored response, unless missing or expired.
    pub fn get(&self, key: &str) -> Option<ChatResponse> {
        let now = self.clock.now();
        let mut entries = self.lock();
        match entries.get(key) {
            Some(entry) if self.is_fresh(entry, now) => Some(entry.response.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    pub fn insert(&self, key: String, response: ChatResponse) {
        if self.capacity == 0 {
            return;
        }
        let now = self.clock.now();
        let mut entries = self.lock();
        if !entries.contains_key(&key) && entries.len() >= self.capacity {
            entries.retain(|_, entry| self.is_fresh(entry, now));
            if entries.len() >= self.capacity {
                let oldest = entries.iter().min_by_key(|(_, entry)| entry.stored_at).map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
        }
        entries.insert(key, Entry { response, stored_at: now });
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn is_fresh(&self, entry: &Entry, now: Instant) -> bool {
        now.saturating_duration_since(entry.stored_at) < self.ttl
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseCache")
            .field("entries", &self.len())
            .field("capacity", &self.capacity)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}
