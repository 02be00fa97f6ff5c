//! Two workspaces. Every route that takes an id, called with the other
//! workspace's key, answers 404 and changes nothing. The routes come from the
//! served OpenAPI document, so a route added later cannot escape this test: it
//! fails until the route has a sample body here.

use reqwest::Method;
use serde_json::{Value, json};

use crate::server::{Session, each_backend, file_uploads_request};

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
        ("POST", ["workspaces", _, "invitations"]) => json!({"role": "owner"}),
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

/// What Alice has in her personal workspace, for the intruder to try.
struct Victim {
    workspace_id: String,
    model_id: String,
    team_id: String,
    team_key: String,
    system_id: String,
    key_id: String,
    key_secret: String,
    user_id: String,
    job_id: String,
    session_id: String,
    fingerprint: String,
    invitation_id: String,
}

/// Alice's model, assumption, team, system, spare key, assertion, finding,
/// generation job, chat session and signing key.
async fn alice_things(alice: &Session) -> Victim {
    let (_, model) = alice.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await;
    let model_id = model["id"].as_str().unwrap().to_owned();
    let m = format!("/api/v1/models/{model_id}");
    alice.json(Method::POST, &format!("{m}/assumptions"), Some(json!({"description": "Storage is private"}))).await;
    let (status, team) = alice.json(Method::POST, "/api/v1/workspaces", Some(json!({"name": "Alice's team"}))).await;
    assert_eq!(status, 201, "{team}");
    let (_, system) = alice.json(Method::POST, "/api/v1/systems", Some(json!({"name": "Storefront"}))).await;
    let (_, key) = alice.json(Method::POST, "/api/v1/keys", Some(json!({"name": "spare"}))).await;
    let (_, me) = alice.json(Method::GET, "/api/v1/me", None).await;
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
    let (status, job) =
        alice.json(Method::POST, "/api/v1/generations", Some(json!({"description": "File uploads to an API"}))).await;
    assert_eq!(status, 202, "{job}");
    let (_, chat) = alice.json(Method::POST, "/api/v1/chat/sessions", Some(json!({"model_id": model_id}))).await;
    let (ci_key, _) = rampart_attest::SigningKey::generate().unwrap();
    let pem = ci_key.public_key().to_pem();
    let (_, signing_key) =
        alice.json(Method::POST, "/api/v1/signing-keys", Some(json!({"public_key_pem": pem, "label": "ci"}))).await;
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    let team_key = Session { server: alice.server.clone(), key: text(&team["first_key"]["secret"]) };
    let invitations = format!("/api/v1/workspaces/{}/invitations", text(&team["id"]));
    let (status, invitation) = team_key.json(Method::POST, &invitations, Some(json!({"role": "member"}))).await;
    assert_eq!(status, 201, "{invitation}");
    Victim {
        workspace_id: text(&me["workspace"]["id"]),
        model_id,
        team_id: text(&team["id"]),
        team_key: text(&team["first_key"]["secret"]),
        system_id: text(&system["id"]),
        key_id: text(&key["record"]["id"]),
        key_secret: text(&key["secret"]),
        user_id: text(&me["user"]["id"]),
        job_id: text(&job["id"]),
        session_id: text(&chat["id"]),
        fingerprint: text(&signing_key["fingerprint"]),
        invitation_id: text(&invitation["invitation"]["id"]),
    }
}

