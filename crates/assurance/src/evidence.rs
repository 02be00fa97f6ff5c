//! From recorded verdicts to control statuses: the one evaluation the server
//! runs after every submission and an auditor re-runs from an exported
//! package. Pure, so both get the same answer.

use std::collections::{BTreeMap, HashMap};

use rampart_model::canonical::{sha256_hex, to_canonical_json};
use rampart_model::{AnyId, AssumptionId, ControlId, ThreatModel};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::assertion::{Coherence, coherence};
use crate::kinds::classify_control;
use crate::posture::Evidence;
use crate::registry::AssertionType;
use crate::status::{AssertionVerdict, Sufficiency, TierResult, VerificationStatus, verification_status};
use crate::sufficiency::{JudgedAssertion, SufficiencyJudgement, judge_offline};

/// One live assertion with its latest verdicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceAssertion {
    pub id: String,
    /// The control (`C3`) or assumption (`AS1`) it is evidence for.
    pub subject_id: String,
    #[serde(rename = "type")]
    pub assertion_type: String,
    #[serde(default)]
    pub params: Map<String, Value>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tier1: TierResult,
    #[serde(default)]
    pub tier2: TierResult,
}

impl EvidenceAssertion {
    /// The hash a run binds its result to: type, parameters, description
    /// and subject, so a result cannot be moved to a different claim.
    pub fn claim_hash(&self) -> String {
        claim_hash(&self.subject_id, &self.assertion_type, &self.params, &self.description)
    }
}

/// See [`EvidenceAssertion::claim_hash`].
pub fn claim_hash(subject_id: &str, assertion_type: &str, params: &Map<String, Value>, description: &str) -> String {
    let claim = serde_json::json!({
        "subject_id": subject_id,
        "type": assertion_type,
        "params": params,
        "description": description,
    });
    format!("sha256:{}", sha256_hex(to_canonical_json(&claim).as_bytes()))
}

/// The tier outcome words runners report.
pub fn tier_result(outcome: &str) -> TierResult {
    match outcome {
        "pass" => TierResult::Pass,
        "fail" | "error" => TierResult::Fail,
        _ => TierResult::Pending,
    }
}

/// The latest verdicts after a new result: the new tier-1 verdict replaces
/// the old; a new tier-2 verdict replaces the old, and a run that did not
/// judge tier 2 keeps an earlier tier-2 pass only if it was given on the
/// same evidence (same evidence hash) — the code the judge read is unchanged.
pub fn fold_result(
    previous: (TierResult, TierResult, Option<&str>),
    tier1: TierResult,
    tier2: TierResult,
    evidence_hash: Option<&str>,
) -> (TierResult, TierResult) {
    let (_, prev_tier2, prev_hash) = previous;
    let tier2 = match tier2 {
        TierResult::Pending
            if tier1 == TierResult::Pass
                && prev_tier2 == TierResult::Pass
                && evidence_hash.is_some()
                && prev_hash == evidence_hash =>
        {
            TierResult::Pass
        }
        other => other,
    };
    (tier1, tier2)
}

/// A control's evaluated evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ControlEvaluation {
    pub control_id: ControlId,
    pub status: VerificationStatus,
    pub verdicts: Vec<AssertionVerdict>,
    pub sufficiency: SufficiencyJudgement,
}

/// Every live control's and assumption's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceEvaluation {
    pub controls: BTreeMap<ControlId, ControlEvaluation>,
    pub assumptions: BTreeMap<AssumptionId, VerificationStatus>,
}

impl EvidenceEvaluation {
    /// What posture needs.
    pub fn evidence(&self) -> Evidence {
        Evidence {
            controls: self.controls.iter().map(|(id, c)| (*id, c.status)).collect::<HashMap<_, _>>(),
            assumptions: self.assumptions.iter().map(|(id, s)| (*id, *s)).collect::<HashMap<_, _>>(),
        }
    }
}

