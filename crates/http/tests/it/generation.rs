//! Describe a feature, get a model: a generation job over HTTP, run by a
//! worker beside the server, followed over SSE.

use reqwest::Method;
use serde_json::{Value, json};

use crate::server::each_backend;

/// Reads an SSE stream to its end: (event name, data) pairs.
async fn follow(s: &crate::server::Session, job_id: &str) -> Vec<(String, Value)> {
    let res = s.call(Method::GET, &format!("/api/v1/jobs/{job_id}/stream"), None).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let text =
        tokio::time::timeout(std::time::Duration::from_secs(30), res.text()).await.expect("the stream ends").unwrap();
    text.split("\n\n")
        .filter_map(|block| {
            let mut name = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event: ") {
                    name = Some(v.to_owned());
                }
                if let Some(v) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(v).ok();
                }
            }
            Some((name?, data?))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_description_becomes_a_model() {
    each_backend(|server| async move {
        let worker = server.app.clone();
        let stop = tokio_util_stop();
        let handle = tokio::spawn({
            let stop = stop.clone();
            async move {
                let mut config = rampart_app::WorkerConfig::new("test-worker");
                config.poll = std::time::Duration::from_millis(50);
                worker.run_worker(config, async move { stop.notified().await }).await;
            }
        });
        let s = server.user("gen@example.com").await;
        let description = "We are adding file uploads to our REST API. Signed-in users upload PDFs and images up to 50 MB, \
            stored in a private S3 bucket and served back through short-lived presigned URLs.";
        let (status, job) = s
            .json(Method::POST, "/api/v1/generations", Some(json!({"description": description, "idempotency_key": "k1"})))
            .await;
        assert_eq!(status, 202, "{job}");
        let job_id = job["id"].as_str().unwrap().to_owned();
        let (status, again) = s
            .json(Method::POST, "/api/v1/generations", Some(json!({"description": description, "idempotency_key": "k1"})))
            .await;
        assert_eq!((status, again["id"].as_str()), (202, Some(job_id.as_str())), "same key, same job");

        let events = follow(&s, &job_id).await;
        let steps: Vec<&str> =
            events.iter().filter(|(n, _)| n == "step").map(|(_, d)| d["step"].as_str().unwrap()).collect();
        assert_eq!(steps, vec!["patterns", "assets", "attackers", "structure", "objectives", "controls", "name", "done"]);
        let (end, finished) = events.last().unwrap();
        assert_eq!((end.as_str(), finished["state"].as_str()), ("end", Some("succeeded")), "{finished}");
        let model_id = finished["result"]["model_id"].as_str().unwrap();
        let (_, model) = s.json(Method::GET, &format!("/api/v1/models/{model_id}"), None).await;
        assert_eq!(model["current_version"], 1);
        assert_eq!(model["name"], "S3 File Upload Service");
        assert!(model["snapshot"]["assets"].as_array().unwrap().iter().any(|a| a["name"] == "Uploaded Files"));
        assert!(!model["snapshot"]["controls"].as_array().unwrap().is_empty());

        // The same feature again: the name is made unique.
        let (_, second) = s.json(Method::POST, "/api/v1/generations", Some(json!({"description": description}))).await;
        let events = follow(&s, second["id"].as_str().unwrap()).await;
        assert_eq!(events.last().unwrap().1["result"]["name"], "S3 File Upload Service 2");

        // Bad input: a clear 422, no job.
        let (status, err) = s.json(Method::POST, "/api/v1/generations", Some(json!({"description": "   "}))).await;
        assert_eq!((status, err["error"]["code"].as_str()), (422, Some("invalid_description")));
        stop.notify_one();
        handle.await.unwrap();
    })
    .await;
}

fn tokio_util_stop() -> std::sync::Arc<tokio::sync::Notify> {
    std::sync::Arc::new(tokio::sync::Notify::new())
}
