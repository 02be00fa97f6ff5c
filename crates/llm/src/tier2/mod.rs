//! Tier 2: a language model judges whether the code behind one evidence
//! assertion really implements what the assertion claims.
//!
//! Fail-closed throughout: only a clean `YES` (see [`parse_answer`]) from every
//! vote passes; `NO`, `INJECTION_DETECTED`, an unclear answer, an empty source,
//! an unknown type and every provider error fail. Untrusted text (parameters,
//! descriptions, source) is fenced between lines carrying a fresh random token
//! per call ([`fresh_token`]), with the rules about the fence stated outside it.

mod answer;
mod boundary;
mod cache;
mod criteria;
mod hash;
mod render;
mod review;

pub use answer::{VoteAnswer, parse_answer};
pub use boundary::{BoundaryError, fence, fresh_token};
pub use cache::{InMemoryTier2Cache, Tier2Cache};
pub use criteria::{Criterion, criteria, criterion_for};
pub use hash::evidence_hash;
pub use render::render_prompt;
pub use review::Tier2Reviewer;

pub use crate::excerpt::{TRUNCATED_AFTER, TRUNCATED_BEFORE, excerpt};

use serde::{Deserialize, Serialize};

use crate::usage::Usage;

/// One assertion to judge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier2Input {
    /// A registry type name, e.g. `function_exists`.
    pub assertion_type: String,
    pub params: serde_json::Value,
    /// The assertion's description (a claim; untrusted).
    pub description: String,
    /// The control the assertion supports (a claim; untrusted).
    pub control_description: Option<String>,
    /// Where the source comes from, usually a file path.
    pub subject_label: String,
    /// The code to judge, already excerpted (see [`excerpt`]).
    pub source: String,
}

/// Sampling and voting settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tier2Options {
    /// Self-consistency: the assertion passes only if every vote is `YES`.
    /// 0 is treated as 1.
    pub votes: u32,
    /// Left to the provider by default: identical votes at temperature 0
    /// would make self-consistency pointless.
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
}

impl Default for Tier2Options {
    fn default() -> Self {
        Tier2Options { votes: 1, temperature: None, max_tokens: None }
    }
}

impl Tier2Options {
    pub(crate) fn effective_votes(&self) -> u32 {
        self.votes.max(1)
    }
}

/// The result, as the pipeline records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier2Outcome {
    Pass,
    Fail,
}

impl Tier2Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier2Outcome::Pass => "pass",
            Tier2Outcome::Fail => "fail",
        }
    }
}

/// One vote as it was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteOutcome {
    pub answer: VoteAnswer,
    pub reasoning: String,
}

/// The verdict on one assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier2Verdict {
    pub passed: bool,
    pub outcome: Tier2Outcome,
    pub reasoning: String,
    /// `llm:<provider label>`, `cache` for a reused verdict, or `guard` when
    /// the input was refused before any call (empty source, unknown type).
    pub reviewer: String,
    /// `sha256:<hex>`, see [`evidence_hash`].
    pub evidence_hash: String,
    /// The votes taken, in order; voting stops at the first vote that is not
    /// `YES`, since the verdict is then settled.
    pub votes: Vec<VoteOutcome>,
    pub cached: bool,
    /// Tokens spent by this review (zero for cached and guarded verdicts).
    pub usage: Usage,
}

/// Why a prompt could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Tier2Error {
    #[error("`{0}` is not an assertion type with a tier-2 criterion")]
    UnknownAssertionType(String),
    #[error(transparent)]
    Boundary(#[from] BoundaryError),
    #[error("the tier-2 prompt could not be rendered: {0}")]
    Template(String),
}
