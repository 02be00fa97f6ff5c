//! The strict-mode transform of generated schemas, and fence stripping.

use std::collections::BTreeMap;

use rampart_llm::{make_strict, strict_schema_for, strip_code_fence};
use schemars::JsonSchema;
use serde_json::{Value, json};

#[derive(JsonSchema)]
#[allow(dead_code)]
struct Report {
    title: String,
    /// Optional, so nullable; strict mode still lists it as required.
    note: Option<String>,
    count: u32,
    /// Property names that are also JSON Schema keywords must survive.
    format: String,
    default: bool,
    items: Vec<Item>,
    verdict: Verdict,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct Item {
    name: String,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
enum Verdict {
    Pass,
    Fail { reason: String },
}

fn all_object_schemas<'a>(value: &'a Value, found: &mut Vec<&'a serde_json::Map<String, Value>>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("properties") {
                found.push(map);
            }
            map.values().for_each(|v| all_object_schemas(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| all_object_schemas(v, found)),
        _ => {}
    }
}

#[test]
fn every_object_is_closed_with_every_property_required() {
    let schema = strict_schema_for::<Report>().schema;
    let mut objects = Vec::new();
    all_object_schemas(&schema, &mut objects);
    assert!(objects.len() >= 3, "Report, Item and the Fail variant: {schema:#}");
    for object in objects {
        assert_eq!(object["additionalProperties"], json!(false), "{object:?}");
        let names: Vec<&String> = object["properties"].as_object().unwrap().keys().collect();
        let required: Vec<&str> = object["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        for name in names {
            assert!(required.contains(&name.as_str()), "{name} not required in {object:?}");
        }
    }
}

#[test]
fn unsupported_keywords_go_and_property_names_stay() {
    let schema = strict_schema_for::<Report>().schema;
    let text = schema.to_string();
    assert!(schema.get("$schema").is_none());
    assert!(!text.contains("uint32"), "{schema:#}");
    assert!(!text.contains("\"oneOf\""), "{schema:#}");
    let properties = schema["properties"].as_object().unwrap();
    assert!(properties.contains_key("format") && properties.contains_key("default"));
    assert_eq!(properties["note"]["type"], json!(["string", "null"]));
}

#[test]
fn the_schema_is_named_after_the_type() {
    assert_eq!(strict_schema_for::<Report>().name, "Report");
    assert_eq!(strict_schema_for::<Vec<Item>>().name, "Array_of_Item");
}

#[test]
fn the_transform_works_on_a_hand_written_schema() {
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "a": {"type": "integer", "format": "int64", "default": 3},
            "when": {"type": "string", "format": "date-time"},
            "choice": {"oneOf": [{"type": "object", "properties": {"x": {"type": "string"}}}, {"type": "null"}]}
        },
        "required": ["a"],
        "additionalProperties": true
    });

    make_strict(&mut schema);

    let mut required: Vec<Value> = schema["required"].as_array().unwrap().clone();
    required.sort_by_key(|v| v.as_str().unwrap().to_owned());
    assert_eq!(required, [json!("a"), json!("choice"), json!("when")]);
    schema.as_object_mut().unwrap().remove("required");
    assert_eq!(
        schema,
        json!({
            "type": "object",
            "properties": {
                "a": {"type": "integer"},
                "when": {"type": "string", "format": "date-time"},
                "choice": {"anyOf": [
                    {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"], "additionalProperties": false},
                    {"type": "null"}
                ]}
            },
            "additionalProperties": false
        })
    );
}

#[test]
fn a_map_type_is_left_open() {
    let schema = strict_schema_for::<BTreeMap<String, u8>>().schema;
    assert!(schema["additionalProperties"].is_object(), "{schema:#}");
}

#[test]
fn code_fences_are_stripped() {
    assert_eq!(strip_code_fence("```json\n{\"a\": 1}\n```"), "{\"a\": 1}");
    assert_eq!(strip_code_fence("  ```\n[1]\n```  \n"), "[1]");
    assert_eq!(strip_code_fence("```JSON\n{}\n"), "{}");
    assert_eq!(strip_code_fence(" {\"a\": 1} "), "{\"a\": 1}");
    assert_eq!(strip_code_fence("```"), "");
}
