//! Chat end to end over HTTP: a feature described in a new session becomes a
//! model; targeted adds, property edits and removals make versions; a
//! question makes none; a removed attacker added again comes back with its
//! id; regenerated controls fold into the existing ones.

use reqwest::Method;
use serde_json::{Value, json};

use crate::server::each_backend;

async fn say(s: &crate::server::Session, session: &str, content: &str) -> Value {
    let (status, reply) = s
        .json(Method::POST, &format!("/api/v1/chat/sessions/{session}/messages"), Some(json!({"content": content})))
        .await;
    assert_eq!(status, 201, "{content}: {reply}");
    reply
}

#[tokio::test(flavor = "multi_thread")]
async fn chat_refines_a_generated_model() {
    each_backend(|server| async move {
        let worker = server.app.clone();
        let stop = std::sync::Arc::new(tokio::sync::Notify::new());
        let handle = tokio::spawn({
            let stop = stop.clone();
            async move {
                let mut config = rampart_app::WorkerConfig::new("chat-worker");
                config.poll = std::time::Duration::from_millis(50);
                worker.run_worker(config, async move { stop.notified().await }).await;
            }
        });
        let s = server.user("chat@example.com").await;
        let (status, session) = s.json(Method::POST, "/api/v1/chat/sessions", Some(json!({}))).await;
        assert_eq!(status, 201, "{session}");
        let sid = session["id"].as_str().unwrap().to_owned();

        let reply = say(
            &s,
            &sid,
            "We are adding file uploads to our REST API. Signed-in users upload PDFs and images \
            up to 50 MB, which we store in a private S3 bucket.",
        )
        .await;
        let job = reply["job"]["id"].as_str().unwrap().to_owned();
        let mut model_id = Value::Null;
        for _ in 0..200 {
            let (_, history) = s.json(Method::GET, &format!("/api/v1/chat/sessions/{sid}"), None).await;
            if !history["session"]["model_id"].is_null() {
                model_id = history["session"]["model_id"].clone();
                assert!(
                    history["messages"].as_array().unwrap().last().unwrap()["content"]
                        .as_str()
                        .unwrap()
                        .contains("Created the model")
                );
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let m = format!("/api/v1/models/{}", model_id.as_str().unwrap_or_else(|| panic!("job {job} made no model")));
        let version = |model: &Value| model["current_version"].as_u64().unwrap();
        let (_, v1) = s.json(Method::GET, &m, None).await;
        assert_eq!(version(&v1), 1);

        // A question: answered from the model, no new version.
        let reply = say(&s, &sid, "What protects the Uploaded Files?").await;
        assert!(reply.get("version").is_none(), "{reply}");
        assert!(reply["messages"][1]["content"].as_str().unwrap().contains("Uploaded Files"), "{reply}");
        assert_eq!(version(&s.json(Method::GET, &m, None).await.1), 1);

        // A targeted add: a new attacker, its objectives, and controls for them.
        let reply = say(&s, &sid, "Add an insider threat attacker with database access").await;
        let added_version = reply["version"].as_u64().unwrap_or_else(|| panic!("{reply}"));
        assert!(added_version >= 2);
        let (_, model) = s.json(Method::GET, &m, None).await;
        let insider = model["snapshot"]["attackers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"].as_str().unwrap().to_lowercase().contains("insider"))
            .cloned()
            .unwrap_or_else(|| panic!("{model}"));
        let insider_id = insider["id"].as_str().unwrap().to_owned();

        // A property edit: a new version without availability on the asset.
        let reply = say(&s, &sid, "Remove the availability property from the Uploaded Files asset").await;
        assert!(reply["version"].as_u64().unwrap() > added_version, "{reply}");
        let (_, model) = s.json(Method::GET, &m, None).await;
        let files = model["snapshot"]["assets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "Uploaded Files")
            .unwrap()
            .clone();
        assert!(!files["security_properties"].as_array().unwrap().iter().any(|p| p == "A"), "{files}");

        // Remove the attacker, then add it again: the same id comes back.
        let reply = say(&s, &sid, &format!("Remove attacker {insider_id}")).await;
        assert!(reply["version"].is_u64(), "{reply}");
        let (_, model) = s.json(Method::GET, &m, None).await;
        assert!(
            model["snapshot"]["attackers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == insider_id.as_str() && a["removed"] == true)
        );
        let reply = say(&s, &sid, "Add an insider threat attacker with database access").await;
        let effects = reply["messages"][1]["meta"]["effects"].as_array().cloned().unwrap_or_default();
        assert!(effects.iter().any(|e| e["effect"] == "reanimated" && e["id"] == insider_id.as_str()), "{reply}");

        // Regenerating the controls folds every one into an existing control.
        let (_, before) = s.json(Method::GET, &m, None).await;
        let reply = say(&s, &sid, "Regenerate the controls").await;
        let (_, after) = s.json(Method::GET, &m, None).await;
        assert_eq!(
            after["snapshot"]["controls"].as_array().unwrap().len(),
            before["snapshot"]["controls"].as_array().unwrap().len(),
            "{reply}"
        );

        // The whole conversation is kept.
        let (_, history) = s.json(Method::GET, &format!("/api/v1/chat/sessions/{sid}"), None).await;
        assert!(history["messages"].as_array().unwrap().len() >= 13);
        let (status, err) =
            s.json(Method::POST, &format!("/api/v1/chat/sessions/{sid}/messages"), Some(json!({"content": " "}))).await;
        assert_eq!((status, err["error"]["code"].as_str()), (422, Some("invalid_message")));
        stop.notify_one();
        handle.await.unwrap();
    })
    .await;
}
