//! A fake OpenAI-compatible server over real HTTP: it plays a script of
//! replies, records every request and counts calls.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use rampart_llm::{OpenAiCompatible, OpenAiConfig};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

pub const TEST_KEY: &str = "sk-test-secret-key-0123456789";

/// What the server answers to one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with a chat completion whose message content is this text.
    Answer(String),
    /// Any status with a body, optionally with `Retry-After` seconds.
    Status { status: u16, body: String, retry_after: Option<u64> },
    /// 200 with this exact body.
    RawOk(String),
    /// Waits, then answers.
    Slow(Duration, Box<Reply>),
}

impl Reply {
    pub fn answer(text: impl Into<String>) -> Reply {
        Reply::Answer(text.into())
    }

    pub fn status(status: u16) -> Reply {
        let body =
            json!({"error": {"message": format!("scripted {status}"), "type": "test", "param": null, "code": null}});
        Reply::Status { status, body: body.to_string(), retry_after: None }
    }

    pub fn slow(delay: Duration, then: Reply) -> Reply {
        Reply::Slow(delay, Box::new(then))
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
}

impl Recorded {
    /// The content of the message at `index`.
    pub fn message(&self, index: usize) -> &str {
        self.body["messages"][index]["content"].as_str().unwrap_or_default()
    }

    pub fn messages_len(&self) -> usize {
        self.body["messages"].as_array().map_or(0, Vec::len)
    }
}

#[derive(Debug)]
struct ServerState {
    script: Mutex<VecDeque<Reply>>,
    /// Answered once the script is used up.
    fallback: Reply,
    requests: Mutex<Vec<Recorded>>,
}

pub struct FakeServer {
    pub base_url: String,
    state: Arc<ServerState>,
    task: JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    /// Plays `script` in order, then answers 500.
    pub async fn start(script: Vec<Reply>) -> FakeServer {
        Self::serve(script, Reply::Status { status: 500, body: "script exhausted".into(), retry_after: None }).await
    }

    /// Answers every request the same way.
    pub async fn always(reply: Reply) -> FakeServer {
        Self::serve(Vec::new(), reply).await
    }

    async fn serve(script: Vec<Reply>, fallback: Reply) -> FakeServer {
        let state =
            Arc::new(ServerState { script: Mutex::new(script.into()), fallback, requests: Mutex::new(Vec::new()) });
        let app = Router::new()
            .route("/v1/chat/completions", post(chat_completions))
            .fallback(unexpected)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeServer { base_url: format!("http://{address}/v1"), state, task }
    }

    pub fn calls(&self) -> usize {
        self.state.requests.lock().unwrap().len()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn last_request(&self) -> Recorded {
        self.requests().last().cloned().expect("no request was made")
    }

    /// Quick settings for tests: 2 s per attempt, 2 retries from 10 ms.
    pub fn config(&self) -> OpenAiConfig {
        fast_config(&self.base_url)
    }

    pub fn provider(&self) -> OpenAiCompatible {
        OpenAiCompatible::new(self.config()).unwrap()
    }
}

pub fn fast_config(base_url: &str) -> OpenAiConfig {
    let mut config = OpenAiConfig::new(base_url, "test-model").with_api_key(TEST_KEY);
    config.timeout = Duration::from_secs(2);
    config.max_retries = 2;
    config.initial_backoff = Duration::from_millis(10);
    config
}

/// A base URL where nothing listens: bind a port, then let it go.
pub fn dead_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}/v1")
}

async fn chat_completions(
    State(state): State<Arc<ServerState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let model = body["model"].as_str().unwrap_or("fake-model").to_owned();
    state.requests.lock().unwrap().push(Recorded {
        path: uri.path().to_owned(),
        authorization: headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned),
        body,
    });
    let reply = state.script.lock().unwrap().pop_front().unwrap_or_else(|| state.fallback.clone());
    respond(reply, &model).await
}

async fn unexpected(State(state): State<Arc<ServerState>>, uri: Uri) -> Response {
    state.requests.lock().unwrap().push(Recorded {
        path: uri.path().to_owned(),
        authorization: None,
        body: Value::Null,
    });
    (StatusCode::NOT_FOUND, format!("no route for {}", uri.path())).into_response()
}

async fn respond(reply: Reply, model: &str) -> Response {
    let mut reply = reply;
    while let Reply::Slow(delay, then) = reply {
        tokio::time::sleep(delay).await;
        reply = *then;
    }
    match reply {
        Reply::Answer(content) => {
            (StatusCode::OK, [("content-type", "application/json")], completion(&content, model)).into_response()
        }
        Reply::RawOk(body) => (StatusCode::OK, [("content-type", "application/json")], body).into_response(),
        Reply::Status { status, body, retry_after } => {
            let mut response = (StatusCode::from_u16(status).unwrap(), body).into_response();
            if let Some(secs) = retry_after {
                response.headers_mut().insert("retry-after", secs.to_string().parse().unwrap());
            }
            response
        }
        Reply::Slow(..) => unreachable!("unwrapped above"),
    }
}

/// Usage every scripted answer reports.
pub const PROMPT_TOKENS: u64 = 11;
pub const COMPLETION_TOKENS: u64 = 7;

fn completion(content: &str, model: &str) -> String {
    json!({
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS, "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS}
    })
    .to_string()
}
