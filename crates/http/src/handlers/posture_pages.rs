//! Rendered posture pages, by the report they were cut from and the query.
//!
//! A posture report is immutable and shared while its model's state is
//! unchanged (see `rampart-app`'s assessment cache), so a page cut from it can
//! be served again as the same bytes. Each entry holds a weak reference to its
//! report: that keeps the report's allocation from being reused for another
//! report while the entry lives, so a pointer match means the same report.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use axum::body::Bytes;
use rampart_assurance::PostureReport;

/// Most rendered pages kept.
const KEPT: usize = 512;

/// (the report's address, the query string).
type Key = (usize, String);
type Pages = HashMap<Key, (Weak<PostureReport>, Bytes)>;

fn pages() -> &'static Mutex<Pages> {
    static PAGES: OnceLock<Mutex<Pages>> = OnceLock::new();
    PAGES.get_or_init(Mutex::default)
}

fn key(report: &Arc<PostureReport>, query: &str) -> Key {
    (Arc::as_ptr(report) as usize, query.to_owned())
}

/// The page for `query` rendered earlier from this very report.
pub(crate) fn rendered(report: &Arc<PostureReport>, query: &str) -> Option<Bytes> {
    let pages = pages().lock().ok()?;
    let (weak, bytes) = pages.get(&key(report, query))?;
    weak.upgrade().filter(|r| Arc::ptr_eq(r, report)).map(|_| bytes.clone())
}

/// Keeps a rendered page; pages of reports no longer in use go first.
pub(crate) fn keep(report: &Arc<PostureReport>, query: String, bytes: Bytes) {
    let Ok(mut pages) = pages().lock() else { return };
    if pages.len() >= KEPT {
        pages.retain(|_, (weak, _)| weak.strong_count() > 0);
        if pages.len() >= KEPT {
            pages.clear();
        }
    }
    let k = key(report, &query);
    pages.insert(k, (Arc::downgrade(report), bytes));
}
