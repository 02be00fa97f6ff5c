//! A fake OpenAI-compatible server that plays every generation step: it
//! reads which answer is asked for from the request's schema name, records
//! every request, counts the calls in flight, and can be told to fail.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sensible answers for every step.
    Good,
    /// 500 on every call.
    Outage,
    /// Not JSON, ever.
    Garbage,
}

#[derive(Default)]
pub struct Seen {
    pub requests: Mutex<Vec<Value>>,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
}

pub struct FakeLlm {
    pub base_url: String,
    pub seen: Arc<Seen>,
}

impl FakeLlm {
    pub fn calls(&self) -> usize {
        self.seen.requests.lock().unwrap().len()
    }
}

#[derive(Clone)]
struct Shared {
    mode: Mode,
    latency: Duration,
    seen: Arc<Seen>,
}

fn answer_for(schema: &str, user: &str) -> Value {
    match schema {
        s if s.contains("AssetsAnswer") => json!({"assets": [
            {"name": "Uploaded Files", "description": "Files users upload.", "properties": ["C", "I"],
             "impact": {"confidentiality": "High", "integrity": "High", "availability": "Low", "usage": "None",
                        "blast_radius": "Multiplicative", "recoverability": "Manageable", "regulatory_scope": "Notification"}},
            {"name": "Session Tokens", "description": "Bearer tokens of signed-in users.", "properties": ["C", "U"],
             "impact": {"confidentiality": "High", "integrity": "Low", "availability": "None", "usage": "High",
                        "blast_radius": "Isolated", "recoverability": "Trivial", "regulatory_scope": "None"}}]}),
        s if s.contains("AttackersAnswer") => json!({"attackers": [
            {"name": "External Network Attacker", "capability": "Sends arbitrary requests to the API",
             "position": "on the internet", "archetype": "external",
             "likelihood": {"attack_vector": "Network", "privileges_required": "None", "attack_complexity": "Low",
                            "user_interaction": "None", "capability_prevalence": "Commodity"}},
            {"name": "Malicious Uploader", "capability": "Uploads crafted files as a signed-in user",
             "position": "a signed-in user", "archetype": "authenticated user",
             "likelihood": {"attack_vector": "Network", "privileges_required": "Low", "attack_complexity": "Low",
                            "user_interaction": "None", "capability_prevalence": "Commodity"}}]}),
        s if s.contains("NameAnswer") => json!({"name": "File Upload API"}),
        s if s.contains("StructureAnswer") => json!({
            "assets_to_drop": [], "attackers_to_drop": [],
            "trust_boundaries": [{"key": "TB1", "description": "Internet to the upload API", "passes": ["Network"],
                                  "crossing_assets": ["Uploaded Files", "Session Tokens"]}],
            "components": [{"name": "Upload API", "trust_boundaries": ["TB1"], "assets": ["Uploaded Files", "Session Tokens"]}],
            "attacker_positions": [{"attacker": "External Network Attacker", "trust_boundaries": ["TB1"]},
                                   {"attacker": "Malicious Uploader", "trust_boundaries": ["TB1"]}]}),
        s if s.contains("ControlsAnswer") => {
            let objectives: Vec<Value> = user
                .lines()
                .filter_map(|l| l.split_once(':').map(|(id, _)| id.trim()))
                .filter(|id| id.starts_with("CO") && id[2..].chars().all(|c| c.is_ascii_digit()))
                .map(|id| json!({"objective": id, "group": 1}))
                .collect();
            json!({"controls": [
                {"description": "Check the caller's session and ownership on every upload and download request",
                 "objectives": objectives, "framework_refs": ["OWASP-ASVS-5.0:V8.2.1"]}]})
        }
        s if s.contains("SufficiencyAnswer") => json!({"sufficient": false,
            "uncovered": [{"clause": "log every rejected upload", "suggestion": "assert the rejection path calls the audit logger"}],
            "misaligned_assertion_ids": []}),
        s if s.contains("IdentityAnswer") => json!({"verdict": "same"}),
        other => json!({"unexpected": other}),
    }
}

async fn chat(State(shared): State<Shared>, Json(req): Json<Value>) -> Response {
    let now = shared.seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
    shared.seen.requests.lock().unwrap().push(req.clone());
    tokio::time::sleep(shared.latency).await;
    shared.seen.in_flight.fetch_sub(1, Ordering::SeqCst);
    let content = match shared.mode {
        Mode::Outage => return (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response(),
        Mode::Garbage => "I think the model should have some assets.".to_owned(),
        Mode::Good => {
            let schema = req["response_format"]["json_schema"]["name"].as_str().unwrap_or_default();
            let user = req["messages"][1]["content"].as_str().unwrap_or_default();
            answer_for(schema, user).to_string()
        }
    };
    Json(json!({
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000, "model": req["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}
    }))
    .into_response()
}

pub async fn start(mode: Mode, latency: Duration) -> FakeLlm {
    let seen = Arc::new(Seen::default());
    let app = axum::Router::new().route("/v1/chat/completions", axum::routing::post(chat)).with_state(Shared {
        mode,
        latency,
        seen: seen.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FakeLlm { base_url, seen }
}
