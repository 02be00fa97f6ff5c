//! Concurrent edits over HTTP: one wins, the others get 409.

use futures::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::server::{each_backend, file_uploads_request};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_edits_against_one_version() {
    each_backend(|server| async move {
        let s = server.user("alice@example.com").await;
        let (_, model) = s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        let m = format!("/api/v1/models/{}", model["id"].as_str().unwrap());
        let attempts = (0..20).map(|i| {
            let (s, m) = (s.clone(), m.clone());
            tokio::spawn(async move {
                s.server
                    .http
                    .post(format!("{}{m}/trust-boundaries", s.server.base))
                    .bearer_auth(&s.key)
                    .header("if-match", "1")
                    .json(&json!({"description": format!("Boundary {i}")}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        });
        let mut statuses: Vec<u16> = join_all(attempts).await.into_iter().map(|r| r.unwrap()).collect();
        statuses.sort_unstable();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19, "{statuses:?}");
        let (_, versions) = s.json(Method::GET, &format!("{m}/versions"), None).await;
        let numbers: Vec<u64> = versions.as_array().unwrap().iter().map(|v| v["version"].as_u64().unwrap()).collect();
        assert_eq!(numbers, [1, 2]);
    })
    .await;
}
