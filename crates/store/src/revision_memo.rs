//! Models' state revisions, remembered briefly.
//!
//! Reading a cached assessment needs the model's current revision, and that
//! lookup was the last database statement on the path. A revision read here
//! is remembered for [`REVISION_TTL`]; every write to the model through this
//! process forgets it at once, so a read in this process always sees this
//! process's writes, and a write made by another process (a worker, another
//! server on PostgreSQL) is seen within the TTL.
//!
//! A read that raced a write must not store the revision it read before the
//! write committed: each read takes a ticket from one clock before it asks the
//! database, and its answer is kept only if no write to the model was
//! recorded after that ticket.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a revision read from the database is trusted.
pub const REVISION_TTL: Duration = Duration::from_secs(1);
/// Most models remembered at once.
const REMEMBERED: usize = 16_384;

#[derive(Debug, Default)]
struct Entry {
    /// The workspace the revision was read in (a lookup must name it).
    workspace_id: String,
    revision: Option<(u64, Instant)>,
    /// The clock when a write to the model was last recorded.
    written_at: u64,
}

#[derive(Debug, Default)]
struct Memo {
    entries: HashMap<String, Entry>,
    /// Every ticket before this is void (the map was emptied).
    cleared_at: u64,
}

/// Shared by every clone of a store.
#[derive(Debug, Clone, Default)]
pub(crate) struct RevisionMemo {
    clock: Arc<AtomicU64>,
    memo: Arc<Mutex<Memo>>,
}

impl RevisionMemo {
    /// A ticket to take before reading the revision from the database.
    pub(crate) fn ticket(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub(crate) fn get(&self, workspace_id: &str, model_id: &str) -> Option<u64> {
        let memo = self.memo.lock().ok()?;
        let entry = memo.entries.get(model_id).filter(|e| e.workspace_id == workspace_id)?;
        entry.revision.filter(|(_, at)| at.elapsed() < REVISION_TTL).map(|(r, _)| r)
    }

    /// Keeps what a read that took `ticket` found, unless a write to the
    /// model was recorded since the ticket.
    pub(crate) fn put(&self, workspace_id: &str, model_id: &str, revision: u64, ticket: u64) {
        let Ok(mut memo) = self.memo.lock() else { return };
        if ticket <= memo.cleared_at {
            return;
        }
        if memo.entries.len() >= REMEMBERED && !memo.entries.contains_key(model_id) {
            memo.entries.clear();
            memo.cleared_at = self.ticket();
            return;
        }
        let entry = memo.entries.entry(model_id.to_owned()).or_default();
        if ticket > entry.written_at {
            entry.workspace_id = workspace_id.to_owned();
            entry.revision = Some((revision, Instant::now()));
        }
    }

    /// Records a write to the model: what was remembered of it is forgotten.
    pub(crate) fn written(&self, model_id: &str) {
        let now = self.ticket();
        if let Ok(mut memo) = self.memo.lock() {
            if memo.entries.len() >= REMEMBERED && !memo.entries.contains_key(model_id) {
                // Emptied: every earlier ticket is void, so nothing stale is kept.
                memo.entries.clear();
                memo.cleared_at = now;
                return;
            }
            let entry = memo.entries.entry(model_id.to_owned()).or_default();
            entry.revision = None;
            entry.written_at = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let memo = RevisionMemo::default();
        let ticket = memo.ticket();
        memo.written("m");
        memo.put("ws", "m", 3, ticket);
        assert_eq!(memo.get("ws", "m"), None, "the read may predate the write");
        let ticket = memo.ticket();
        memo.put("ws", "m", 4, ticket);
        assert_eq!(memo.get("ws", "m"), Some(4));
        assert_eq!(memo.get("other-ws", "m"), None, "a lookup names the workspace");
        memo.written("m");
        assert_eq!(memo.get("ws", "m"), None);
    }
}
