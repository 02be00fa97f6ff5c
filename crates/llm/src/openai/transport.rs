//! The HTTP transport under async-openai, with our own bounded retries.
//!
//! async-openai 0.43 wraps every request in its `OpenAIRetryLayer`: three
//! retries on 429, 5xx and connection errors, backoff fixed at 100 ms doubling
//! to 8 s, and any `Retry-After` honoured however long it is. That would sit
//! underneath any retry loop of ours (multiplying attempts) and cannot be
//! tuned, so an outage would take an unpredictable time to surface. With the
//! `middleware` feature the client accepts a replacement tower service; this
//! is it. async-openai still builds the request (URL, headers, JSON body) and
//! parses the response; this service only sends, retries, and turns a final
//! failure into an [`LlmError`] (carried through `OpenAIError::Boxed`).
//!
//! Policy, all bounded: at most `1 + max_retries` attempts, each limited by
//! the reqwest client's timeout; retries only on 429, 5xx and connection
//! errors, waiting `initial_backoff * 2^n` capped at [`MAX_BACKOFF`], or the
//! server's `Retry-After` seconds when given. A `Retry-After` longer than
//! [`MAX_BACKOFF`] ends the attempts at once (the outage is reported rather
//! than waited out). A timed-out attempt is not retried: a slow provider
//! already used the caller's patience.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use reqwest::{Response, StatusCode};

use crate::error::LlmError;

/// The longest wait between two attempts, whatever the backoff or the server asks.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How much of an error body is kept in the error's reason.
const ERROR_BODY_CHARS: usize = 400;

#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_backoff: Duration,
    /// Only used to word the error; the reqwest client enforces it.
    pub(crate) timeout: Duration,
}

impl RetryPolicy {
    fn backoff(&self, retries_so_far: u32) -> Duration {
        self.initial_backoff.saturating_mul(2_u32.saturating_pow(retries_so_far)).min(MAX_BACKOFF)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RetryingTransport {
    http: reqwest::Client,
    policy: RetryPolicy,
}

impl RetryingTransport {
    pub(crate) fn new(http: reqwest::Client, policy: RetryPolicy) -> Self {
        RetryingTransport { http, policy }
    }
}

type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response, OpenAIError>> + Send + 'static>>;

impl tower::Service<HttpRequestFactory> for RetryingTransport {
    type Response = Response;
    type Error = OpenAIError;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: HttpRequestFactory) -> Self::Future {
        Box::pin(send_with_retries(self.http.clone(), self.policy, request))
    }
}

/// What to do after one attempt.
enum Next {
    Retry(Duration),
    Stop,
    /// The server asked for a longer pause than we are willing to take.
    StopTooLongRetryAfter(u64),
}

async fn send_with_retries(
    http: reqwest::Client,
    policy: RetryPolicy,
    factory: HttpRequestFactory,
) -> Result<Response, OpenAIError> {
    let mut retries = 0_u32;
    loop {
        let request = factory.build().await?;
        let outcome = http.execute(request).await;
        let attempts = retries + 1;
        match decide(&outcome, &policy, retries) {
            Next::Retry(wait) => {
                let status = outcome.as_ref().ok().map(|response| response.status().as_u16());
                tracing::warn!(
                    attempt = attempts,
                    ?status,
                    wait_ms = wait.as_millis() as u64,
                    "LLM provider call failed; retrying"
                );
                tokio::time::sleep(wait).await;
                retries += 1;
            }
            Next::Stop => return finish(outcome, &policy, attempts, None).await,
            Next::StopTooLongRetryAfter(secs) => return finish(outcome, &policy, attempts, Some(secs)).await,
        }
    }
}

fn decide(outcome: &Result<Response, reqwest::Error>, policy: &RetryPolicy, retries_so_far: u32) -> Next {
    let retryable = match outcome {
        Ok(response) => is_transient(response.status()),
        Err(error) => error.is_connect() && !error.is_timeout(),
    };
    if !retryable || retries_so_far >= policy.max_retries {
        return Next::Stop;
    }
    match outcome.as_ref().ok().and_then(retry_after_secs) {
        Some(secs) if Duration::from_secs(secs) > MAX_BACKOFF => Next::StopTooLongRetryAfter(secs),
        Some(secs) => Next::Retry(Duration::from_secs(secs)),
        None => Next::Retry(policy.backoff(retries_so_far)),
    }
}

fn is_transient(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// `Retry-After` in delta-seconds; the HTTP-date form is ignored (backoff applies).
fn retry_after_secs(response: &Response) -> Option<u64> {
    response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

async fn finish(
    outcome: Result<Response, reqwest::Error>,
    policy: &RetryPolicy,
    attempts: u32,
    refused_retry_after: Option<u64>,
) -> Result<Response, OpenAIError> {
    let error = match outcome {
        Ok(response) if response.status().is_success() => return Ok(response),
        Ok(response) => status_error(response, attempts, refused_retry_after).await,
        Err(error) => transport_error(error, policy, attempts),
    };
    Err(OpenAIError::Boxed(Box::new(error)))
}

async fn status_error(response: Response, attempts: u32, refused_retry_after: Option<u64>) -> LlmError {
    let status = response.status();
    let detail = error_detail(response).await;
    if !is_transient(status) {
        return LlmError::Rejected { status: status.as_u16(), reason: detail };
    }
    let reason = match refused_retry_after {
        Some(secs) => format!(
            "HTTP {status}; the provider asked to retry after {secs} s, longer than the {} s we wait: {detail}",
            MAX_BACKOFF.as_secs()
        ),
        None => format!("HTTP {status} after {attempts} attempt(s): {detail}"),
    };
    LlmError::unavailable(reason)
}

fn transport_error(error: reqwest::Error, policy: &RetryPolicy, attempts: u32) -> LlmError {
    if error.is_timeout() {
        return LlmError::unavailable(format!("no complete answer within {:?}", policy.timeout));
    }
    let refused = error.is_connect();
    let description = describe_reqwest_error(error);
    if refused {
        return LlmError::unavailable(format!("could not connect after {attempts} attempt(s): {description}"));
    }
    LlmError::unavailable(format!("transport error: {description}"))
}

/// The provider's error message (`{"error": {"message": …}}`), or the start
/// of the body when it is not in that shape.
async fn error_detail(response: Response) -> String {
    let body = match response.text().await {
        Ok(body) => body,
        Err(error) => return format!("(the error body could not be read: {})", describe_reqwest_error(error)),
    };
    let message = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.pointer("/error/message").and_then(|m| m.as_str()).map(str::to_owned));
    let text = message.unwrap_or(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_owned();
    }
    text.chars().take(ERROR_BODY_CHARS).collect()
}

/// A reqwest error with its causes (its own message is generic; the cause
/// says what happened) and without the URL (configuration, not news).
pub(super) fn describe_reqwest_error(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
