//! User text is checked once, by one rule, before it reaches a database:
//! control characters anywhere and bidirectional overrides in names are a
//! 422 naming the field, never a 500 from PostgreSQL, and nothing is stored.
//! Oversized models are refused before their objectives are computed.

use reqwest::Method;
use serde_json::{Value, json};

use crate::server::{each_backend, file_uploads_request};

#[tokio::test(flavor = "multi_thread")]
async fn control_characters_and_bidi_overrides_are_refused_everywhere() {
    each_backend(|server| async move {
        let s = server.user("alice@example.com").await;
        let (_, me) = s.json(Method::GET, "/api/v1/me", None).await;
        let ws = me["workspace"]["id"].as_str().unwrap().to_owned();
        let (_, model) = s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        let m = format!("/api/v1/models/{}", model["id"].as_str().unwrap());
        let (_, chat) = s.json(Method::POST, "/api/v1/chat/sessions", Some(json!({"model_id": model["id"]}))).await;
        let chat = format!("/api/v1/chat/sessions/{}/messages", chat["id"].as_str().unwrap());
        let pem = rampart_attest::SigningKey::generate().unwrap().0.public_key().to_pem();
        let mut model_nul = file_uploads_request();
        model_nul["description"] = json!("uploads\u{0} here");
        let finding = |title: &str, description: &str| {
            json!({"control_id": "C1", "title": title, "description": description, "severity": "low"})
        };
        let cases: Vec<(Method, String, Value, &str)> = vec![
            (Method::POST, "/api/v1/workspaces".into(), json!({"name": "Team\u{0}"}), "name"),
            (Method::PATCH, format!("/api/v1/workspaces/{ws}"), json!({"name": "admin\u{202E}nimda"}), "name"),
            (Method::POST, "/api/v1/systems".into(), json!({"name": "Store\u{1b}[31m"}), "name"),
            (Method::POST, "/api/v1/systems".into(), json!({"name": "Store", "description": "a\u{0}b"}), "description"),
            (Method::POST, "/api/v1/keys".into(), json!({"name": "ci\u{0}"}), "name"),
            (Method::POST, "/api/v1/models".into(), model_nul, "description"),
            (Method::POST, "/api/v1/generations".into(), json!({"description": "uploads \u{0} to S3"}), "description"),
            (Method::POST, chat.clone(), json!({"content": "add an attacker\u{0}"}), "content"),
            (Method::POST, format!("{m}/findings"), finding("t\u{0}", "d"), "title"),
            (Method::POST, format!("{m}/findings"), finding("t", "d\u{0}"), "description"),
            (Method::POST, "/api/v1/signing-keys".into(), json!({"public_key_pem": pem, "label": "ci\u{0}"}), "label"),
            (Method::POST, format!("{m}/assets"), json!({"name": "Files\u{202E}", "security_properties": ["C"]}), "name"),
        ];
        for (method, url, body, field) in cases {
            let (status, err) = s.json(method.clone(), &url, Some(body)).await;
            assert_eq!(status, 422, "{method} {url}: {err}");
            assert!(err["error"]["message"].as_str().unwrap().contains(field), "{method} {url}: {err}");
        }
        // Nothing was stored.
        assert_eq!(s.json(Method::GET, "/api/v1/systems", None).await.1, json!([]));
        assert_eq!(s.json(Method::GET, &format!("{m}/findings"), None).await.1.as_array().map(Vec::len), Some(0));
        assert_eq!(s.json(Method::GET, &format!("{m}/versions"), None).await.1.as_array().map(Vec::len), Some(1));
    })
    .await;
}

/// 1,000 assets × 1,000 attackers would be a million objectives: refused
/// with the limit named, before anything is computed or stored.
#[tokio::test(flavor = "multi_thread")]
async fn a_model_beyond_the_limits_is_refused_up_front() {
    each_backend(|server| async move {
        let s = server.user("alice@example.com").await;
        let assets: Vec<Value> = (1..=1000)
            .map(|i| json!({"id": format!("A{i}"), "name": format!("Store {i}"), "security_properties": ["C"]}))
            .collect();
        let attackers: Vec<Value> = (1..=1000)
            .map(|i| json!({"id": format!("T{i}"), "name": format!("Attacker {i}"), "capability": "acts"}))
            .collect();
        let body = json!({"name": "Huge Model Of Everything", "model": {"assets": assets, "attackers": attackers}});
        let (status, err) = s.json(Method::POST, "/api/v1/models", Some(body)).await;
        assert_eq!(status, 422, "{err}");
        assert_eq!(err["error"]["code"], "limit_exceeded");
        assert_eq!(err["error"]["details"]["limit"], "objectives_per_model");
        assert_eq!(err["error"]["details"]["max"], 10_000);
        assert_eq!(s.json(Method::GET, "/api/v1/models", None).await.1["items"], json!([]));
    })
    .await;
}
