//! Models, versions, revisions, metadata, activity.

use chrono::TimeZone;
use rampart_model::{MetadataChange, diff};
use rampart_risk::{FactorPatch, FactorSubject, ImpactPatch, RevisionRequest, Subscore};
use rampart_store::{NewActivity, StoreError};

use crate::backends::{each_backend, file_uploads, next_version};

#[tokio::test(flavor = "multi_thread")]
async fn versions_are_immutable_snapshots_checked_against_their_hash() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let v1 = file_uploads();
        let m = store.create_model(&ws.id, &alice.id, "File Upload API", "uploads", &v1).await.unwrap();
        assert_eq!(m.current_version, 1);
        let v2 = next_version(&v1, "Admin VPN");
        let event = NewActivity {
            actor_user_id: Some(alice.id.clone()),
            action: "trust_boundary_added".into(),
            model_id: Some(m.id.clone()),
            entity_id: Some("TB3".into()),
            details: serde_json::json!({}),
        };
        store.append_version(&ws.id, &m.id, &alice.id, &v2, vec![event], None).await.unwrap();

        let current = store.get_version(&ws.id, &m.id, None).await.unwrap();
        assert_eq!(current.model, v2);
        assert_eq!(current.summary.content_hash, v2.content_hash());
        let first = store.get_version(&ws.id, &m.id, Some(1)).await.unwrap();
        assert_eq!(first.model, v1);
        assert_eq!(diff(&first.model, &current.model).trust_boundaries.added, ["TB3"]);
        let versions = store.list_versions(&ws.id, &m.id).await.unwrap();
        assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
        assert!(matches!(store.get_version(&ws.id, &m.id, Some(3)).await, Err(StoreError::NotFound(_))));

        // A stale writer loses.
        let stale = next_version(&v1, "Another boundary");
        let err = store.append_version(&ws.id, &m.id, &alice.id, &stale, vec![], None).await.unwrap_err();
        assert!(matches!(&err, StoreError::VersionConflict { current: 2, expected: 1 }), "{err}");

        let feed = store.list_activity(&ws.id, Some(&m.id), None, 10).await.unwrap();
        let actions: Vec<&str> = feed.items.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["trust_boundary_added", "model_created"], "newest first");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn names_are_unique_per_workspace_case_insensitively() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let (bob, other) = store.create_user("bob@example.com", "Bob").await.unwrap();
        let m = store.create_model(&ws.id, &alice.id, "File Upload API", "", &file_uploads()).await.unwrap();
        let taken = store.create_model(&ws.id, &alice.id, "file  upload api", "", &file_uploads()).await;
        assert!(matches!(taken, Err(StoreError::Conflict(_))));
        store.create_model(&other.id, &bob.id, "File Upload API", "", &file_uploads()).await.unwrap();
        let second = store.create_model(&ws.id, &alice.id, "Payment Gateway API", "", &file_uploads()).await.unwrap();
        assert!(matches!(
            store.rename_model(&ws.id, &second.id, &alice.id, "FILE UPLOAD API").await,
            Err(StoreError::Conflict(_))
        ));
        store.rename_model(&ws.id, &m.id, &alice.id, "File Upload Service").await.unwrap();
        assert_eq!(store.get_model(&ws.id, &m.id).await.unwrap().current_version, 1, "rename makes no version");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_page_and_search_literally() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        for i in 0..5 {
            store
                .create_model(&ws.id, &alice.id, &format!("Upload Service Number {i}"), "", &file_uploads())
                .await
                .unwrap();
        }
        store.create_model(&ws.id, &alice.id, "Billing 100% Service", "", &file_uploads()).await.unwrap();
        let first = store.list_models(&ws.id, None, None, 4).await.unwrap();
        assert_eq!(first.items.len(), 4);
        let rest = store.list_models(&ws.id, None, first.next_cursor.as_deref(), 4).await.unwrap();
        assert_eq!(rest.items.len(), 2);
        assert!(rest.next_cursor.is_none());
        assert_eq!(store.list_models(&ws.id, Some("UPLOAD"), None, 50).await.unwrap().items.len(), 5);
        assert_eq!(store.list_models(&ws.id, Some("100%"), None, 50).await.unwrap().items.len(), 1);
        assert_eq!(store.list_models(&ws.id, Some("_"), None, 50).await.unwrap().items.len(), 0, "_ is literal");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn factor_revisions_and_metadata_overlay_the_current_version() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let v1 = file_uploads();
        let m = store.create_model(&ws.id, &alice.id, "File Upload API", "", &v1).await.unwrap();
        let request = RevisionRequest {
            seq: 0,
            subject: FactorSubject::Asset("A2".into()),
            model_version: 1,
            editor: alice.id.clone(),
            at: chrono::Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            change_reason: "tokens can delete files".into(),
            patch: FactorPatch::Impact(ImpactPatch { integrity: Some(Subscore::High), ..Default::default() }),
        };
        let revision = v1.record_factor_edit(request).unwrap();
        let stored = store.append_factor_revision(&ws.id, &m.id, &revision, None).await.unwrap();
        assert_eq!(stored.seq, 1);
        store
            .append_metadata(
                &ws.id,
                &m.id,
                &alice.id,
                &MetadataChange::Cal { co_id: "CO1".parse().unwrap(), cal: Some(3) },
                None,
            )
            .await
            .unwrap();
        let live = store.live_model(&ws.id, &m.id).await.unwrap();
        assert_eq!(live.version, 1);
        assert_eq!(live.asset("A2".parse().unwrap()).unwrap().impact.integrity, Subscore::High);
        assert_eq!(live.control_objective("CO1".parse().unwrap()).unwrap().cal, Some(3));
        assert_eq!(store.get_version(&ws.id, &m.id, Some(1)).await.unwrap().model, v1, "the snapshot is untouched");

        // A revision made against an older version is refused.
        store.append_version(&ws.id, &m.id, &alice.id, &next_version(&live, "VPN"), vec![], None).await.unwrap();
        assert!(matches!(
            store.append_factor_revision(&ws.id, &m.id, &revision, None).await,
            Err(StoreError::VersionConflict { .. })
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn systems_group_models_one_system_each() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let m = store.create_model(&ws.id, &alice.id, "File Upload API", "", &file_uploads()).await.unwrap();
        let s1 = store.create_system(&ws.id, "Storefront", "customer-facing").await.unwrap();
        let s2 = store.create_system(&ws.id, "Back office", "").await.unwrap();
        store.set_model_system(&ws.id, &m.id, Some(&s1.id)).await.unwrap();
        store.set_model_system(&ws.id, &m.id, Some(&s2.id)).await.unwrap();
        assert_eq!(store.get_model(&ws.id, &m.id).await.unwrap().system_id.as_deref(), Some(s2.id.as_str()));
        store.delete_system(&ws.id, &s2.id).await.unwrap();
        assert_eq!(store.get_model(&ws.id, &m.id).await.unwrap().system_id, None);
        assert_eq!(store.list_systems(&ws.id).await.unwrap().len(), 1);
    })
    .await;
}

