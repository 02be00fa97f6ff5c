//! Verified snapshots kept in memory. A version never changes once written,
//! so a snapshot parsed and checked against its content hash once can be
//! reused; the entry is keyed by (model, version) and only used while the
//! stored hash still equals the one it was verified against. Every lookup
//! still goes through the workspace-scoped model query first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rampart_model::ThreatModel;

/// Most snapshots kept; past that the cache starts over (simple and bounded).
const CAPACITY: usize = 128;

type Entries = HashMap<(String, i32), (String, Arc<ThreatModel>)>;

#[derive(Debug, Default, Clone)]
pub(crate) struct SnapshotCache(Arc<Mutex<Entries>>);

impl SnapshotCache {
    pub(crate) fn get(&self, model_id: &str, version: i32, hash: &str) -> Option<ThreatModel> {
        let entries = self.0.lock().ok()?;
        let (verified_hash, model) = entries.get(&(model_id.to_owned(), version))?;
        (verified_hash == hash).then(|| ThreatModel::clone(model))
    }

    pub(crate) fn put(&self, model_id: &str, version: i32, hash: &str, model: &ThreatModel) {
        if let Ok(mut entries) = self.0.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert((model_id.to_owned(), version), (hash.to_owned(), Arc::new(model.clone())));
        }
    }
}
