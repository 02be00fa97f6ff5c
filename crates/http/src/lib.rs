//! Rampart's REST surface: the axum router under `/api/v1`, the OpenAPI
//! document built from the same route table, health, readiness and metrics.
//!
//! Handlers are thin: they parse, call [`rampart_app::App`], and shape the
//! answer. Errors always leave as `{"error": {"code", "message", "details"}}`.

// Handlers, extractors and the route table are `pub` inside private modules:
// the crate exports only `router`, `routes` and `openapi`.
#![allow(unreachable_pub)]

mod error;
mod extract;
mod handlers;
pub mod openapi;
mod ops;
pub mod routes;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use rampart_app::App;

pub use error::ApiError;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The whole HTTP application.
pub fn router(app: App) -> Router {
    let mut router: Router<App> = Router::new();
    for route in routes::routes() {
        router = router.route(&route.path, route.handler);
    }
    router
        .fallback(|| async { ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(axum::http::StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed here")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(ops::record))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            use axum::response::IntoResponse;
            ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal", "an internal error occurred")
                .into_response()
        }))
        .with_state(app)
}
