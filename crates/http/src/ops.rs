//! Health, readiness, metrics and the OpenAPI document.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rampart_app::App;
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Serialize, JsonSchema)]
pub struct Health {
    pub status: &'static str,
}

pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

pub async fn readyz(State(app): State<App>) -> Response {
    match app.ready().await {
        Ok(()) => Json(Health { status: "ready" }).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "unavailable" })).into_response()
        }
    }
}

pub async fn openapi() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let body = DOC.get_or_init(|| crate::openapi::document().to_string());
    ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
}

/// (method, route template, status).
type SeriesKey = (String, String, u16);

/// Request count and total seconds of one series.
#[derive(Debug, Default, Clone, Copy)]
struct Series {
    count: u64,
    seconds: f64,
}

/// Request counts and total latency per series.
#[derive(Debug, Default, Clone)]
pub struct Metrics(Arc<Mutex<BTreeMap<SeriesKey, Series>>>);

fn registry() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::default)
}

/// The method as a metrics label: the standard methods by name, anything
/// else (any token a client sends, unauthenticated) as one value, so clients
/// cannot create series without bound.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware: records every request under its route template (never the raw
/// path, which would carry ids).
pub async fn record(req: Request, next: Next) -> Response {
    let method = method_label(req.method()).to_owned();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    let elapsed = started.elapsed().as_secs_f64();
    if let Ok(mut map) = registry().0.lock() {
        let series = map.entry((method, route, response.status().as_u16())).or_default();
        series.count += 1;
        series.seconds += elapsed;
    }
    response
}

pub async fn metrics() -> Response {
    let mut out = String::from(
        "# HELP rampart_http_requests_total HTTP requests by route and status.\n# TYPE rampart_http_requests_total counter\n",
    );
    let mut seconds = String::from(
        "# HELP rampart_http_request_seconds_total Time spent answering, by route and status.\n# TYPE rampart_http_request_seconds_total counter\n",
    );
    if let Ok(map) = registry().0.lock() {
        for ((method, route, status), Series { count, seconds: total }) in map.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\",status=\"{status}\"", route.replace('"', "'"));
            out.push_str(&format!("rampart_http_requests_total{{{labels}}} {count}\n"));
            seconds.push_str(&format!("rampart_http_request_seconds_total{{{labels}}} {total:.6}\n"));
        }
    }
    out.push_str(&seconds);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
