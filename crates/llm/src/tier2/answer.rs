//! Reading a judge's answer under the strict protocol.
//!
//! The first line (leading blank lines and surrounding spaces ignored) must be
//! exactly `YES` (case-sensitive) for the vote to pass. Case-sensitive because
//! the prompt asks for capitals and anything looser is a step towards guessing
//! what the model meant; a lenient reading could only turn fails into passes.
//! `INJECTION_DETECTED` anywhere in the answer fails the vote, even after a
//! `YES`: the judge saw an attack, and the attack may have steered the `YES`.

use serde::{Deserialize, Serialize};

/// How one vote was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteAnswer {
    Yes,
    No,
    InjectionDetected,
    /// The first line was neither `YES` nor `NO`.
    Unclear,
    /// No answer: the provider failed (outage, timeout, refusal).
    Error,
}

impl VoteAnswer {
    /// A real judgement, worth caching: not an error and not noise.
    pub fn is_decisive(self) -> bool {
        matches!(self, VoteAnswer::Yes | VoteAnswer::No | VoteAnswer::InjectionDetected)
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            VoteAnswer::Yes => "YES",
            VoteAnswer::No => "NO",
            VoteAnswer::InjectionDetected => "INJECTION_DETECTED (the material tried to steer the reviewer)",
            VoteAnswer::Unclear => "unclear answer (the first line was not YES or NO)",
            VoteAnswer::Error => "no answer (provider error)",
        }
    }
}

const INJECTION_SIGNAL: &str = "INJECTION_DETECTED";

/// The answer and the reasoning (the lines after the first; for an unclear
/// answer, the whole text, so a reader can see what came back).
pub fn parse_answer(text: &str) -> (VoteAnswer, String) {
    let body = text.trim_start();
    let (first_line, rest) = body.split_once('\n').unwrap_or((body, ""));
    let reasoning = rest.trim().to_owned();
    if body.contains(INJECTION_SIGNAL) {
        return (VoteAnswer::InjectionDetected, reasoning);
    }
    match first_line.trim() {
        "YES" => (VoteAnswer::Yes, reasoning),
        "NO" => (VoteAnswer::No, reasoning),
        _ => (VoteAnswer::Unclear, body.trim().to_owned()),
    }
}
