//! Stored tier-2 verdicts, by evidence hash. In memory, optionally saved to
//! and loaded from a JSON file (the CLI keeps one between runs).

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::Tier2Verdict;

/// Where verdicts are kept between reviews.
pub trait Tier2Cache: Send + Sync {
    fn get(&self, evidence_hash: &str) -> Option<Tier2Verdict>;
    fn put(&self, verdict: Tier2Verdict);
}

/// Verdicts in memory, sorted by hash (so a saved file diffs cleanly).
#[derive(Debug, Default)]
pub struct InMemoryTier2Cache {
    verdicts: Mutex<BTreeMap<String, Tier2Verdict>>,
}

const FILE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    verdicts: Vec<Tier2Verdict>,
}

impl InMemoryTier2Cache {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads a file written by [`save`](Self::save); a missing file is an
    /// empty cache (the first run), a malformed one an error.
    pub fn load(path: &Path) -> io::Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Self::new()),
            Err(e) => return Err(e),
        };
        let file: CacheFile = serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        if file.version != FILE_VERSION {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("tier-2 cache file version {} is not {FILE_VERSION}", file.version),
            ));
        }
        let verdicts = file.verdicts.into_iter().map(|v| (v.evidence_hash.clone(), v)).collect();
        Ok(InMemoryTier2Cache { verdicts: Mutex::new(verdicts) })
    }

    /// Writes every verdict, replacing the file atomically (write, then rename).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let file = CacheFile { version: FILE_VERSION, verdicts: self.lock().values().cloned().collect() };
        let text = serde_json::to_string_pretty(&file).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        std::fs::write(&temporary, text)?;
        std::fs::rename(&temporary, path)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Tier2Verdict>> {
        self.verdicts.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Tier2Cache for InMemoryTier2Cache {
    fn get(&self, evidence_hash: &str) -> Option<Tier2Verdict> {
        self.lock().get(evidence_hash).cloned()
    }

    fn put(&self, verdict: Tier2Verdict) {
        self.lock().insert(verdict.evidence_hash.clone(), verdict);
    }
}