/// A write computed from an older state of the model is refused, whatever
/// kind of write moved the state on: the caller recomputes on the new state.
#[tokio::test(flavor = "multi_thread")]
async fn a_write_from_an_older_state_is_refused() {
    each_backend(|store| async move {
        let (alice, ws) = store.create_user("alice@example.com", "Alice").await.unwrap();
        let m = store.create_model(&ws.id, &alice.id, "File Upload API", "", &file_uploads()).await.unwrap();
        let (live, read_at) = store.live_state(&ws.id, &m.id).await.unwrap();
        // A metadata change lands after the read…
        let cal = MetadataChange::Cal { co_id: "CO1".parse().unwrap(), cal: Some(2) };
        store.append_metadata(&ws.id, &m.id, &alice.id, &cal, Some(read_at)).await.unwrap();
        // …so a version computed from the read would drop it: refused.
        let next = next_version(&live, "VPN");
        let stale = store.append_version(&ws.id, &m.id, &alice.id, &next, vec![], Some(read_at)).await;
        assert!(matches!(stale, Err(StoreError::StateChanged)), "{stale:?}");
        let again = store.append_metadata(&ws.id, &m.id, &alice.id, &cal, Some(read_at)).await;
        assert!(matches!(again, Err(StoreError::StateChanged)));
        // On the new state it goes through, and the CAL is in the new version.
        let (live, now_at) = store.live_state(&ws.id, &m.id).await.unwrap();
        assert!(now_at > read_at);
        store
            .append_version(&ws.id, &m.id, &alice.id, &next_version(&live, "VPN"), vec![], Some(now_at))
            .await
            .unwrap();
        let v2 = store.get_version(&ws.id, &m.id, Some(2)).await.unwrap();
        assert_eq!(v2.model.control_objective("CO1".parse().unwrap()).unwrap().cal, Some(2));
    })
    .await;
}