/// Calls every templated route of the served document with `intruder`'s key
/// on `alice`'s ids (`workspace_id` naming the workspace to attack): every one
/// answers 404, and nothing of Alice's changed.
async fn every_route_is_a_404(alice: &Session, intruder: &Session, victim: &Victim, workspace_id: &str) {
    let m = format!("/api/v1/models/{}", victim.model_id);
    let before = alice.json(Method::GET, &m, None).await.1;
    let (_, doc) = intruder.json(Method::GET, "/api/v1/openapi.json", None).await;
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        if !path.contains('{') {
            continue;
        }
        for method in ops.as_object().unwrap().keys() {
            let method_upper = method.to_uppercase();
            let url = path
                .replace("{model_id}", &victim.model_id)
                .replace("{workspace_id}", workspace_id)
                .replace("{system_id}", &victim.system_id)
                .replace("{key_id}", &victim.key_id)
                .replace("{user_id}", &victim.user_id)
                .replace("{version}", "1")
                .replace("{control_id}", "C1")
                .replace("{co_id}", "CO1")
                .replace("{assertion_id}", "EV1")
                .replace("{finding_id}", "F1")
                .replace("{job_id}", &victim.job_id)
                .replace("{session_id}", &victim.session_id)
                .replace("{fingerprint}", &victim.fingerprint)
                .replace("{invitation_id}", &victim.invitation_id)
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
            let (status, err) = intruder.json(m, &url, body).await;
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
    let (_, ws) = alice.json(Method::GET, &format!("/api/v1/workspaces/{}", victim.workspace_id), None).await;
    assert_eq!(ws["id"], victim.workspace_id.as_str());
    assert_eq!(alice.json(Method::GET, &format!("/api/v1/systems/{}", victim.system_id), None).await.0, 200);
    let spare = Session { server: alice.server.clone(), key: victim.key_secret.clone() };
    assert_eq!(spare.json(Method::GET, "/api/v1/me", None).await.0, 200);
    let (_, members) =
        alice.json(Method::GET, &format!("/api/v1/workspaces/{}/members", victim.workspace_id), None).await;
    assert_eq!(members.as_array().unwrap().len(), 1);
    // And the intruder's own lists show nothing of Alice's.
    assert_eq!(intruder.json(Method::GET, "/api/v1/models", None).await.1["items"], json!([]));
    assert_eq!(intruder.json(Method::GET, "/api/v1/systems", None).await.1, json!([]));
    let activity = format!("/api/v1/activity?model_id={}", victim.model_id);
    assert_eq!(intruder.json(Method::GET, &activity, None).await.1["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_with_an_id_is_a_404_across_workspaces() {
    each_backend(|server| async move {
        let alice = server.user("alice@example.com").await;
        let mallory = server.user("mallory@example.com").await;
        let victim = alice_things(&alice).await;
        every_route_is_a_404(&alice, &mallory, &victim, &victim.team_id).await;
        let team_key = Session { server: server.clone(), key: victim.team_key.clone() };
        let (_, team) = team_key.json(Method::GET, &format!("/api/v1/workspaces/{}", victim.team_id), None).await;
        assert_eq!(team["name"], "Alice's team");
    })
    .await;
}

/// A key is bound to its workspace: a key of Alice's team workspace reaches
/// nothing in her personal workspace, although she owns both.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_of_another_workspace_of_the_same_user_reaches_nothing() {
    each_backend(|server| async move {
        let alice = server.user("alice@example.com").await;
        let victim = alice_things(&alice).await;
        let (status, team) =
            alice.json(Method::POST, "/api/v1/workspaces", Some(json!({"name": "Side project"}))).await;
        assert_eq!(status, 201, "{team}");
        assert_eq!(team["role"], "owner");
        let team_key =
            Session { server: server.clone(), key: team["first_key"]["secret"].as_str().unwrap().to_owned() };
        let (_, me) = team_key.json(Method::GET, "/api/v1/me", None).await;
        assert_eq!(me["workspace"]["id"], team["id"]);

        every_route_is_a_404(&alice, &team_key, &victim, &victim.workspace_id).await;

        // The routes without an id: the listing shows the key's workspace
        // only, and deleting the account needs a key of the personal one.
        let (_, listed) = team_key.json(Method::GET, "/api/v1/workspaces", None).await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
        assert_eq!(listed[0]["id"], team["id"]);
        let (status, err) = team_key.json(Method::DELETE, "/api/v1/me", None).await;
        assert_eq!(status, 403, "{err}");
        assert_eq!(alice.json(Method::GET, "/api/v1/me", None).await.0, 200);
        let (_, keys) = team_key.json(Method::GET, "/api/v1/keys", None).await;
        assert!(keys.as_array().unwrap().iter().all(|k| k["workspace_id"] == team["id"]), "{keys}");
    })
    .await;
}

/// A key carries at most the role it was created with.
#[tokio::test(flavor = "multi_thread")]
async fn a_member_key_of_an_owner_cannot_manage_the_workspace() {
    each_backend(|server| async move {
        let alice = server.user("alice@example.com").await;
        let (_, me) = alice.json(Method::GET, "/api/v1/me", None).await;
        let ws = me["workspace"]["id"].as_str().unwrap().to_owned();
        let (status, ci) =
            alice.json(Method::POST, "/api/v1/keys", Some(json!({"name": "ci", "role": "member"}))).await;
        assert_eq!(status, 201, "{ci}");
        assert_eq!(ci["record"]["role"], "member");
        let ci = Session { server: server.clone(), key: ci["secret"].as_str().unwrap().to_owned() };
        assert_eq!(ci.json(Method::GET, "/api/v1/me", None).await.1["workspace"]["role"], "member");
        // Work, yes; settings, keys and members, no.
        assert_eq!(ci.json(Method::POST, "/api/v1/models", Some(file_uploads_request())).await.0, 201);
        let (status, _) =
            ci.json(Method::PATCH, &format!("/api/v1/workspaces/{ws}"), Some(json!({"name": "x y"}))).await;
        assert_eq!(status, 403);
        let (status, _) = ci.json(Method::POST, "/api/v1/keys", Some(json!({"name": "up", "role": "owner"}))).await;
        assert_eq!(status, 403);
        let (status, _) = ci.json(Method::POST, "/api/v1/workspaces", Some(json!({"name": "Spawned"}))).await;
        assert_eq!(status, 403);
        assert_eq!(ci.json(Method::DELETE, "/api/v1/me", None).await.0, 403);
        // A key it mints is capped at member as well.
        let (_, minted) = ci.json(Method::POST, "/api/v1/keys", Some(json!({"name": "more"}))).await;
        assert_eq!(minted["record"]["role"], "member");
        // Only Alice's own listing of keys shows the CI key's mint.
        let (_, keys) = ci.json(Method::GET, "/api/v1/keys", None).await;
        assert_eq!(keys.as_array().unwrap().len(), 3, "a member key lists its holder's keys: {keys}");
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
