//! The evidence hash: what a tier-2 verdict was about. Two reviews with the
//! same hash would ask the same judge the same question, so a stored verdict
//! can stand in for a new call.

use rampart_model::canonical::sha256_of;
use serde_json::json;

use super::criteria::criterion_for;
use super::{Tier2Input, Tier2Options};
use crate::prompt;

/// Bumped when the answer protocol or the vote rule changes meaning.
const PROTOCOL: &str = "rampart-tier2/1";

/// `sha256:<hex>` of the canonical JSON of everything that shapes the verdict:
/// the type, its parameters, the source, both descriptions, the subject, the
/// prompt templates and the type's criterion, the provider label (which names
/// the model), the number of votes and the sampling settings. The random
/// boundary token is deliberately not part of it.
pub fn evidence_hash(input: &Tier2Input, provider_label: &str, options: &Tier2Options) -> String {
    let criterion = criterion_for(&input.assertion_type);
    sha256_of(&json!({
        "protocol": PROTOCOL,
        "type": input.assertion_type,
        "params": input.params,
        "source": input.source,
        "description": input.description,
        "control_description": input.control_description,
        "subject_label": input.subject_label,
        "templates": {
            "system": prompt::template_source(prompt::TIER2_SYSTEM),
            "user": prompt::template_source(prompt::TIER2_USER),
        },
        "criterion": criterion.map(|c| c.text.as_str()),
        "absence": criterion.map(|c| c.absence),
        "provider": provider_label,
        "votes": options.effective_votes(),
        "temperature": options.temperature,
        "max_tokens": options.max_tokens,
    }))
}
