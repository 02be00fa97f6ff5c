//! The OpenAPI 3.1 document, built from the route table and the same schemars
//! schemas that `schemas/` publishes, so the document, the router and the
//! types cannot disagree.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::routes::routes;

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// The error statuses a route can answer with, by what it does: every API
/// route can meet a database outage; an authenticated one a bad key, a role
/// too weak and ids it may not see; one with a body a malformed, oversized or
/// refused one; a write a conflict; a write to a model or anything that
/// generates may ask the LLM (its outage, its nonsense, the daily limit).
fn error_statuses(route: &crate::routes::Route) -> Vec<(u16, &'static str)> {
    use axum::http::Method;
    let mut out = Vec::new();
    let api = route.path.starts_with("/api/v1/") && route.path != "/api/v1/openapi.json";
    let write = route.method != Method::GET;
    if route.authenticated || route.path.ends_with("/invitations/accept") {
        out.push((401, "missing or invalid API key"));
        out.push((404, "not found (including another workspace's ids)"));
    }
    if route.authenticated {
        out.push((403, "the key's role does not allow this"));
    }
    if route.request.is_some() {
        out.push((400, "malformed request"));
        out.push((413, "request body too large"));
    } else if api && route.method == Method::GET {
        out.push((400, "a malformed query parameter"));
    }
    if route.request.is_some() || write {
        out.push((409, "conflict with the current state (a name taken, a version moved, the last live entity)"));
        out.push((422, "the request is well-formed but refused (the message names the field or the limit)"));
    }
    let asks_the_llm = write
        && (route.path.starts_with("/api/v1/models/{model_id}")
            || route.path.starts_with("/api/v1/generations")
            || route.path.starts_with("/api/v1/chat"));
    if asks_the_llm {
        out.push((429, "the daily AI request limit is used up (see Retry-After)"));
        out.push((502, "the LLM's answer was unusable"));
    }
    if api {
        out.push((503, "the database or the LLM is unavailable; retry later"));
    }
    out
}

/// The document served at `/api/v1/openapi.json`.
pub fn document() -> Value {
    let mut generator =
        SchemaSettings::draft2020_12().with(|s| s.definitions_path = "/components/schemas/".into()).into_generator();
    let mut paths: Map<String, Value> = Map::new();
    for route in routes() {
        let mut op = Map::new();
        op.insert("summary".into(), json!(route.summary));
        op.insert("operationId".into(), json!(operation_id(route.method.as_str(), &route.path)));
        let params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        if let Some(request) = route.request {
            let schema = request(&mut generator);
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": schema}}}),
            );
        }
        let mut responses = Map::new();
        match route.response {
            Some(response) => {
                let schema = response(&mut generator);
                let media = if route.path == "/metrics" { "text/plain" } else { "application/json" };
                responses.insert(
                    route.success.to_string(),
                    json!({"description": "success", "content": {media: {"schema": schema}}}),
                );
            }
            None => {
                responses.insert("204".into(), json!({"description": "done"}));
            }
        }
        for (status, description) in error_statuses(&route) {
            responses.insert(status.to_string(), error_response(description));
        }
        if route.authenticated {
            op.insert("security".into(), json!([{"apiKey": []}]));
        }
        op.insert("responses".into(), Value::Object(responses));
        let entry = paths.entry(openapi_path(&route.path)).or_insert_with(|| json!({}));
        if let Value::Object(map) = entry {
            map.insert(route.method.as_str().to_lowercase(), Value::Object(op));
        }
    }
    let mut schemas = generator.take_definitions(true);
    schemas.insert(
        "ErrorBody".into(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message", "details"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}, "details": {}
            }}}
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Rampart API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Threat models, control objectives, evidence and posture."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "An API key: `Authorization: Bearer rk_…`"}}
        }
    })
}

/// axum and OpenAPI share the `{name}` syntax.
fn openapi_path(path: &str) -> String {
    path.to_owned()
}

fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_lowercase();
    for seg in path.split('/').filter(|s| !s.is_empty() && *s != "api" && *s != "v1") {
        let seg = seg.trim_start_matches('{').trim_end_matches('}');
        id.push('_');
        id.push_str(&seg.replace(['-', '.'], "_"));
    }
    id
}
