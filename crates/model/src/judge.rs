//! Judgements the model cannot make from structure alone: whether two
//! descriptions name the same thing (identity) or the same control mechanism
//! (folding). In production an LLM decides; the domain only sees this trait,
//! so tests and air-gapped installs use [`DeterministicJudge`].

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::EntityKind;

/// What identifies an entity, as shown to a judge.
#[derive(Debug, Clone, Copy)]
pub struct IdentityProbe<'a> {
    pub kind: EntityKind,
    pub name: &'a str,
    pub detail: &'a str,
}

/// Whether two probes describe the same real-world thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityVerdict {
    Same,
    /// Plausibly the same, but not certain: the caller must decide explicitly.
    Uncertain,
    Different,
}

/// A judge could not answer. Both variants fail the edit closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JudgeError {
    #[error("the judgement service is unavailable: {0}")]
    Unavailable(String),
    #[error("the judgement service gave a malformed answer: {0}")]
    Malformed(String),
}

/// The judgements an edit may need.
pub trait Judge {
    fn identity(
        &self,
        existing: &IdentityProbe<'_>,
        proposed: &IdentityProbe<'_>,
    ) -> Result<IdentityVerdict, JudgeError>;
    fn same_mechanism(&self, existing: &str, proposed: &str) -> Result<bool, JudgeError>;
}

/// A deterministic judge over normalised words: the offline fallback and the
/// judge the tests use.
///
/// - identity: names with the same set of significant words are the same;
///   names sharing at least half their words are uncertain; else different.
/// - mechanism: descriptions whose significant words overlap by at least 80%
///   (Jaccard) describe the same mechanism.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeterministicJudge;

const STOP_WORDS: &[&str] =
    &["a", "an", "and", "the", "of", "to", "for", "in", "on", "by", "with", "from", "all", "any"];

/// Lower-cased alphanumeric words without stop words, with a plural `s` cut.
pub fn significant_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            match w.strip_suffix('s') {
                Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_owned(),
                _ => w,
            }
        })
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

impl Judge for DeterministicJudge {
    fn identity(
        &self,
        existing: &IdentityProbe<'_>,
        proposed: &IdentityProbe<'_>,
    ) -> Result<IdentityVerdict, JudgeError> {
        if existing.kind != proposed.kind {
            return Ok(IdentityVerdict::Different);
        }
        let a = significant_words(existing.name);
        let b = significant_words(proposed.name);
        let overlap = jaccard(&a, &b);
        Ok(if a == b {
            IdentityVerdict::Same
        } else if overlap >= 0.5 {
            IdentityVerdict::Uncertain
        } else {
            IdentityVerdict::Different
        })
    }

    fn same_mechanism(&self, existing: &str, proposed: &str) -> Result<bool, JudgeError> {
        Ok(jaccard(&significant_words(existing), &significant_words(proposed)) >= 0.8)
    }
}
