//! A real server on a loopback port, per backend.

use std::future::Future;

use rampart_app::App;
use reqwest::{Client, Method, Response};
use serde_json::Value;

/// A running server and a client holding one workspace's key.
#[derive(Clone)]
pub struct Server {
    pub base: String,
    pub app: App,
    pub http: Client,
}

#[derive(Clone)]
pub struct Session {
    pub server: Server,
    pub key: String,
}

impl Server {
    pub async fn start(app: App) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = rampart_http::router(app.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Server { base: format!("http://{addr}"), app, http: Client::new() }
    }

    /// A new user with their personal workspace and a key for it.
    pub async fn user(&self, email: &str) -> Session {
        let created = self.app.operator_create_user(email, email).await.unwrap();
        Session { server: self.clone(), key: created.key.secret }
    }
}

impl Session {
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        let mut req = self.server.http.request(method, format!("{}{path}", self.server.base)).bearer_auth(&self.key);
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.unwrap()
    }

    /// Calls and returns (status, JSON body or null). Every answer is checked
    /// against the served OpenAPI document first.
    pub async fn json(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let res = self.call(method.clone(), path, body.as_ref()).await;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        crate::conformance::check(method.as_str(), path, status, &text);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// Runs `test` against a server on a fresh SQLite file, then on a fresh
/// PostgreSQL database.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Server) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let sqlite = App::open(dir.path().join("rampart.db").to_str().unwrap(), 8).await.unwrap();
    test(Server::start(sqlite).await).await;
    if let Some(admin) = rampart_app::testing::postgres_admin_url() {
        let url = tokio::task::spawn_blocking(move || rampart_app::testing::fresh_postgres_database(&admin))
            .await
            .unwrap()
            .unwrap();
        test(Server::start(App::open(&url, 8).await.unwrap()).await).await;
    }
}

pub fn file_uploads_request() -> Value {
    let model: Value = serde_json::from_str(include_str!("../../../../examples/models/file-uploads.json")).unwrap();
    serde_json::json!({"name": "File Upload API", "description": "Customers upload files to an API.", "model": model})
}
