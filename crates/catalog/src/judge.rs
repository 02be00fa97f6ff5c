//! The offline judge: identity and same-mechanism judgements without an LLM.
//!
//! Identity is `rampart_model::DeterministicJudge`'s (same significant words:
//! same; half of them shared: uncertain; else different), reused unchanged.
//! What it lacks for control folding is stemming: it compares words after
//! cutting a plural `s` only, so "Validate uploaded files' types" and
//! "Validation of the type of each uploaded file" share too little. The
//! same-mechanism judgement here compares *stemmed content words* (stop words
//! and filler such as "ensure", "every", "must" removed; -ing/-ed/-ation/-er
//! endings cut; a few control synonyms folded, e.g. verify/validate/check) by
//! Jaccard similarity, and two descriptions describe the same mechanism when
//! it reaches [`SAME_MECHANISM_THRESHOLD`].

use rampart_model::{DeterministicJudge, IdentityProbe, IdentityVerdict, Judge, JudgeError};

use crate::text::{content_stems, jaccard};

/// Jaccard similarity of stemmed content words at or above which two control
/// descriptions describe the same mechanism. Calibrated on the catalog: no
/// two distinct templates reach it (a test checks this), while rewordings of
/// one template do.
pub const SAME_MECHANISM_THRESHOLD: f64 = 0.6;

/// Similarity in [0, 1] of two control descriptions (Jaccard over stemmed
/// content words; two texts without content words count as identical).
pub fn mechanism_similarity(a: &str, b: &str) -> f64 {
    jaccard(&content_stems(a), &content_stems(b))
}

/// Whether two control descriptions describe the same mechanism.
pub fn same_mechanism(a: &str, b: &str) -> bool {
    mechanism_similarity(a, b) >= SAME_MECHANISM_THRESHOLD
}

/// A [`Judge`] for air-gapped use: identity as [`DeterministicJudge`],
/// mechanism by [`same_mechanism`]. Never fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineJudge;

impl Judge for OfflineJudge {
    fn identity(
        &self,
        existing: &IdentityProbe<'_>,
        proposed: &IdentityProbe<'_>,
    ) -> Result<IdentityVerdict, JudgeError> {
        DeterministicJudge.identity(existing, proposed)
    }

    fn same_mechanism(&self, existing: &str, proposed: &str) -> Result<bool, JudgeError> {
        Ok(same_mechanism(existing, proposed))
    }
}
