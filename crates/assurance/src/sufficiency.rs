//! Sufficiency: do a control's assertions, together, cover every clause of
//! the control? This is the deterministic judge, used offline and whenever no
//! LLM is configured; an LLM judge may replace it but is held to the same
//! output.
//!
//! The rule: the description is split into clauses (sentences, `;`, and
//! `and`/`,` between verb phrases). A clause is *covered* when every kind the
//! clause names is provable by some admitted assertion (the coherence table), or,
//! for a clause of no recognised kind, when an assertion's description shares
//! at least two content words with it. An incoherent assertion is
//! *misaligned* and forces `insufficient`. No assertion → `pending` (nothing
//! to judge yet).

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::assertion::{Coherence, coherence};
use crate::kinds::classify_control;
use crate::registry::AssertionType;
use crate::status::Sufficiency;

/// What the judge is shown about one assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgedAssertion {
    pub id: String,
    pub assertion_type: AssertionType,
    pub description: String,
}

/// The judgement for one control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SufficiencyJudgement {
    pub status: Sufficiency,
    /// Clauses no assertion covers, each with the evidence that would close it.
    pub uncovered: Vec<UncoveredClause>,
    /// Assertions that cannot prove anything this control claims.
    pub misaligned_assertion_ids: Vec<String>,
    /// Who judged: `offline` or `llm:<provider>`.
    pub judge: String,
    /// Hash of the assertion set judged; a different set makes the judgement stale.
    pub assertion_set_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UncoveredClause {
    pub clause: String,
    pub suggestion: String,
}

/// Splits a control description into its clauses.
pub fn clauses(description: &str) -> Vec<String> {
    let mut out = Vec::new();
    for sentence in description.split(['.', ';', '\n']) {
        let mut in_sentence: Vec<String> = Vec::new();
        for part in sentence.split(", and ").flat_map(|p| p.split(" and ")).flat_map(|p| p.split(", ")) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            // A fragment of one or two words ("TLS 1.3") belongs to its
            // neighbour rather than standing as a clause of its own.
            match in_sentence.last_mut() {
                Some(last) if part.split_whitespace().count() < 3 => {
                    last.push_str(", ");
                    last.push_str(part);
                }
                _ => in_sentence.push(part.to_owned()),
            }
        }
        out.extend(in_sentence);
    }
    out
}

const STOP: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "for", "with", "by", "and", "or", "is", "are", "be", "all", "every",
    "each", "any", "that", "this", "its", "from", "at", "as", "must", "shall", "should", "only", "before", "after",
];

fn content_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.len() > 2 && !STOP.contains(&w.as_str()))
        .collect()
}

/// Judges one control against its assertions, deterministically.
pub fn judge_offline(
    control_description: &str,
    assertions: &[JudgedAssertion],
    set_hash: &str,
) -> SufficiencyJudgement {
    let control_kinds = classify_control(control_description);
    let mut misaligned = Vec::new();
    let mut admitted = Vec::new();
    for a in assertions {
        match coherence(a.assertion_type, &control_kinds) {
            Coherence::Incoherent { .. } => misaligned.push(a.id.clone()),
            Coherence::Coherent | Coherence::Unclassified => admitted.push(a),
        }
    }
    let mut uncovered = Vec::new();
    for clause in clauses(control_description) {
        let kinds = classify_control(&clause);
        let covered = if kinds.is_empty() {
            let words = content_words(&clause);
            admitted.iter().any(|a| content_words(&a.description).intersection(&words).count() >= 2)
                || (admitted.len() == assertions.len() && !admitted.is_empty() && words.len() < 2)
        } else {
            // Every kind the clause names needs evidence that can prove it.
            kinds.iter().all(|k| admitted.iter().any(|a| a.assertion_type.spec().proves.contains(k)))
        };
        if !covered {
            let suggestion = if kinds.is_empty() {
                "add an assertion whose description names what this clause requires".to_owned()
            } else {
                let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                let types: BTreeSet<&str> = AssertionType::all()
                    .filter(|t| kinds.iter().any(|k| t.spec().proves.contains(k)))
                    .map(AssertionType::name)
                    .take(4)
                    .collect();
                format!(
                    "add evidence of {} (e.g. {})",
                    names.join(" / "),
                    types.into_iter().collect::<Vec<_>>().join(", ")
                )
            };
            uncovered.push(UncoveredClause { clause, suggestion });
        }
    }
    let status = if assertions.is_empty() {
        Sufficiency::Pending
    } else if uncovered.is_empty() && misaligned.is_empty() {
        Sufficiency::Sufficient
    } else {
        Sufficiency::Insufficient
    };
    SufficiencyJudgement {
        status,
        uncovered,
        misaligned_assertion_ids: misaligned,
        judge: "offline".to_owned(),
        assertion_set_hash: set_hash.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(id: &str, t: &str, description: &str) -> JudgedAssertion {
        JudgedAssertion {
            id: id.to_owned(),
            assertion_type: AssertionType::from_name(t).unwrap_or(AssertionType::FunctionExists),
            description: description.to_owned(),
        }
    }

    #[test]
    fn splits_clauses() {
        assert_eq!(
            clauses("Validate the content type of every upload and scan uploads for malware. Log rejections."),
            vec!["Validate the content type of every upload", "scan uploads for malware", "Log rejections"]
        );
    }

    #[test]
    fn every_clause_needs_evidence() {
        let control = "Validate uploaded file types against an allow-list and log every rejected upload";
        let only_validation = [a("E1", "parameter_validated", "upload handler validates the content type")];
        let j = judge_offline(control, &only_validation, "h");
        assert_eq!(j.status, Sufficiency::Insufficient);
        assert_eq!(j.uncovered.len(), 1, "{j:?}");
        assert!(j.uncovered[0].clause.contains("log"));

        let both = [
            a("E1", "parameter_validated", "upload handler validates the content type"),
            a("E2", "function_calls", "rejections are logged"),
        ];
        assert_eq!(judge_offline(control, &both, "h").status, Sufficiency::Sufficient);
    }

    #[test]
    fn a_misaligned_assertion_forces_insufficient() {
        let control = "Validate uploaded file types against an allow-list";
        let set = [a("E1", "parameter_validated", "validates types"), a("E2", "file_hash", "pinned file")];
        let j = judge_offline(control, &set, "h");
        assert_eq!(j.status, Sufficiency::Insufficient);
        assert_eq!(j.misaligned_assertion_ids, vec!["E2".to_owned()]);
    }

    #[test]
    fn nothing_to_judge_is_pending() {
        assert_eq!(judge_offline("Validate input", &[], "h").status, Sufficiency::Pending);
    }
}
