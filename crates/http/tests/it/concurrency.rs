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

/// Structural edits, factor edits, metadata changes and evidence racing on
/// one model, none with `If-Match`: every write lands, and none is dropped by
/// another (a factor or CAL change committed while an edit was computing its
/// next version used to vanish from that version).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_writes_of_every_kind_lose_nothing() {
    each_backend(|server| async move {
        let s = server.user("alice@example.com").await;
        let (_, model) = s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        let m = format!("/api/v1/models/{}", model["id"].as_str().unwrap());
        // 2 assets × 5 attackers: CO1..CO10.
        for i in 0..3 {
            let body = json!({"name": format!("Extra Attacker {i}"), "capability": "probes the API"});
            assert_eq!(s.json(Method::POST, &format!("{m}/attackers"), Some(body)).await.0, 201);
        }
        let factor_edits = [
            ("A1", "confidentiality", "Low"),
            ("A1", "availability", "High"),
            ("A1", "blast_radius", "Cascading"),
            ("A1", "recoverability", "Permanent"),
            ("A1", "regulatory_scope", "Legal"),
            ("A2", "integrity", "High"),
            ("A2", "availability", "Low"),
            ("A2", "blast_radius", "Cascading"),
            ("A2", "recoverability", "Permanent"),
            ("A2", "regulatory_scope", "Legal"),
        ];
        let mut writes = Vec::new();
        for (i, (subject, factor, value)) in factor_edits.into_iter().enumerate() {
            writes.push((
                Method::POST,
                format!("{m}/assets"),
                json!({"name": format!("Racing Asset {i}"), "security_properties": ["I"]}),
            ));
            writes.push((
                Method::POST,
                format!("{m}/factors"),
                json!({"subject": subject, "factors": {factor: value}, "change_reason": format!("race {i}")}),
            ));
            writes.push((
                Method::PUT,
                format!("{m}/metadata"),
                json!({"field": "cal", "co_id": format!("CO{}", i + 1), "cal": i % 4 + 1}),
            ));
            writes.push((
                Method::POST,
                format!("{m}/assertions"),
                json!({"subject_id": "C1", "assertions": [
                    {"type": "function_exists", "params": {"file": format!("app{i}.py"), "name": "scan"}}]}),
            ));
        }
        let racing = writes.into_iter().map(|(method, url, body)| {
            let s = s.clone();
            tokio::spawn(async move {
                let (status, answer) = s.json(method.clone(), &url, Some(body)).await;
                (status, format!("{method} {url}: {answer}"))
            })
        });
        for (status, what) in join_all(racing).await.into_iter().map(|r| r.unwrap()) {
            assert!((200..300).contains(&status), "{status} {what}");
        }

        let (_, live) = s.json(Method::GET, &m, None).await;
        let asset_names: Vec<&str> =
            live["snapshot"]["assets"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
        for i in 0..10 {
            assert!(asset_names.contains(&format!("Racing Asset {i}").as_str()), "asset {i} lost: {asset_names:?}");
        }
        assert_eq!(live["snapshot"]["version"], 14, "3 attackers and 10 assets after version 1");
        for (subject, factor, value) in factor_edits {
            let asset = live["snapshot"]["assets"].as_array().unwrap().iter().find(|a| a["id"] == subject).unwrap();
            assert_eq!(asset["impact"][factor], value, "factor {subject}.{factor} lost");
        }
        for i in 0..10 {
            let co = live["snapshot"]["control_objectives"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == format!("CO{}", i + 1))
                .unwrap();
            assert_eq!(co["cal"], i % 4 + 1, "CAL of CO{} lost", i + 1);
        }
        let (_, assertions) = s.json(Method::GET, &format!("{m}/assertions"), None).await;
        assert_eq!(assertions.as_array().unwrap().len(), 10, "{assertions}");
    })
    .await;
}

/// Without `If-Match` the caller asked for "apply to whatever is current":
/// 200 concurrent adds all land, one version each, none refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_adds_without_if_match_all_land() {
    each_backend(|server| async move {
        let s = server.user("alice@example.com").await;
        let (_, model) = s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        let m = format!("/api/v1/models/{}", model["id"].as_str().unwrap());
        let adds = (0..200).map(|i| {
            let (s, url) = (s.clone(), format!("{m}/trust-boundaries"));
            tokio::spawn(
                async move { s.json(Method::POST, &url, Some(json!({"description": format!("Zone {i}")}))).await },
            )
        });
        for (status, body) in join_all(adds).await.into_iter().map(|r| r.unwrap()) {
            assert_eq!(status, 201, "{body}");
        }
        let (_, versions) = s.json(Method::GET, &format!("{m}/versions"), None).await;
        assert_eq!(versions.as_array().unwrap().len(), 201);
    })
    .await;
}

/// Posture is served from a cache while the model is unchanged, and every
/// kind of write shows in the very next read.
#[tokio::test(flavor = "multi_thread")]
async fn a_cached_posture_never_outlives_a_write() {
    each_backend(|server| async move {
        let s = server.user("alice@example.com").await;
        let (_, model) = s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        let m = format!("/api/v1/models/{}", model["id"].as_str().unwrap());
        let total = |page: &serde_json::Value| page["summary"]["total"].as_u64().unwrap();
        let (_, first) = s.json(Method::GET, &format!("{m}/posture"), None).await;
        let (_, again) = s.json(Method::GET, &format!("{m}/posture"), None).await;
        assert_eq!(first, again);
        // A structural edit: two more objectives.
        let body = json!({"name": "Insider", "capability": "reads the bucket"});
        assert_eq!(s.json(Method::POST, &format!("{m}/attackers"), Some(body)).await.0, 201);
        let (_, after_edit) = s.json(Method::GET, &format!("{m}/posture"), None).await;
        assert_eq!(total(&after_edit), total(&first) + 2, "{after_edit}");
        // A factor edit changes ratings: the tier of CO1 follows at once.
        let tier_of = |page: &serde_json::Value| {
            page["objectives"].as_array().unwrap().iter().find(|o| o["co_id"] == "CO1").unwrap()["rating"].clone()
        };
        let before = tier_of(&after_edit);
        let factors = json!({"subject": "A1", "factors": {"confidentiality": "None", "integrity": "None",
            "availability": "None", "blast_radius": "Isolated", "recoverability": "Trivial", "regulatory_scope": "None"},
            "change_reason": "public data"});
        assert_eq!(s.json(Method::POST, &format!("{m}/factors"), Some(factors)).await.0, 201);
        let (_, after_factors) = s.json(Method::GET, &format!("{m}/posture"), None).await;
        assert_ne!(tier_of(&after_factors), before, "{after_factors}");
    })
    .await;
}
