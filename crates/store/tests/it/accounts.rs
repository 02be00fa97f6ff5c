//! Users, workspaces, members, API keys.

use rampart_store::{Accepter, KeyMaterial, Role, Store, StoreError};

use crate::backends::each_backend;

fn material(tag: &str) -> KeyMaterial {
    KeyMaterial { prefix: format!("rk_{tag}"), hash: format!("hash-{tag}") }
}

fn in_a_week() -> chrono::NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::days(7)).naive_utc()
}

/// `user_id` joins `workspace_id` by invitation (the one way in).
async fn join(store: &Store, workspace_id: &str, inviter: &str, user_id: &str, role: Role) {
    let tag = format!("{workspace_id}-{user_id}");
    store.create_invitation(workspace_id, role, None, inviter, &format!("token-{tag}"), in_a_week()).await.unwrap();
    let accepter = Accepter::Existing { user_id: user_id.to_owned() };
    store
        .accept_invitation(&format!("token-{tag}"), accepter, material(&tag), material(&format!("{tag}-p")))
        .await
        .unwrap();
}

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
        join(&store, &shared.id, &alice.id, &bob.id, Role::Member).await;
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
        join(&store, &team.id, &alice.id, &bob.id, Role::Member).await;

        let k1 = store.create_api_key(&ws.id, &alice.id, "laptop", None, "rp_abc", "hash-1").await.unwrap();
        let k2 = store.create_api_key(&team.id, &bob.id, "ci", None, "rp_def", "hash-2").await.unwrap();
        assert_eq!(store.find_api_key("hash-1").await.unwrap().unwrap().0.id, k1.id);
        assert!(store.find_api_key("hash-x").await.unwrap().is_none());
        // A key for a workspace one is not a member of cannot be made.
        assert!(matches!(
            store.create_api_key(&ws.id, &bob.id, "x", None, "rp_x", "hash-3").await,
            Err(StoreError::NotFound(_))
        ));

        store.remove_member(&team.id, &bob.id).await.unwrap();
        assert!(store.find_api_key("hash-2").await.unwrap().is_none());
        assert!(store.list_api_keys(&team.id).await.unwrap().iter().all(|k| k.revoked_at.is_some()));
        let _ = k2;

        store.revoke_api_key(&ws.id, &k1.id).await.unwrap();
        assert!(store.find_api_key("hash-1").await.unwrap().is_none());
        assert!(matches!(store.revoke_api_key(&ws.id, &k1.id).await, Err(StoreError::NotFound(_))));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invitation_is_used_once_before_it_expires_by_whom_it_names() {
    each_backend(|store| async move {
        let (alice, personal) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let (bob, _) = store.create_user("bob@example.com", "Bob").await.unwrap();
        let team = store.create_team_workspace(&alice.id, "Team").await.unwrap();
        let week = in_a_week();
        // Not into a personal workspace.
        let into_personal = store.create_invitation(&personal.id, Role::Member, None, &alice.id, "t0", week).await;
        assert!(matches!(into_personal, Err(StoreError::Conflict(_))));

        // For Carol only: Bob cannot use it, a newcomer with her email can, once.
        store
            .create_invitation(&team.id, Role::Member, Some("Carol@Example.com"), &alice.id, "t1", week)
            .await
            .unwrap();
        let bob_tries = store
            .accept_invitation("t1", Accepter::Existing { user_id: bob.id.clone() }, material("b"), material("bp"))
            .await;
        assert!(matches!(bob_tries, Err(StoreError::Conflict(_))), "{bob_tries:?}");
        let carol = Accepter::New { email: "carol@example.com".into(), display_name: "Carol".into() };
        let accepted = store.accept_invitation("t1", carol.clone(), material("c"), material("cp")).await.unwrap();
        assert_eq!(accepted.invitation.accepted_by.as_deref(), Some(accepted.user.id.as_str()));
        assert_eq!(accepted.workspace_key.workspace_id, team.id);
        assert!(accepted.personal_key.is_some());
        let (found, role) = store.find_api_key("hash-c").await.unwrap().unwrap();
        assert_eq!((found.workspace_id.as_str(), role), (team.id.as_str(), Role::Member));
        let again = store.accept_invitation("t1", carol, material("c2"), material("c2p")).await;
        assert!(matches!(again, Err(StoreError::NotFound(_))), "used once");

        // Expired and revoked tokens are not found either.
        let past = (chrono::Utc::now() - chrono::Duration::seconds(1)).naive_utc();
        store.create_invitation(&team.id, Role::Owner, None, &alice.id, "t2", past).await.unwrap();
        let expired = store
            .accept_invitation("t2", Accepter::Existing { user_id: bob.id.clone() }, material("e"), material("ep"))
            .await;
        assert!(matches!(expired, Err(StoreError::NotFound(_))));
        let revoked = store.create_invitation(&team.id, Role::Owner, None, &alice.id, "t3", week).await.unwrap();
        store.revoke_invitation(&team.id, &revoked.id).await.unwrap();
        let after = store
            .accept_invitation("t3", Accepter::Existing { user_id: bob.id.clone() }, material("r"), material("rp"))
            .await;
        assert!(matches!(after, Err(StoreError::NotFound(_))));
        assert!(store.workspace_for(&team.id, &bob.id).await.is_err(), "Bob never got in");
        assert_eq!(store.list_invitations(&team.id).await.unwrap().len(), 3);
    })
    .await;
}
