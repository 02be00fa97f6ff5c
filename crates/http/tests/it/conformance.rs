//! Every response the HTTP tests receive is checked against the document the
//! server publishes: the route and method are documented, the status is one
//! the document lists for them, and a JSON body matches the schema given for
//! that status. So the served document cannot drift from what handlers do.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

const DOC_URL: &str = "urn:rampart:openapi.json";

/// The document, with every JSON response schema compiled once.
struct Checker {
    doc: Value,
    schemas: boon::Schemas,
    by_location: HashMap<String, boon::SchemaIndex>,
}

fn location(route: &str, method: &str, status: &str) -> String {
    format!(
        "{DOC_URL}#/paths/{}/{}/responses/{}/content/application~1json/schema",
        pointer_token(route),
        method,
        status
    )
}

fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| {
        let doc = rampart_http::openapi::document();
        let mut compiler = boon::Compiler::new();
        compiler.add_resource(DOC_URL, doc.clone()).unwrap();
        let mut schemas = boon::Schemas::new();
        let mut by_location = HashMap::new();
        for (route, ops) in doc["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                for (status, response) in op["responses"].as_object().unwrap() {
                    if response["content"]["application/json"]["schema"].is_null() {
                        continue;
                    }
                    let at = location(route, method, status);
                    let index = compiler.compile(&at, &mut schemas).unwrap_or_else(|e| panic!("{at}: {e:#}"));
                    by_location.insert(at, index);
                }
            }
        }
        Checker { doc, schemas, by_location }
    })
}

/// The documented path template a request path matches (literal segments
/// preferred over `{parameters}`).
fn template<'a>(doc: &'a Value, path: &str) -> Option<&'a str> {
    let want: Vec<&str> = path.split('?').next().unwrap_or_default().split('/').collect();
    let mut best: Option<(&str, usize)> = None;
    for candidate in doc["paths"].as_object()?.keys() {
        let have: Vec<&str> = candidate.split('/').collect();
        if have.len() != want.len() {
            continue;
        }
        let mut literal = 0;
        let fits = have.iter().zip(&want).all(|(h, w)| {
            if h.starts_with('{') {
                !w.is_empty()
            } else {
                literal += usize::from(h == w);
                h == w
            }
        });
        if fits && best.is_none_or(|(_, l)| literal > l) {
            best = Some((candidate.as_str(), literal));
        }
    }
    best.map(|(t, _)| t)
}

fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Checks one response; panics naming the mismatch.
pub fn check(method: &str, path: &str, status: u16, body: &str) {
    let c = checker();
    // Requests the router refuses before routing (an unknown path) have no template.
    let Some(route) = template(&c.doc, path) else {
        assert!(status == 404 || status == 405, "{method} {path}: {status} on an undocumented path");
        return;
    };
    let method_lower = method.to_lowercase();
    let Some(op) = c.doc["paths"][route].get(&method_lower) else {
        assert_eq!(status, 405, "{method} {route} is not documented but answered {status}");
        return;
    };
    let documented: Vec<&String> = op["responses"].as_object().map(|r| r.keys().collect()).unwrap_or_default();
    assert!(
        documented.iter().any(|s| s.as_str() == status.to_string()),
        "{method} {route} answered {status}, documented: {documented:?}; body: {body}"
    );
    let media = &op["responses"][status.to_string()]["content"]["application/json"];
    if media.is_null() || body.is_empty() {
        return;
    }
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        panic!("{method} {route} {status}: the body is not JSON: {body}");
    };
    let Some(index) = c.by_location.get(&location(route, &method_lower, &status.to_string())) else { return };
    if let Err(e) = c.schemas.validate(&value, *index) {
        panic!("{method} {route} {status}: the body does not match the documented schema: {e:#}\nbody: {body}");
    }
}
