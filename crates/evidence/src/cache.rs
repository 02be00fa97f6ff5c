//! Each file is read (and, when needed, parsed) at most once per verifier,
//! however many assertions touch it and from however many threads: the map
//! hands out one `OnceLock` per canonical path, and every caller waits on
//! the same initialisation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tree_sitter::Tree;

use crate::lang::{Lang, parse};
use crate::path::{PathProblem, relative, resolve};
use crate::verdict::sha256_hex;

/// How many leading bytes are inspected for NUL to call a file binary.
const BINARY_PROBE: usize = 8 * 1024;

/// A file that was read successfully.
#[derive(Debug)]
pub(crate) struct SourceFile {
    /// Project-relative, `/`-separated.
    pub(crate) rel: String,
    pub(crate) bytes: Vec<u8>,
    /// UTF-8 text (invalid sequences replaced), for text verifiers.
    pub(crate) text: String,
    pub(crate) binary: bool,
    hash: OnceLock<String>,
    tree: OnceLock<Result<Arc<Tree>, String>>,
}

impl SourceFile {
    /// SHA-256 of the whole file.
    pub(crate) fn sha256(&self) -> String {
        self.hash.get_or_init(|| sha256_hex(&self.bytes)).clone()
    }

    /// The language by extension, if a supported one.
    pub(crate) fn lang(&self) -> Option<Lang> {
        Lang::from_path(&self.rel)
    }

    /// The syntax tree, parsed on first use.
    pub(crate) fn tree(&self, lang: Lang, budget: Duration) -> Result<Arc<Tree>, String> {
        self.tree.get_or_init(|| parse(lang, &self.text, budget).map(Arc::new)).clone()
    }
}

/// Why a file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadProblem {
    Path(PathProblem),
    NotAFile,
    TooLarge { size: u64, cap: u64 },
    Io(String),
}

impl ReadProblem {
    pub(crate) fn describe(&self, rel: &str) -> String {
        match self {
            ReadProblem::Path(p) => p.describe(rel),
            ReadProblem::NotAFile => format!("`{rel}` is not a regular file"),
            ReadProblem::TooLarge { size, cap } => {
                format!("`{rel}` refused: {size} bytes exceeds the {cap}-byte size cap")
            }
            ReadProblem::Io(e) => format!("cannot read `{rel}`: {e}"),
        }
    }

    /// I/O trouble is the verifier's failure, everything else the claim's.
    pub(crate) fn is_error(&self) -> bool {
        matches!(self, ReadProblem::Io(_) | ReadProblem::Path(PathProblem::Io(_)))
    }
}

type Slot = Arc<OnceLock<Result<Arc<SourceFile>, ReadProblem>>>;

#[derive(Debug)]
pub(crate) struct FileCache {
    root: PathBuf,
    max_bytes: u64,
    slots: Mutex<HashMap<PathBuf, Slot>>,
}

impl FileCache {
    pub(crate) fn new(root: PathBuf, max_bytes: u64) -> FileCache {
        FileCache { root, max_bytes, slots: Mutex::new(HashMap::new()) }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Reads a project file through the confinement rules and the size cap.
    pub(crate) fn read(&self, rel: &str) -> Result<Arc<SourceFile>, ReadProblem> {
        let path = resolve(&self.root, rel).map_err(ReadProblem::Path)?;
        let slot = {
            // A poisoned lock only means another thread panicked while
            // inserting; the map itself is still consistent.
            let mut slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            slots.entry(path.clone()).or_default().clone()
        };
        slot.get_or_init(|| self.load(&path)).clone()
    }

    fn load(&self, path: &Path) -> Result<Arc<SourceFile>, ReadProblem> {
        let meta = std::fs::metadata(path).map_err(|e| ReadProblem::Io(e.to_string()))?;
        if !meta.is_file() {
            return Err(ReadProblem::NotAFile);
        }
        // Checked before reading, so a huge file is refused without reading it.
        if meta.len() > self.max_bytes {
            return Err(ReadProblem::TooLarge { size: meta.len(), cap: self.max_bytes });
        }
        let bytes = std::fs::read(path).map_err(|e| ReadProblem::Io(e.to_string()))?;
        // The file may have grown between the two calls.
        if bytes.len() as u64 > self.max_bytes {
            return Err(ReadProblem::TooLarge { size: bytes.len() as u64, cap: self.max_bytes });
        }
        let binary = bytes[..bytes.len().min(BINARY_PROBE)].contains(&0);
        let text = if binary { String::new() } else { String::from_utf8_lossy(&bytes).into_owned() };
        Ok(Arc::new(SourceFile {
            rel: relative(&self.root, path),
            bytes,
            text,
            binary,
            hash: OnceLock::new(),
            tree: OnceLock::new(),
        }))
    }
}
