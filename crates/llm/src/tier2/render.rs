//! Building the two messages of one tier-2 vote: trusted instructions in the
//! system message, every untrusted value fenced in the user message.

use rampart_assurance::{AssertionType, TypeSpec};
use serde_json::{Map, Value, json};

use super::Tier2Error;
use super::Tier2Input;
use super::boundary::fence;
use super::criteria::{Criterion, criterion_for};
use crate::message::Message;
use crate::prompt;

/// The longest subject label shown (it sits outside the fence).
const MAX_LABEL_CHARS: usize = 200;

/// The system and user messages for one vote, fenced with `token`.
pub fn render_prompt(input: &Tier2Input, token: &str) -> Result<Vec<Message>, Tier2Error> {
    let (criterion, spec) = lookup(&input.assertion_type)?;
    let subject_label = sanitize_label(&input.subject_label);
    let system = prompt::render(
        prompt::TIER2_SYSTEM,
        json!({
            "assertion_type": spec.name,
            "type_summary": spec.summary,
            "subject_label": subject_label,
            "criterion": criterion.text,
            "absence": criterion.absence,
            "token": token,
        }),
    )
    .map_err(|e| Tier2Error::Template(e.to_string()))?;
    let user = prompt::render(
        prompt::TIER2_USER,
        json!({
            "assertion_type": spec.name,
            "subject_label": subject_label,
            "fenced_params": fence(token, &params_text(&input.params)),
            "fenced_description": fence(token, &input.description),
            "fenced_control_description": input.control_description.as_deref().map(|text| fence(token, text)),
            "fenced_source": fence(token, &input.source),
        }),
    )
    .map_err(|e| Tier2Error::Template(e.to_string()))?;
    Ok(vec![Message::system(system), Message::user(user)])
}

/// The criterion and registry entry of a type; both must exist.
pub(crate) fn lookup(assertion_type: &str) -> Result<(&'static Criterion, &'static TypeSpec), Tier2Error> {
    let unknown = || Tier2Error::UnknownAssertionType(assertion_type.to_owned());
    let criterion = criterion_for(assertion_type).ok_or_else(unknown)?;
    let spec = AssertionType::from_name(assertion_type).ok_or_else(unknown)?.spec();
    Ok((criterion, spec))
}

/// Every untrusted text of an input, as it will appear inside the fences.
pub(crate) fn untrusted_texts(input: &Tier2Input) -> Vec<String> {
    let mut texts = vec![params_text(&input.params), input.description.clone(), input.source.clone()];
    texts.extend(input.control_description.clone());
    texts
}

/// Parameters as indented JSON with keys sorted at every depth (rebuilt, so
/// the order holds whether or not serde_json preserves insertion order).
pub(crate) fn params_text(params: &Value) -> String {
    serde_json::to_string_pretty(&sorted(params)).unwrap_or_else(|_| params.to_string())
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                out.insert(key.clone(), sorted(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        scalar => scalar.clone(),
    }
}

/// The label sits outside the fence, so it keeps only path-like characters:
/// no line breaks, spaces or markup that could read as an instruction.
fn sanitize_label(label: &str) -> String {
    let clean: String = label
        .chars()
        .take(MAX_LABEL_CHARS)
        .map(|c| if c.is_alphanumeric() || "._-/+@".contains(c) { c } else { '_' })
        .collect();
    if clean.is_empty() { "(unnamed)".to_owned() } else { clean }
}
