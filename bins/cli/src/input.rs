//! Reading assertions: a check file, or `-p key=value` pairs.

use std::path::Path;

use rampart_assurance::Assertion;
use serde_json::{Map, Value};

/// Largest check file read, in bytes.
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// Reads a check file. Errors name the file, and the line and column where
/// the JSON went wrong, or the item and field that is missing.
pub(crate) fn from_file(path: &Path) -> Result<Vec<Assertion>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if meta.len() > MAX_FILE {
        return Err(format!("{shown}: larger than {} MiB", MAX_FILE / 1024 / 1024));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let items: Vec<Value> = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(items)) => items,
        Ok(_) => return Err(format!("{shown}: expected a JSON array of assertions")),
        Err(e) => return Err(format!("{shown}:{}:{}: {e}", e.line(), e.column())),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let mut a: Assertion =
                serde_json::from_value(item).map_err(|e| format!("{shown}: assertion {} (index {i}): {e}", i + 1))?;
            if a.id.as_deref().is_none_or(str::is_empty) {
                // The reference tool's numbering, so reports line up.
                a.id = Some(format!("local_{:03}", i + 1));
            }
            Ok(a)
        })
        .collect()
}

/// Builds one assertion from `key=value` pairs. A value that is a JSON array
/// or object is kept as JSON.
pub(crate) fn from_params(assertion_type: &str, pairs: &[String]) -> Result<Assertion, String> {
    let mut params = Map::new();
    for pair in pairs {
        let (key, value) = pair.split_once('=').ok_or_else(|| format!("-p {pair}: expected KEY=VALUE"))?;
        if key.is_empty() {
            return Err(format!("-p {pair}: the key is empty"));
        }
        let value = match serde_json::from_str::<Value>(value) {
            Ok(v @ (Value::Array(_) | Value::Object(_))) => v,
            _ => Value::String(value.to_owned()),
        };
        if params.insert(key.to_owned(), value).is_some() {
            return Err(format!("-p {key}: given more than once"));
        }
    }
    Ok(Assertion {
        id: Some("local_001".into()),
        assertion_type: assertion_type.to_owned(),
        params,
        description: String::new(),
    })
}
