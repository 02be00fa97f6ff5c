//! Users, workspaces, members, API keys.

use rampart_store::{Role, StoreError};

use crate::backends::each_backend;

#[tokio::test(flavor = "multi_thread")]
async fn a_user_gets_a_personal_workspace_that_cannot_be_deleted() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user(" Alice@Example.com ", "Alice").await.unwrap();
        assert_eq!(alice.email, "alice@example.com");
        assert!(ws.personal);
        let (_, role) = store.workspace_for(&ws.id, &alice.id).await.unwrap();
        assert_eq!(role, Role::Owner);
        assert!(matches!(store.delete_workspace(&ws.id).await, Err(StoreError::Conflict(_))));
        assert!(matches!(store.create_user("alice@example.com", "Other").await, Err(StoreError::Conflict(_))));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_user_cascades_and_passes_team_workspaces_on() {
    each_backend(|store| async move {
        let (alice, personal) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let (bob, _) = store.create_user("bob@example.com", "Bob").await.unwrap();
        let shared = store.create_team_workspace(&alice.id, "Payments team").await.unwrap();
        let solo = store.create_team_workspace(&alice.id, "Alice's lab").await.unwrap();
        store.set_member(&shared.id, &bob.id, Role::Member).await.unwrap();
        store
            .create_model(&personal.id, &alice.id, "Private Upload Service", "", &crate::backends::file_uploads())
            .await
            .unwrap();

        store.delete_user(&alice.id).await.unwrap();
        assert!(matches!(store.get_user(&alice.id).await, Err(StoreError::NotFound(_))));
        assert!(store.list_models(&personal.id, None, None, 50).await.unwrap().items.is_empty(), "personal data gone");
        assert!(matches!(store.workspace_for(&solo.id, &bob.id).await, Err(StoreError::NotFound(_))));
        let (_, role) = store.workspace_for(&shared.id, &bob.id).await.unwrap();
        assert_eq!(role, Role::Owner, "the shared workspace passed to Bob");
        let workspaces = store.workspaces_of(&bob.id).await.unwrap();
        assert_eq!(workspaces.len(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workspace_keeps_an_owner() {
    each_backend(|store| async move {
        let (alice, _) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let team = store.create_team_workspace(&alice.id, "Team").await.unwrap();
        assert!(matches!(store.remove_member(&team.id, &alice.id).await, Err(StoreError::Conflict(_))));
        assert!(matches!(store.set_member(&team.id, &alice.id, Role::Member).await, Err(StoreError::Conflict(_))));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_keys_are_found_by_hash_and_stop_working_when_revoked_or_the_member_leaves() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let (bob, _) = store.create_user("bob@example.com", "Bob").await.unwrap();
        let team = store.create_team_workspace(&alice.id, "Team").await.unwrap();
        store.set_member(&team.id, &bob.id, Role::Member).await.unwrap();

        let k1 = store.create_api_key(&ws.id, &alice.id, "laptop", "rp_abc", "hash-1").await.unwrap();
        let k2 = store.create_api_key(&team.id, &bob.id, "ci", "rp_def", "hash-2").await.unwrap();
        assert_eq!(store.find_api_key("hash-1").await.unwrap().unwrap().id, k1.id);
        assert!(store.find_api_key("hash-x").await.unwrap().is_none());
        // A key for a workspace one is not a member of cannot be made.
        assert!(matches!(
            store.create_api_key(&ws.id, &bob.id, "x", "rp_x", "hash-3").await,
            Err(StoreError::NotFound(_))
        ));

        store.remove_member(&team.id, &bob.id).await.unwrap();
        assert!(store.find_api_key("hash-2").await.unwrap().is_none());
        assert!(store.list_api_keys(&team.id).await.unwrap()[0].revoked_at.is_some());
        let _ = k2;

        store.revoke_api_key(&ws.id, &k1.id).await.unwrap();
        assert!(store.find_api_key("hash-1").await.unwrap().is_none());
        assert!(matches!(store.revoke_api_key(&ws.id, &k1.id).await, Err(StoreError::NotFound(_))));
    })
    .await;
}
