//! GitHub Actions workflow commands: one annotation per failed or skipped
//! assertion, escaped as GitHub's toolkit escapes them, then a summary.

use std::fmt::Write as _;

use rampart_evidence::Outcome;

use super::escape::{workflow_data, workflow_property};
use super::{Row, count};

pub(super) fn github(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows.iter().filter(|r| !r.counts_as_success() || r.verdict.outcome == Outcome::Skipped) {
        let level = if r.counts_as_success() { "notice" } else { "error" };
        let mut props = format!("title={}", workflow_property(&format!("{} {}", r.id, r.assertion_type)));
        if let Some(f) = r.verdict.file.as_deref().filter(|f| !f.is_empty()) {
            props = format!("file={},{props}", workflow_property(f));
            // Lines are 1-based; a 0 would point nowhere.
            if let Some(l) = r.verdict.line.filter(|l| *l >= 1) {
                props = format!("{props},line={l}");
            }
        }
        let _ = writeln!(out, "::{level} {props}::{}", workflow_data(&r.verdict.details));
    }
    let _ = writeln!(
        out,
        "{} passed, {} failed, {} skipped",
        count(rows, Outcome::Pass),
        count(rows, Outcome::Fail) + count(rows, Outcome::Error),
        count(rows, Outcome::Skipped)
    );
    out
}
