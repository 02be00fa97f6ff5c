//! Every workspace-scoped call with another workspace's id behaves as if the
//! id did not exist, and changes nothing.

use rampart_store::StoreError;

use crate::backends::{each_backend, file_uploads, next_version};

fn not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) {
    assert!(matches!(r, Err(StoreError::NotFound(_))), "expected not found, got {r:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn foreign_ids_are_not_found_and_change_nothing() {
    each_backend(|store| async move {
        let (alice, a_ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let (mallory, m_ws) = store.create_user("mallory@example.com", "Mallory").await.unwrap();
        let v1 = file_uploads();
        let model = store.create_model(&a_ws.id, &alice.id, "File Upload API", "", &v1).await.unwrap();
        let system = store.create_system(&a_ws.id, "Storefront", "").await.unwrap();
        let key = store.create_api_key(&a_ws.id, &alice.id, "ci", None, "rp_a", "hash-a").await.unwrap();
        let before = store.get_version(&a_ws.id, &model.id, None).await.unwrap();

        // Mallory, in her own workspace, names Alice's ids.
        let ws = &m_ws.id;
        not_found(store.get_model(ws, &model.id).await);
        not_found(store.get_version(ws, &model.id, None).await);
        not_found(store.list_versions(ws, &model.id).await);
        not_found(store.append_version(ws, &model.id, &mallory.id, &next_version(&v1, "x"), vec![], None).await);
        not_found(store.rename_model(ws, &model.id, &mallory.id, "Stolen Upload Service").await);
        not_found(store.delete_model(ws, &model.id, &mallory.id).await);
        not_found(store.list_factor_revisions(ws, &model.id).await);
        not_found(store.list_metadata(ws, &model.id).await);
        not_found(store.live_model(ws, &model.id).await);
        not_found(store.get_system(ws, &system.id).await);
        not_found(store.delete_system(ws, &system.id).await);
        not_found(store.set_model_system(ws, &model.id, None).await);
        not_found(store.revoke_api_key(ws, &key.id).await);
        not_found(store.workspace_for(&a_ws.id, &mallory.id).await);
        assert!(store.list_models(ws, None, None, 50).await.unwrap().items.is_empty());
        assert!(store.list_activity(ws, Some(&model.id), None, 50).await.unwrap().items.is_empty());
        assert!(store.list_api_keys(ws).await.unwrap().is_empty());
        assert!(store.list_systems(ws).await.unwrap().is_empty());

        // Nothing of Alice's changed.
        let after = store.get_version(&a_ws.id, &model.id, None).await.unwrap();
        assert_eq!(before, after);
        assert_eq!(store.get_model(&a_ws.id, &model.id).await.unwrap().name, "File Upload API");
        assert!(store.find_api_key("hash-a").await.unwrap().is_some());
        assert_eq!(store.list_systems(&a_ws.id).await.unwrap().len(), 1);
    })
    .await;
}
