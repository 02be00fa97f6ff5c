//! JSON Schemas for structured answers, made acceptable to OpenAI's strict
//! mode: every object closed (`additionalProperties: false`) with every
//! property required (optional fields stay nullable, as schemars emits
//! `Option<T>`), `oneOf` spelled `anyOf`, and keywords strict mode refuses
//! (`$schema`, `default`, non-standard `format`s such as `uint32`) removed.

use std::borrow::Cow;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use crate::message::ResponseSchema;

/// Formats strict mode understands; any other `format` is dropped.
const SUPPORTED_FORMATS: &[&str] =
    &["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"];

/// Keywords whose value is one subschema.
const SUBSCHEMA_KEYWORDS: &[&str] = &["items", "additionalProperties", "not", "if", "then", "else", "contains"];

/// Keywords whose value is an array of subschemas.
const SUBSCHEMA_LIST_KEYWORDS: &[&str] = &["anyOf", "allOf", "oneOf", "prefixItems"];

/// Keywords whose value maps names to subschemas.
const SUBSCHEMA_MAP_KEYWORDS: &[&str] = &["properties", "$defs", "definitions", "patternProperties"];

/// The strict schema for `T`, named after the type.
pub fn strict_schema_for<T: JsonSchema>() -> ResponseSchema {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    make_strict(&mut schema);
    ResponseSchema { name: schema_name(T::schema_name()), schema }
}

/// Rewrites a schema in place for strict mode. Walks schema positions only,
/// so a property that happens to be called `format` or `default` is kept.
pub fn make_strict(schema: &mut Value) {
    let Value::Object(object) = schema else { return };
    object.remove("$schema");
    object.remove("default");
    if let Some(Value::String(format)) = object.get("format")
        && !SUPPORTED_FORMATS.contains(&format.as_str())
    {
        object.remove("format");
    }
    if !object.contains_key("anyOf")
        && let Some(one_of) = object.remove("oneOf")
    {
        object.insert("anyOf".to_owned(), one_of);
    }
    if describes_object(object) {
        close_object(object);
    }
    for keyword in SUBSCHEMA_KEYWORDS {
        if let Some(sub) = object.get_mut(*keyword) {
            make_strict(sub);
        }
    }
    for keyword in SUBSCHEMA_LIST_KEYWORDS {
        if let Some(Value::Array(subs)) = object.get_mut(*keyword) {
            subs.iter_mut().for_each(make_strict);
        }
    }
    for keyword in SUBSCHEMA_MAP_KEYWORDS {
        if let Some(Value::Object(subs)) = object.get_mut(*keyword) {
            subs.values_mut().for_each(make_strict);
        }
    }
}

fn describes_object(object: &Map<String, Value>) -> bool {
    let typed_object = match object.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        _ => false,
    };
    typed_object || object.contains_key("properties")
}

/// Requires every property and forbids others. A map type (an
/// `additionalProperties` subschema and no properties) is left open: strict
/// mode cannot express it, and the provider will say so.
fn close_object(object: &mut Map<String, Value>) {
    let is_map = matches!(object.get("additionalProperties"), Some(Value::Object(_)));
    let names: Vec<Value> = match object.get("properties") {
        Some(Value::Object(properties)) => properties.keys().cloned().map(Value::String).collect(),
        _ => Vec::new(),
    };
    if is_map && names.is_empty() {
        return;
    }
    object.insert("required".to_owned(), Value::Array(names));
    object.insert("additionalProperties".to_owned(), Value::Bool(false));
    object.entry("properties").or_insert_with(|| Value::Object(Map::new()));
}

/// Providers accept `[A-Za-z0-9_-]{1,64}` as a schema name.
fn schema_name(type_name: Cow<'static, str>) -> String {
    let name: String = type_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .take(64)
        .collect();
    if name.is_empty() { "response".to_owned() } else { name }
}
