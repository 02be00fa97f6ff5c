//! Runs each test once per backend, each time on a fresh database.

use std::future::Future;

use diesel::{Connection, RunQueryDsl};
use rampart_model::{ModelDraft, ThreatModel};
use rampart_store::Store;

/// The admin URL of a PostgreSQL server the tests may create databases on.
fn postgres_admin_url() -> Option<String> {
    match std::env::var("RAMPART_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            // In CI a missing server is a failure, not a skip.
            assert!(std::env::var("CI").is_err(), "CI must provide RAMPART_TEST_POSTGRES_URL");
            eprintln!("\n*** SKIPPING the PostgreSQL backend: RAMPART_TEST_POSTGRES_URL is not set ***\n");
            None
        }
    }
}

fn fresh_postgres_database(admin: &str) -> String {
    let name = format!("rampart_test_{}", uuid_like());
    let mut conn = diesel::PgConnection::establish(admin).expect("connect to the test PostgreSQL");
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).expect("create test database");
    match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("RAMPART_TEST_POSTGRES_URL must end in /DBNAME"),
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}_{}_{}", std::process::id(), nanos, N.fetch_add(1, Ordering::Relaxed))
}

/// Runs `test` against a fresh SQLite file, then a fresh PostgreSQL database.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open(dir.path().join("rampart.db").to_str().unwrap(), 8).await.unwrap();
    test(sqlite).await;
    if let Some(admin) = postgres_admin_url() {
        let url = tokio::task::spawn_blocking(move || fresh_postgres_database(&admin)).await.unwrap();
        let pg = Store::open(&url, 8).await.unwrap();
        test(pg).await;
    }
}

pub fn file_uploads() -> ThreatModel {
    let draft: ModelDraft =
        serde_json::from_str(include_str!("../../../../examples/models/file-uploads.json")).unwrap();
    ThreatModel::create(&draft).unwrap().model
}

/// The next version of a model: one trust boundary added.
pub fn next_version(model: &ThreatModel, label: &str) -> ThreatModel {
    let edit: rampart_model::Edit = serde_json::from_value(serde_json::json!({
        "op": "add_trust_boundary", "boundary": {"description": label}}))
    .unwrap();
    model.apply(&edit, &rampart_model::DeterministicJudge).unwrap().model
}
