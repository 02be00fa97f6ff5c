//! Verification results, their content hash, and the in-toto Statement.

use rampart_model::canonical::{sha256_hex, to_canonical_json};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Our predicate type for verification runs.
pub const PREDICATE_TYPE: &str = "https://rampart.dev/attestations/verification/v1";
const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// One assertion's result on a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultEntry {
    pub assertion_id: String,
    pub assertion_type: String,
    /// `pass`, `fail`, `skipped`, `error` or `pending`.
    pub tier1: String,
    pub tier2: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_hash: Option<String>,
    /// The claim this result is for (type, parameters, description,
    /// subject): see `rampart_assurance::claim_hash`. The server refuses a
    /// result whose claim differs from the stored assertion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_hash: Option<String>,
    /// Tier 1's explanation (what matched, or why not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier1_details: Option<String>,
    /// Tier 2's reasoning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier2_details: Option<String>,
    /// Who judged tier 2 (`llm:<provider>/<model>`, `cache`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier2_reviewer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// What a run attests: where, when, and the results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunPredicate {
    /// Unique per run; the server refuses a run id it has seen.
    pub run_id: String,
    pub model_id: String,
    pub repository: String,
    pub commit: String,
    /// RFC 3339.
    pub created_at: String,
    pub results: Vec<ResultEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Subject {
    pub name: String,
    pub digest: std::collections::BTreeMap<String, String>,
}

/// An in-toto Statement v1 with our predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub statement_type: String,
    pub subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: RunPredicate,
}

/// Hex SHA-256 of the results' canonical JSON, sorted by assertion id, so the
/// order a runner produced them in does not matter.
pub fn results_hash(results: &[ResultEntry]) -> String {
    let mut sorted: Vec<&ResultEntry> = results.iter().collect();
    sorted.sort_by(|a, b| a.assertion_id.cmp(&b.assertion_id));
    sha256_hex(to_canonical_json(&sorted).as_bytes())
}

/// The statement for a run: its subject is the repository at the commit,
/// digested by the results hash.
pub fn statement(predicate: RunPredicate) -> Statement {
    let digest = [("sha256".to_owned(), results_hash(&predicate.results))].into_iter().collect();
    Statement {
        statement_type: STATEMENT_TYPE.to_owned(),
        subject: vec![Subject { name: format!("{}@{}", predicate.repository, predicate.commit), digest }],
        predicate_type: PREDICATE_TYPE.to_owned(),
        predicate,
    }
}
