//! The Rampart server, as the CLI sees it: a few JSON calls with the API key.

use std::time::Duration;

use reqwest::{Client, Method};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The most of an error body shown.
const MAX_ERROR_BODY: usize = 2000;

#[derive(Debug)]
pub(crate) struct Server {
    base: String,
    key: String,
    http: Client,
}

/// A failed call, in words that say what to do.
#[derive(Debug)]
pub(crate) enum CallError {
    /// The server could not be reached or did not answer in time.
    Unreachable(String),
    /// The server answered with an error.
    Refused { status: u16, code: String, message: String },
    /// The answer was not what this version expects.
    Unexpected(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Unreachable(m) => write!(f, "server unreachable: {m}"),
            CallError::Refused { status, code, message } => write!(f, "server refused ({status} {code}): {message}"),
            CallError::Unexpected(m) => write!(f, "unexpected answer from the server: {m}"),
        }
    }
}

impl Server {
    pub(crate) fn new(base: &str, key: &str) -> Result<Server, String> {
        let base = base.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(format!("--server must be an http:// or https:// URL, not `{base}`"));
        }
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("rampart/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Server { base: base.to_owned(), key: key.to_owned(), http })
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T, CallError> {
        let mut req = self.http.request(method, format!("{}/api/v1{path}", self.base)).bearer_auth(&self.key);
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.map_err(|e| CallError::Unreachable(e.to_string()))?;
        let status = res.status().as_u16();
        let text = res.text().await.map_err(|e| CallError::Unreachable(e.to_string()))?;
        if status >= 400 {
            let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let code = parsed["error"]["code"].as_str().unwrap_or("error").to_owned();
            let mut message = parsed["error"]["message"].as_str().map_or_else(|| text.clone(), str::to_owned);
            if !parsed["error"]["details"].is_null() {
                message.push_str(&format!(" {}", parsed["error"]["details"]));
            }
            message.truncate(MAX_ERROR_BODY);
            return Err(CallError::Refused { status, code, message });
        }
        serde_json::from_str(&text).map_err(|e| CallError::Unexpected(e.to_string()))
    }

    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, CallError> {
        self.call(Method::GET, path, None::<&()>).await
    }

    pub(crate) async fn post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T, CallError> {
        self.call(Method::POST, path, Some(body)).await
    }
}
