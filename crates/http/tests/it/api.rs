//! The API end to end: models, versions, direct entity edits, factors,
//! metadata, assessment, activity, and the error format.

use reqwest::Method;
use serde_json::{Value, json};

use crate::server::{each_backend, file_uploads_request};

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_walkthrough_over_http() {
    each_backend(|server| async move {
        let s = server.user("alice@example.com").await;
        let (status, created) = s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["current_version"], 1);
        assert_eq!(created["snapshot"]["control_objectives"].as_array().unwrap().len(), 4);
        let m = format!("/api/v1/models/{id}");

        // Add an attacker: version 2, two new objectives.
        let (status, out) = s
            .json(Method::POST, &format!("{m}/attackers"), Some(json!({
                "name": "Malicious Operator", "capability": "Shell on the storage hosts", "trust_boundary_ids": ["TB2"]})))
            .await;
        assert_eq!(status, 201, "{out}");
        assert_eq!(out["version"]["version"], 2);
        assert!(out["effects"].as_array().unwrap().iter().any(|e| e["effect"] == "objectives_added"));

        // Identity change refused; wording fix applied.
        let (status, err) =
            s.json(Method::PATCH, &format!("{m}/assets/A2"), Some(json!({"name": "CI Attestation Bundle"}))).await;
        assert_eq!((status, error_code(&err)), (409, "identity_change"), "{err}");
        let (status, _) =
            s.json(Method::PATCH, &format!("{m}/assets/A2"), Some(json!({"name": "Session Bearer Tokens"}))).await;
        assert_eq!(status, 200);

        // Soft-delete and restore the attacker: same objective ids.
        assert_eq!(s.json(Method::DELETE, &format!("{m}/attackers/T3"), None).await.0, 200);
        let (status, out) = s.json(Method::POST, &format!("{m}/attackers/T3/restore"), None).await;
        assert_eq!(status, 200, "{out}");
        assert_eq!(out["version"]["version"], 5);

        // Factor edit: no new version, a history entry.
        let (status, rev) = s
            .json(Method::POST, &format!("{m}/factors"), Some(json!({
                "subject": "A2", "factors": {"integrity": "High"}, "change_reason": "tokens can delete files"})))
            .await;
        assert_eq!(status, 201, "{rev}");
        let (_, model) = s.json(Method::GET, &m, None).await;
        assert_eq!(model["current_version"], 5);
        assert_eq!(model["snapshot"]["assets"][1]["impact"]["integrity"], "High");
        let (status, history) = s.json(Method::GET, &format!("{m}/control-objectives/CO3/factor-history"), None).await;
        assert_eq!(status, 200, "{history}");
        assert_eq!(history.as_array().unwrap().len(), 5);
        assert_eq!(history[4]["steps"][0]["change_reason"], "tokens can delete files");
        let (status, err) = s
            .json(Method::POST, &format!("{m}/factors"), Some(json!({"subject": "A2", "factors": {"integrity": "Low"}, "change_reason": " "})))
            .await;
        assert_eq!(status, 422, "{err}");

        // Metadata: CAL without a version.
        let (status, _) = s.json(Method::PUT, &format!("{m}/metadata"), Some(json!({"field": "cal", "co_id": "CO1", "cal": 3}))).await;
        assert_eq!(status, 204);
        let (status, err) = s.json(Method::PUT, &format!("{m}/metadata"), Some(json!({"field": "cal", "co_id": "CO1", "cal": 9}))).await;
        assert_eq!((status, error_code(&err)), (422, "invalid_field"), "{err}");

        // Versions and diffs.
        let (_, versions) = s.json(Method::GET, &format!("{m}/versions"), None).await;
        assert_eq!(versions.as_array().unwrap().len(), 5);
        let (status, diff) = s.json(Method::GET, &format!("{m}/diff?from=1&to=5"), None).await;
        assert_eq!(status, 200);
        assert_eq!(diff["attackers"]["added"], json!(["T3"]));
        let (_, v1) = s.json(Method::GET, &format!("{m}/versions/1"), None).await;
        assert_eq!(v1["snapshot"]["assets"][1]["name"], "Session Tokens", "history is as it was");

        // Assessment.
        let (status, assessment) = s.json(Method::GET, &format!("{m}/assessment"), None).await;
        assert_eq!(status, 200);
        assert_eq!(assessment["posture"]["summary"]["total"], 6);
        let (_, page) = s.json(Method::GET, &format!("{m}/posture?status=at_risk&limit=2"), None).await;
        assert_eq!(page["objectives"].as_array().unwrap().len(), 2);
        let cursor = page["next_cursor"].as_str().unwrap().to_owned();
        let (_, rest) = s.json(Method::GET, &format!("{m}/posture?status=at_risk&limit=50&cursor={cursor}"), None).await;
        assert_eq!(
            page["objectives"].as_array().unwrap().len() + rest["objectives"].as_array().unwrap().len(),
            assessment["posture"]["summary"]["at_risk"].as_u64().unwrap() as usize
        );
        assert_eq!(s.json(Method::GET, &format!("{m}/reachability"), None).await.0, 200);
        assert_eq!(s.json(Method::GET, &format!("{m}/coherence"), None).await.0, 200);
        assert_eq!(s.json(Method::GET, &format!("{m}/orphaned-controls"), None).await.1, json!([]));

        // Activity names what changed.
        let (_, feed) = s.json(Method::GET, &format!("/api/v1/activity?model_id={id}&limit=50"), None).await;
        let actions: Vec<&str> = feed["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
        for expected in [
            "model_created",
            "attacker_added",
            "asset_edited",
            "attacker_soft_deleted",
            "attacker_restored",
            "factors_edited",
            "cal_set",
        ] {
            assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_clear_and_never_500() {
    each_backend(|server| async move {
        let s = server.user("bob@example.com").await;
        // No or bad key.
        let res = server.http.get(format!("{}/api/v1/models", server.base)).send().await.unwrap();
        assert_eq!(res.status(), 401);
        let res =
            server.http.get(format!("{}/api/v1/models", server.base)).bearer_auth("rk_nope").send().await.unwrap();
        assert_eq!(res.status(), 401);

        // Malformed JSON names line and column.
        let res = server
            .http
            .post(format!("{}/api/v1/models", server.base))
            .bearer_auth(&s.key)
            .header("content-type", "application/json")
            .body("{\n  \"name\": \"x\",\n  oops\n}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.unwrap();
        assert_eq!(error_code(&body), "invalid_json");
        assert_eq!(body["error"]["details"], json!({"line": 3, "column": 3}));

        // Unknown fields are named.
        let mut req = file_uploads_request();
        req["model"]["assets"][0]["colour"] = json!("blue");
        let (status, err) = s.json(Method::POST, "/api/v1/models", Some(req)).await;
        assert_eq!(status, 400);
        assert!(err["error"]["message"].as_str().unwrap().contains("unknown field `colour`"), "{err}");

        // Names: 3–5 words, unique.
        let mut req = file_uploads_request();
        req["name"] = json!("Uploads");
        let (status, err) = s.json(Method::POST, "/api/v1/models", Some(req)).await;
        assert_eq!((status, error_code(&err)), (422, "invalid_name"));
        assert_eq!(s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await.0, 201);
        let (status, err) = s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        assert_eq!((status, error_code(&err)), (409, "name_taken"));

        // Unknown ids: a path id is a 404; a body reference a 422.
        let (_, list) = s.json(Method::GET, "/api/v1/models", None).await;
        let m = format!("/api/v1/models/{}", list["items"][0]["id"].as_str().unwrap());
        assert_eq!(s.json(Method::PATCH, &format!("{m}/assets/A9"), Some(json!({"notes": "x"}))).await.0, 404);
        assert_eq!(s.json(Method::PATCH, &format!("{m}/assets/T1"), Some(json!({"notes": "x"}))).await.0, 404);
        assert_eq!(s.json(Method::GET, "/api/v1/models/nope", None).await.0, 404);
        let (status, err) = s
            .json(
                Method::POST,
                &format!("{m}/assets"),
                Some(json!({"name": "Audit Log", "security_properties": ["I"], "component_ids": ["CMP9"]})),
            )
            .await;
        assert_eq!((status, error_code(&err)), (422, "unknown_id"), "{err}");
        let (status, err) = s
            .json(
                Method::POST,
                &format!("{m}/assets"),
                Some(json!({"name": "Audit Log", "security_properties": ["Q"]})),
            )
            .await;
        assert_eq!(status, 400);
        assert!(err["error"]["message"].as_str().unwrap().contains("unknown security property `Q`"), "{err}");

        // The last live attacker stays.
        assert_eq!(s.json(Method::DELETE, &format!("{m}/attackers/T1"), None).await.0, 200);
        let (status, err) = s.json(Method::DELETE, &format!("{m}/attackers/T2"), None).await;
        assert_eq!((status, error_code(&err)), (409, "last_live_entity"));

        // Stale If-Match.
        let res = s
            .server
            .http
            .patch(format!("{}{m}/assets/A1", s.server.base))
            .bearer_auth(&s.key)
            .header("if-match", "\"1\"")
            .json(&json!({"notes": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);

        // Oversized bodies. The server closes a connection whose body it did not
        // read, so this request gets a client of its own.
        let huge = json!({"name": "x".repeat(2 * 1024 * 1024 + 4096)});
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/keys", server.base))
            .bearer_auth(&s.key)
            .json(&huge)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413);
        let err: Value = res.json().await.unwrap();
        assert_eq!(error_code(&err), "payload_too_large");

        // Unknown routes and methods answer in the same format.
        let (status, err) = s.json(Method::GET, "/api/v1/nothing-here", None).await;
        assert_eq!((status, error_code(&err)), (404, "not_found"));
        let (status, err) = s.json(Method::PUT, "/api/v1/models", None).await;
        assert_eq!((status, error_code(&err)), (405, "method_not_allowed"));

        // Health, readiness, metrics.
        assert_eq!(s.json(Method::GET, "/healthz", None).await.0, 200);
        assert_eq!(s.json(Method::GET, "/readyz", None).await.0, 200);
        let metrics = server.http.get(format!("{}/metrics", server.base)).send().await.unwrap().text().await.unwrap();
        assert!(
            metrics.contains("rampart_http_requests_total{method=\"POST\",route=\"/api/v1/models\",status=\"201\"}"),
            "{metrics}"
        );
        assert!(!metrics.contains(&s.key), "keys never appear in metrics");
        // Made-up methods from anyone do not make new series.
        for verb in ["FROB", "XYZZY1", "XYZZY2"] {
            let method = Method::from_bytes(verb.as_bytes()).unwrap();
            let res = server.http.request(method, format!("{}/api/v1/models", server.base)).send().await.unwrap();
            assert!(res.status().is_client_error(), "{verb}: {}", res.status());
        }
        let metrics = server.http.get(format!("{}/metrics", server.base)).send().await.unwrap().text().await.unwrap();
        assert!(!metrics.contains("FROB") && !metrics.contains("XYZZY"), "{metrics}");
        assert!(metrics.contains("method=\"other\""), "{metrics}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_are_shown_once_and_revocable() {
    each_backend(|server| async move {
        let s = server.user("carol@example.com").await;
        let (status, created) = s.json(Method::POST, "/api/v1/keys", Some(json!({"name": "ci"}))).await;
        assert_eq!(status, 201);
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("rk_") && secret.len() == 43);
        let (_, keys) = s.json(Method::GET, "/api/v1/keys", None).await;
        let text = keys.to_string();
        assert!(!text.contains(&secret) && !text.contains("hash"), "listing never shows a secret or hash: {text}");
        let other = crate::server::Session { server: server.clone(), key: secret };
        assert_eq!(other.json(Method::GET, "/api/v1/me", None).await.0, 200);
        let id = created["record"]["id"].as_str().unwrap();
        assert_eq!(s.json(Method::DELETE, &format!("/api/v1/keys/{id}"), None).await.0, 204);
        assert_eq!(other.json(Method::GET, "/api/v1/me", None).await.0, 401);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn team_workspaces_members_grades_and_account_deletion() {
    each_backend(|server| async move {
        let alice = server.user("alice@example.com").await;
        let alice_personal = alice.key.clone();
        let bob = server.user("bob@example.com").await;
        let (_, bob_me) = bob.json(Method::GET, "/api/v1/me", None).await;
        let bob_id = bob_me["user"]["id"].as_str().unwrap().to_owned();

        let (status, team) =
            alice.json(Method::POST, "/api/v1/workspaces", Some(json!({"name": "Payments team"}))).await;
        assert_eq!(status, 201);
        let t = format!("/api/v1/workspaces/{}", team["id"].as_str().unwrap());
        // Alice's personal key is bound to her personal workspace; the team
        // comes with its own first key.
        assert_eq!(alice.json(Method::GET, &t, None).await.0, 404);
        let alice = crate::server::Session {
            server: server.clone(),
            key: team["first_key"]["secret"].as_str().unwrap().to_owned(),
        };
        // Bob is not a member yet: the workspace does not exist for him, and
        // an owner cannot pull him in without his consent.
        assert_eq!(bob.json(Method::GET, &t, None).await.0, 404);
        let (status, _) =
            alice.json(Method::PUT, &format!("{t}/members/{bob_id}"), Some(json!({"role": "member"}))).await;
        assert_eq!(status, 404);
        // He joins by invitation, accepted with his own key; that gives him a
        // key for the team.
        let (status, invitation) = alice
            .json(
                Method::POST,
                &format!("{t}/invitations"),
                Some(json!({"role": "member", "email": "Bob@Example.com"})),
            )
            .await;
        assert_eq!(status, 201, "{invitation}");
        let token = invitation["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("ri_"));
        let (_, listed) = alice.json(Method::GET, &format!("{t}/invitations"), None).await;
        assert!(!listed.to_string().contains(&token), "the token is shown once");
        let (status, accepted) =
            bob.json(Method::POST, "/api/v1/invitations/accept", Some(json!({"token": token}))).await;
        assert_eq!(status, 201, "{accepted}");
        assert_eq!(accepted["workspace"]["role"], "member");
        assert!(accepted.get("personal_key").is_none());
        let (status, _) = bob.json(Method::POST, "/api/v1/invitations/accept", Some(json!({"token": token}))).await;
        assert_eq!(status, 404, "used once");
        let bob = crate::server::Session {
            server: server.clone(),
            key: accepted["key"]["secret"].as_str().unwrap().to_owned(),
        };
        assert_eq!(bob.json(Method::GET, &t, None).await.1["role"], "member");
        // Someone with no account accepts with their email and name.
        let (_, open) = alice.json(Method::POST, &format!("{t}/invitations"), Some(json!({"role": "member"}))).await;
        let anonymous = server.http.post(format!("{}/api/v1/invitations/accept", server.base));
        let res = anonymous
            .json(&json!({"token": open["token"], "email": "dan@example.com", "display_name": "Dan"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let dan: serde_json::Value = res.json().await.unwrap();
        assert!(dan["personal_key"]["secret"].as_str().unwrap().starts_with("rk_"));
        let dan =
            crate::server::Session { server: server.clone(), key: dan["key"]["secret"].as_str().unwrap().to_owned() };
        assert_eq!(dan.json(Method::GET, "/api/v1/me", None).await.1["workspace"]["id"], team["id"]);
        let (_, dan_me) = dan.json(Method::GET, "/api/v1/me", None).await;
        let dan_id = dan_me["user"]["id"].as_str().unwrap().to_owned();
        assert_eq!(alice.json(Method::DELETE, &format!("{t}/members/{dan_id}"), None).await.0, 204);
        assert_eq!(dan.json(Method::GET, "/api/v1/me", None).await.0, 401, "leaving revokes the key");

        // Grades are settings: members read, owners write; values are bounded.
        assert_eq!(
            alice.json(Method::PUT, &format!("{t}/grades"), Some(json!({"target_ml": 3, "csf_tier": 2}))).await.0,
            204
        );
        assert_eq!(bob.json(Method::GET, &format!("{t}/grades"), None).await.1, json!({"target_ml": 3, "csf_tier": 2}));
        let (status, err) = bob.json(Method::PUT, &format!("{t}/grades"), Some(json!({"target_ml": 1}))).await;
        assert_eq!((status, error_code(&err)), (403, "forbidden"));
        assert_eq!(alice.json(Method::PUT, &format!("{t}/grades"), Some(json!({"csf_tier": 5}))).await.0, 422);
        // Members cannot manage members or delete the workspace.
        assert_eq!(bob.json(Method::PATCH, &t, Some(json!({"name": "Mine now"}))).await.0, 403);
        assert_eq!(bob.json(Method::DELETE, &t, None).await.0, 403);

        // Alice deletes her account (with her personal key; the team key
        // cannot): the team passes to Bob, her personal data goes.
        let bob_team = bob.clone();
        assert_eq!(alice.json(Method::DELETE, "/api/v1/me", None).await.0, 403);
        let alice_home = server_session(&server, &alice_personal);
        assert_eq!(alice_home.json(Method::DELETE, "/api/v1/me", None).await.0, 204);
        assert_eq!(alice.json(Method::GET, "/api/v1/me", None).await.0, 401, "her keys died with her");
        let (_, me) = bob_team.json(Method::GET, "/api/v1/me", None).await;
        assert_eq!(me["workspace"]["role"], "owner", "{me}");
        assert_eq!(bob_team.json(Method::GET, &format!("{t}/members"), None).await.1.as_array().unwrap().len(), 1);
    })
    .await;
}

fn server_session(server: &crate::server::Server, key: &str) -> crate::server::Session {
    crate::server::Session { server: server.clone(), key: key.to_owned() }
}

/// The generic edit route answers as its document says: 201 with the new
/// version, 409 when the edit no longer applies (both checked against the
/// served document by the test session).
#[tokio::test(flavor = "multi_thread")]
async fn the_edit_route_answers_as_documented() {
    each_backend(|server| async move {
        let s = server.user("erin@example.com").await;
        let (_, model) = s.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
        let edits = format!("/api/v1/models/{}/edits", model["id"].as_str().unwrap());
        let (status, outcome) = s.json(Method::POST, &edits, Some(json!({"op": "remove", "id": "C3"}))).await;
        assert_eq!(status, 201, "{outcome}");
        assert_eq!(outcome["version"]["version"], 2);
        let (status, err) = s.json(Method::POST, &edits, Some(json!({"op": "remove", "id": "C3"}))).await;
        assert_eq!((status, error_code(&err)), (409, "already_removed"), "{err}");
    })
    .await;
}
