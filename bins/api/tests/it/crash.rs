//! kill -9 during a stream of writes: after a restart every acknowledged write
//! is there and no version is half-written. Both backends.

use serde_json::{Value, json};

use crate::process::start;

async fn get_json(http: &reqwest::Client, url: &str, key: &str) -> Value {
    http.get(url).bearer_auth(key).send().await.unwrap().json().await.unwrap()
}

fn crash_during_writes(database_url: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let server = start(database_url);
    let key = server.key.clone().expect("first start prints a key");
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let model: Value = serde_json::from_str(include_str!("../../../../examples/models/file-uploads.json")).unwrap();
    let (model_id, acked) = runtime.block_on(async {
        let created: Value = http
            .post(format!("{base}/api/v1/models"))
            .bearer_auth(&key)
            .json(&json!({"name": "File Upload API", "model": model}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        // Four writers in parallel; the server is killed while they run.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        for w in 0..4 {
            let (http, base, key, id, tx) = (http.clone(), base.clone(), key.clone(), id.clone(), tx.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let label = format!("Boundary {w}-{i}");
                    let res = http
                        .post(format!("{base}/api/v1/models/{id}/trust-boundaries"))
                        .bearer_auth(&key)
                        .json(&json!({"description": label}))
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status() == 201 => {
                            if tx.send(label).is_err() {
                                break;
                            }
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            });
        }
        drop(tx);
        let mut acked = Vec::new();
        while acked.len() < 40 {
            acked.push(rx.recv().await.unwrap());
        }
        (id, acked)
    });
    server.kill_9();

    let server = start(database_url);
    assert!(server.key.is_none(), "a restart creates no new first user");
    let base = server.base.clone();
    runtime.block_on(async {
        let current: Value = get_json(&http, &format!("{base}/api/v1/models/{model_id}"), &key).await;
        let boundaries: Vec<&str> = current["snapshot"]["trust_boundaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["description"].as_str().unwrap())
            .collect();
        for label in &acked {
            assert!(boundaries.contains(&label.as_str()), "acknowledged write {label} was lost");
        }
        let n = current["current_version"].as_u64().unwrap();
        assert!(n as usize > acked.len(), "{n} versions for {} acknowledged writes", acked.len());
        assert_eq!(boundaries.len() as u64, 2 + (n - 1), "one boundary per version, none half-applied");
        // Every version is present, contiguous, and matches its content hash.
        let versions: Value = get_json(&http, &format!("{base}/api/v1/models/{model_id}/versions"), &key).await;
        let numbers: Vec<u64> = versions.as_array().unwrap().iter().map(|v| v["version"].as_u64().unwrap()).collect();
        assert_eq!(numbers, (1..=n).collect::<Vec<_>>());
        for v in 1..=n {
            let res = http
                .get(format!("{base}/api/v1/models/{model_id}/versions/{v}"))
                .bearer_auth(&key)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "version {v} unreadable after the crash");
        }
    });
    server.kill_9();
}

#[test]
fn kill_9_during_writes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    crash_during_writes(dir.path().join("rampart.db").to_str().unwrap());
}

#[test]
fn kill_9_during_writes_on_postgres() {
    if let Some(admin) = rampart_app::testing::postgres_admin_url() {
        crash_during_writes(&rampart_app::testing::fresh_postgres_database(&admin).unwrap());
    }
}
