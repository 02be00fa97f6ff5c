//! Two workspaces. Every route that takes an id, called with the other
//! workspace's key, answers 404 and changes nothing. The routes come from the
//! served OpenAPI document, so a route added later cannot escape this test: it
//! fails until the route has a sample body here.

use reqwest::Method;
use serde_json::{Value, json};

use crate::server::{each_backend, file_uploads_request};

/// A valid body for each templated route that takes one.
fn sample_body(method: &str, path: &str) -> Option<Value> {
    let kind_draft = |kind: &str| match kind {
        "trust-boundaries" => json!({"description": "Edge"}),
        "components" => json!({"name": "Worker"}),
        "assets" => json!({"name": "Audit Log", "security_properties": ["I"]}),
        "attackers" => json!({"name": "Botnet", "capability": "floods the API"}),
        "assumptions" => json!({"description": "TLS terminates at the edge"}),
        "controls" => json!({"description": "Rate-limit uploads", "mappings": [{"co": "CO1", "group": 1}]}),
        other => panic!("no sample draft for {other}"),
    };
    let kind_patch = |kind: &str| match kind {
        "trust-boundaries" => json!({"description": "Edge 2"}),
        "components" => json!({"name": "Worker 2"}),
        "assets" => json!({"notes": "changed"}),
        "attackers" => json!({"position": "anywhere"}),
        "assumptions" => json!({"description": "changed"}),
        "controls" => json!({"description": "changed"}),
        other => panic!("no sample patch for {other}"),
    };
    let segments: Vec<&str> = path.trim_start_matches("/api/v1/").split('/').collect();
    let body = match (method, segments.as_slice()) {
        ("PATCH", ["workspaces", _]) => json!({"name": "Hijacked"}),
        ("PUT", ["workspaces", _, "members", _]) => json!({"role": "member"}),
        ("PUT", ["workspaces", _, "grades"]) => json!({"target_ml": 3, "csf_tier": 2}),
        ("POST", ["workspaces", _, "keys"]) => json!({"name": "stolen"}),
        ("PATCH", ["models", _]) => json!({"name": "Stolen Upload Service"}),
        ("POST", ["models", _, "edits"]) => json!({"op": "remove", "id": "C3"}),
        ("POST", ["models", _, "factors"]) => {
            json!({"subject": "A1", "factors": {"integrity": "Low"}, "change_reason": "x"})
        }
        ("PUT", ["models", _, "metadata"]) => json!({"field": "cal", "co_id": "CO1", "cal": 2}),
        ("PUT", ["models", _, "controls", _, "groups", _]) => json!({"group": 2}),
        ("POST", ["models", _, "assertions"]) => json!({"subject_id": "C1", "assertions": [
            {"type": "function_exists", "params": {"file": "app.py", "name": "scan"}}]}),
        ("POST", ["models", _, "verification", "runs"]) => json!({"run": {"run_id": "stolen", "model_id": "x",
            "repository": "r", "commit": "c", "created_at": "2026-01-01T00:00:00Z", "results": []}}),
        ("POST", ["models", _, "findings"]) => json!({"control_id": "C1", "title": "t", "description": "d",
            "severity": "low"}),
        ("POST", ["models", _, "findings", _, "actions"]) => json!({"action": "acknowledge"}),
        ("POST", ["generations"]) => json!({"description": "x"}),
        ("POST", ["chat", "sessions", _, "messages"]) => json!({"content": "What protects the files?"}),
        ("POST", ["models", _, kind]) => kind_draft(kind),
        ("PATCH", ["models", _, kind, _]) => kind_patch(kind),
        _ => return None,
    };
    Some(body)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_with_an_id_is_a_404_across_workspaces() {
    each_backend(|server| async move {
        let alice = server.user("alice@example.com").await;
        let mallory = server.user("mallory@example.com").await;

        // Alice's things.
        let (_, model) = alice.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        let model_id = model["id"].as_str().unwrap().to_owned();
        let m = format!("/api/v1/models/{model_id}");
        alice.json(Method::POST, &format!("{m}/assumptions"), Some(json!({"description": "Storage is private"}))).await;
        let (_, team) = alice.json(Method::POST, "/api/v1/workspaces", Some(json!({"name": "Alice's team"}))).await;
        let team_id = team["id"].as_str().unwrap().to_owned();
        let (_, system) = alice.json(Method::POST, "/api/v1/systems", Some(json!({"name": "Storefront"}))).await;
        let (_, key) = alice.json(Method::POST, "/api/v1/keys", Some(json!({"name": "spare"}))).await;
        let (_, me) = alice.json(Method::GET, "/api/v1/me", None).await;
        // Evidence of Alice's: an assertion, a finding, a signing key.
        let (status, _) = alice
            .json(
                Method::POST,
                &format!("{m}/assertions"),
                Some(json!({"subject_id": "C1", "assertions": [
                {"type": "function_exists", "params": {"file": "app.py", "name": "scan"}}]})),
            )
            .await;
        assert_eq!(status, 201);
        let finding = json!({"control_id": "C1", "title": "t", "description": "d", "severity": "low"});
        assert_eq!(alice.json(Method::POST, &format!("{m}/findings"), Some(finding)).await.0, 201);
        let (status, job) = alice
            .json(Method::POST, "/api/v1/generations", Some(json!({"description": "File uploads to an API"})))
            .await;
        assert_eq!(status, 202, "{job}");
        let (_, chat) = alice.json(Method::POST, "/api/v1/chat/sessions", Some(json!({"model_id": model_id}))).await;
        let (ci_key, _) = rampart_attest::SigningKey::generate().unwrap();
        let (_, signing_key) = alice
            .json(
                Method::POST,
                "/api/v1/signing-keys",
                Some(json!({
                "public_key_pem": ci_key.public_key().to_pem(), "label": "ci"})),
            )
            .await;
        let before = alice.json(Method::GET, &m, None).await.1;

        let (_, doc) = mallory.json(Method::GET, "/api/v1/openapi.json", None).await;
        let mut checked = 0;
        for (path, ops) in doc["paths"].as_object().unwrap() {
            if !path.contains('{') {
                continue;
            }
            for method in ops.as_object().unwrap().keys() {
                let method_upper = method.to_uppercase();
                let url = path
                    .replace("{model_id}", &model_id)
                    .replace("{workspace_id}", &team_id)
                    .replace("{system_id}", system["id"].as_str().unwrap())
                    .replace("{key_id}", key["record"]["id"].as_str().unwrap())
                    .replace("{user_id}", me["user"]["id"].as_str().unwrap())
                    .replace("{version}", "1")
                    .replace("{control_id}", "C1")
                    .replace("{co_id}", "CO1")
                    .replace("{assertion_id}", "EV1")
                    .replace("{finding_id}", "F1")
                    .replace("{job_id}", job["id"].as_str().unwrap())
                    .replace("{session_id}", chat["id"].as_str().unwrap())
                    .replace("{fingerprint}", signing_key["fingerprint"].as_str().unwrap())
                    .replace("{entity_id}", &entity_for(path));
                let url = if path.ends_with("/diff") { format!("{url}?from=1&to=1") } else { url };
                let has_body = ops[method].get("requestBody").is_some();
                let body = if has_body {
                    Some(
                        sample_body(&method_upper, path)
                            .unwrap_or_else(|| panic!("add a sample body for {method_upper} {path}")),
                    )
                } else {
                    None
                };
                let m = Method::from_bytes(method_upper.as_bytes()).unwrap();
                let (status, err) = mallory.json(m, &url, body).await;
                assert_eq!(status, 404, "{method_upper} {path} answered {status}: {err}");
                assert_eq!(err["error"]["code"], "not_found", "{method_upper} {path}");
                checked += 1;
            }
        }
        assert!(checked >= 40, "only {checked} routes checked");

        // Nothing of Alice's changed.
        assert_eq!(alice.json(Method::GET, &m, None).await.1, before);
        assert_eq!(alice.json(Method::GET, &format!("{m}/assertions"), None).await.1.as_array().unwrap().len(), 1);
        assert_eq!(alice.json(Method::GET, &format!("{m}/findings/F1"), None).await.1["state"], "discovered");
        assert!(alice.json(Method::GET, "/api/v1/signing-keys", None).await.1[0].get("revoked_at").is_none());
        assert_eq!(
            alice.json(Method::GET, &format!("/api/v1/workspaces/{team_id}"), None).await.1["name"],
            "Alice's team"
        );
        assert_eq!(
            alice.json(Method::GET, &format!("/api/v1/systems/{}", system["id"].as_str().unwrap()), None).await.0,
            200
        );
        let spare = crate::server::Session { server: server.clone(), key: key["secret"].as_str().unwrap().to_owned() };
        assert_eq!(spare.json(Method::GET, "/api/v1/me", None).await.0, 200);
        assert_eq!(
            alice
                .json(Method::GET, &format!("/api/v1/workspaces/{team_id}/members"), None)
                .await
                .1
                .as_array()
                .unwrap()
                .len(),
            1
        );
        // And Mallory's own lists show nothing of Alice's.
        assert_eq!(mallory.json(Method::GET, "/api/v1/models", None).await.1["items"], json!([]));
        assert_eq!(mallory.json(Method::GET, "/api/v1/systems", None).await.1, json!([]));
        assert_eq!(
            mallory.json(Method::GET, &format!("/api/v1/activity?model_id={model_id}"), None).await.1["items"],
            json!([])
        );
    })
    .await;
}

/// A real entity id of the kind a per-kind path names.
fn entity_for(path: &str) -> String {
    let kind = path.split('/').rev().find(|s| !s.starts_with('{') && *s != "restore").unwrap_or_default();
    match kind {
        "trust-boundaries" => "TB1",
        "components" => "CMP1",
        "assets" => "A1",
        "attackers" => "T1",
        "assumptions" => "AS1",
        "controls" => "C1",
        _ => "X1",
    }
    .to_owned()
}
