//! The verdict of one assertion: what was decided, why, and a hash of the
//! evidence it rests on so that a later run can tell whether that evidence
//! changed.

use rampart_assurance::TierResult;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How a verification ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The claim holds.
    Pass,
    /// The claim was checked and does not hold, or cannot hold as written
    /// (invalid parameters, a refused path, an unparseable file).
    Fail,
    /// The claim was not checked: the type is unknown to this version, not
    /// supported by it, or needs an opt-in (`test_passes`).
    Skipped,
    /// The verifier could not do its job (an I/O error other than "not
    /// found", a parse that ran out of time, an internal fault).
    Error,
}

/// The tier-1 verdict of one assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    /// `true` iff `outcome` is `pass`.
    pub passed: bool,
    pub outcome: Outcome,
    /// What was found or why not, in words.
    pub details: String,
    /// The project-relative file the verdict rests on, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The 1-based line of the witness, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// SHA-256 (lower-case hex) of the evidence bytes: the matched definition's
    /// source text for code-shape types, the whole file for file and pattern
    /// types. Absent when nothing was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_hash: Option<String>,
    /// The assertion's type as written (so unknown types can be reported).
    pub assertion_type: String,
}

impl Verdict {
    fn new(outcome: Outcome, assertion_type: &str, details: impl Into<String>) -> Verdict {
        Verdict {
            passed: outcome == Outcome::Pass,
            outcome,
            details: details.into(),
            file: None,
            line: None,
            evidence_hash: None,
            assertion_type: assertion_type.to_owned(),
        }
    }

    pub(crate) fn pass(assertion_type: &str, details: impl Into<String>) -> Verdict {
        Verdict::new(Outcome::Pass, assertion_type, details)
    }

    pub(crate) fn fail(assertion_type: &str, details: impl Into<String>) -> Verdict {
        Verdict::new(Outcome::Fail, assertion_type, details)
    }

    pub(crate) fn skipped(assertion_type: &str, details: impl Into<String>) -> Verdict {
        Verdict::new(Outcome::Skipped, assertion_type, details)
    }

    pub(crate) fn error(assertion_type: &str, details: impl Into<String>) -> Verdict {
        Verdict::new(Outcome::Error, assertion_type, details)
    }

    pub(crate) fn with_file(mut self, file: &str) -> Verdict {
        self.file = Some(file.to_owned());
        self
    }

    pub(crate) fn with_line(mut self, line: Option<u32>) -> Verdict {
        self.line = line;
        self
    }

    pub(crate) fn with_evidence(mut self, bytes: &[u8]) -> Verdict {
        self.evidence_hash = Some(sha256_hex(bytes));
        self
    }

    pub(crate) fn with_hash(mut self, hash: String) -> Verdict {
        self.evidence_hash = Some(hash);
        self
    }

    /// The tier-1 result this verdict contributes to a control's status:
    /// skipped and errored assertions stay pending, never pass.
    pub fn tier1(&self) -> TierResult {
        match self.outcome {
            Outcome::Pass => TierResult::Pass,
            Outcome::Fail => TierResult::Fail,
            Outcome::Skipped | Outcome::Error => TierResult::Pending,
        }
    }
}

/// Lower-case hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let n = text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count() + 1;
    u32::try_from(n).unwrap_or(u32::MAX)
}
