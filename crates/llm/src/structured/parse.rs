//! Turning an answer's text into a value: local models like to wrap JSON in
//! Markdown code fences even when asked not to.

use serde::de::DeserializeOwned;

/// The text inside a ```` ``` ```` / ```` ```json ```` fence, or the trimmed
/// text when there is none.
pub fn strip_code_fence(text: &str) -> &str {
    let trimmed = text.trim();
    let Some(after_open) = trimmed.strip_prefix("```") else { return trimmed };
    // The rest of the opening line is the info string (`json`, `JSON`, …).
    let body = after_open.split_once('\n').map_or("", |(_, body)| body).trim_end();
    body.strip_suffix("```").unwrap_or(body).trim()
}

/// Parses and deserializes an answer, then applies the caller's check.
/// The error is worded for the model, which gets it in the repair turn.
pub(crate) fn interpret<T, F>(content: &str, check: &F) -> Result<T, String>
where
    T: DeserializeOwned,
    F: Fn(&T) -> Result<(), String>,
{
    let json = strip_code_fence(content);
    if json.is_empty() {
        return Err("the answer was empty".to_owned());
    }
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("the answer is not valid JSON ({e})"))?;
    let typed: T = serde_json::from_value(value).map_err(|e| format!("the JSON does not follow the schema ({e})"))?;
    check(&typed).map_err(|problem| format!("the content is not acceptable: {problem}"))?;
    Ok(typed)
}
