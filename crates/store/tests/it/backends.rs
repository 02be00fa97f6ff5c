//! Runs each test once per backend, each time on a fresh database.

use std::future::Future;

use rampart_model::{ModelDraft, ThreatModel};
use rampart_store::Store;
use rampart_store::testing::{fresh_postgres_database, postgres_admin_url};

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
        let url = tokio::task::spawn_blocking(move || fresh_postgres_database(&admin)).await.unwrap().unwrap();
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
