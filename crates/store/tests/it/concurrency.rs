//! Concurrent writers against one expected version: exactly one wins.

use futures::future::join_all;
use rampart_store::StoreError;

use crate::backends::{each_backend, file_uploads, next_version};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_edits_of_one_version_one_wins() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let v1 = file_uploads();
        let model = store.create_model(&ws.id, &alice.id, "File Upload API", "", &v1).await.unwrap();
        let attempts = (0..20).map(|i| {
            let (store, ws, id, actor) = (store.clone(), ws.id.clone(), model.id.clone(), alice.id.clone());
            let next = next_version(&v1, &format!("Boundary {i}"));
            tokio::spawn(async move { store.append_version(&ws, &id, &actor, &next, vec![], None).await })
        });
        let results: Vec<_> = join_all(attempts).await.into_iter().map(|r| r.unwrap()).collect();
        let wins = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results.iter().filter(|r| matches!(r, Err(StoreError::VersionConflict { .. }))).count();
        assert_eq!((wins, conflicts), (1, 19), "{results:?}");
        let versions = store.list_versions(&ws.id, &model.id).await.unwrap();
        assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(store.get_model(&ws.id, &model.id).await.unwrap().current_version, 2);
        // The stored version 2 is exactly one of the attempts, intact.
        let v2 = store.get_version(&ws.id, &model.id, Some(2)).await.unwrap();
        assert_eq!(v2.model.trust_boundaries.len(), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_snapshot_is_reported_as_corrupt() {
    use diesel::{Connection, RunQueryDsl};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rampart.db");
    let store = rampart_store::Store::open(path.to_str().unwrap(), 2).await.unwrap();
    let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
    let model = store.create_model(&ws.id, &alice.id, "File Upload API", "", &file_uploads()).await.unwrap();
    let mut raw = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    diesel::sql_query("UPDATE model_versions SET snapshot = replace(snapshot, 'Uploaded Files', 'Uploaded Filez')")
        .execute(&mut raw)
        .unwrap();
    assert!(matches!(store.get_version(&ws.id, &model.id, None).await, Err(StoreError::Corrupt(_))));
}

/// The first AI requests of a day, recorded at once (a generation's first
/// round asks three questions concurrently): every one is counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_usage_records_all_count() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let records = (0..8).map(|_| {
            let (store, ws, user) = (store.clone(), ws.id.clone(), alice.id.clone());
            tokio::spawn(async move { store.record_ai_usage(&ws, &user, "2026-12-07", 1, 10, 5).await })
        });
        for r in join_all(records).await {
            r.unwrap().unwrap();
        }
        assert_eq!(store.ai_requests_on(&alice.id, "2026-12-07").await.unwrap(), 8);
    })
    .await;
}