/// The hash of the claims a sufficiency judgement was made on.
pub fn assertion_set_hash(assertions: &[&EvidenceAssertion]) -> String {
    let mut claims: Vec<String> = assertions.iter().map(|a| a.claim_hash()).collect();
    claims.sort();
    sha256_hex(claims.join("\n").as_bytes())
}

/// Evaluates every live control and assumption. `judged` holds earlier
/// sufficiency judgements (e.g. from an LLM judge); one made on the same
/// assertion set is kept, any other is replaced by the offline judge.
pub fn evaluate(
    model: &ThreatModel,
    assertions: &[EvidenceAssertion],
    judged: &BTreeMap<ControlId, SufficiencyJudgement>,
) -> EvidenceEvaluation {
    let mut by_subject: BTreeMap<AnyId, Vec<&EvidenceAssertion>> = BTreeMap::new();
    for a in assertions {
        if let Ok(subject) = a.subject_id.parse::<AnyId>() {
            by_subject.entry(subject).or_default().push(a);
        }
    }
    let mut controls = BTreeMap::new();
    for control in model.live_controls() {
        let own = by_subject.get(&AnyId::Control(control.id)).map(Vec::as_slice).unwrap_or_default();
        let kinds = classify_control(&control.description);
        let verdicts: Vec<AssertionVerdict> = own
            .iter()
            .map(|a| AssertionVerdict {
                assertion_id: a.id.clone(),
                tier1: a.tier1,
                tier2: a.tier2,
                coherence: AssertionType::from_name(&a.assertion_type).map_or_else(
                    || Coherence::Incoherent { reason: format!("unknown assertion type `{}`", a.assertion_type) },
                    |t| coherence(t, &kinds),
                ),
            })
            .collect();
        let set_hash = assertion_set_hash(own);
        let sufficiency = match judged.get(&control.id) {
            Some(j) if j.assertion_set_hash == set_hash => j.clone(),
            _ => {
                let shown: Vec<JudgedAssertion> = own
                    .iter()
                    .filter_map(|a| {
                        AssertionType::from_name(&a.assertion_type).map(|t| JudgedAssertion {
                            id: a.id.clone(),
                            assertion_type: t,
                            description: a.description.clone(),
                        })
                    })
                    .collect();
                judge_offline(&control.description, &shown, &set_hash)
            }
        };
        let status = verification_status(&verdicts, sufficiency.status);
        controls.insert(control.id, ControlEvaluation { control_id: control.id, status, verdicts, sufficiency });
    }
    let mut assumptions = BTreeMap::new();
    for assumption in model.assumptions.iter().filter(|a| !a.removed) {
        let own = by_subject.get(&AnyId::Assumption(assumption.id)).map(Vec::as_slice).unwrap_or_default();
        // An assumption has no clauses to cover: its evidence is sufficient
        // when it exists, and verified when every piece passed both tiers.
        let verdicts: Vec<AssertionVerdict> = own
            .iter()
            .map(|a| AssertionVerdict {
                assertion_id: a.id.clone(),
                tier1: a.tier1,
                tier2: a.tier2,
                coherence: Coherence::Unclassified,
            })
            .collect();
        let sufficiency = if verdicts.is_empty() { Sufficiency::Pending } else { Sufficiency::Sufficient };
        assumptions.insert(assumption.id, verification_status(&verdicts, sufficiency));
    }
    EvidenceEvaluation { controls, assumptions }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_two_carries_over_only_on_the_same_evidence() {
        use TierResult::*;
        let prev = (Pass, Pass, Some("h1"));
        assert_eq!(fold_result(prev, Pass, Pending, Some("h1")), (Pass, Pass));
        assert_eq!(fold_result(prev, Pass, Pending, Some("h2")), (Pass, Pending));
        assert_eq!(fold_result(prev, Fail, Pending, Some("h1")), (Fail, Pending));
        assert_eq!(fold_result(prev, Pass, Fail, Some("h1")), (Pass, Fail));
        assert_eq!(fold_result((Pass, Pass, None), Pass, Pending, None), (Pass, Pending));
    }
}
