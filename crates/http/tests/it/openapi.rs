//! The OpenAPI document: generated from the route table, snapshot-tested.

use rampart_http::routes::routes;

#[test]
fn the_document_lists_every_route_and_is_stable() {
    let doc = rampart_http::openapi::document();
    let paths = doc["paths"].as_object().unwrap();
    for route in routes() {
        let method = route.method.as_str().to_lowercase();
        assert!(paths.get(&route.path).and_then(|p| p.get(&method)).is_some(), "{route:?} missing from the document");
    }
    // Every $ref resolves.
    let text = doc.to_string();
    for r in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &r[..r.find('"').unwrap()];
        assert!(doc["components"]["schemas"].get(name).is_some(), "dangling $ref {name}");
    }
    insta::assert_json_snapshot!("openapi", doc);
}
