//! The one schema, valid for both backends (ids and JSON as TEXT, naive UTC
//! timestamps). Kept by hand in step with `migrations/`.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    workspaces (id) {
        id -> Text,
        name -> Text,
        personal -> Bool,
        created_at -> Timestamp,
        target_ml -> Nullable<Integer>,
        csf_tier -> Nullable<Integer>,
        require_signed_results -> Bool,
    }
}

diesel::table! {
    memberships (workspace_id, user_id) {
        workspace_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        workspace_id -> Text,
        user_id -> Text,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        role -> Nullable<Text>,
    }
}

diesel::table! {
    systems (id) {
        id -> Text,
        workspace_id -> Text,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    models (id) {
        id -> Text,
        workspace_id -> Text,
        name -> Text,
        name_key -> Text,
        description -> Text,
        current_version -> Integer,
        system_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by_job -> Nullable<Text>,
        revision -> BigInt,
    }
}

diesel::table! {
    model_versions (model_id, version) {
        model_id -> Text,
        version -> Integer,
        snapshot -> Text,
        content_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    factor_revisions (model_id, seq) {
        model_id -> Text,
        seq -> BigInt,
        model_version -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    metadata_records (model_id, seq) {
        model_id -> Text,
        seq -> BigInt,
        model_version -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    activity (id) {
        id -> Text,
        workspace_id -> Text,
        model_id -> Nullable<Text>,
        actor_user_id -> Nullable<Text>,
        action -> Text,
        entity_id -> Nullable<Text>,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        workspace_id -> Text,
        kind -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_after -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        last_error -> Nullable<Text>,
        result -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    evidence_docs (model_id, kind, doc_key) {
        model_id -> Text,
        kind -> Text,
        doc_key -> Text,
        body -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    evidence_log (model_id, seq) {
        model_id -> Text,
        seq -> BigInt,
        kind -> Text,
        subject_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    signing_keys (workspace_id, fingerprint) {
        workspace_id -> Text,
        fingerprint -> Text,
        public_key_pem -> Text,
        label -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_events (job_id, seq) {
        job_id -> Text,
        seq -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    chat_sessions (id) {
        id -> Text,
        workspace_id -> Text,
        model_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    chat_messages (session_id, seq) {
        session_id -> Text,
        seq -> BigInt,
        role -> Text,
        content -> Text,
        meta -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ai_usage (workspace_id, user_id, day) {
        workspace_id -> Text,
        user_id -> Text,
        day -> Text,
        requests -> BigInt,
        prompt_tokens -> BigInt,
        completion_tokens -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    users,
    workspaces,
    memberships,
    api_keys,
    systems,
    models,
    model_versions,
    factor_revisions,
    metadata_records,
    evidence_docs,
    evidence_log,
    signing_keys,
    activity,
    jobs,
);

diesel::joinable!(memberships -> workspaces (workspace_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(api_keys -> workspaces (workspace_id));
diesel::joinable!(models -> workspaces (workspace_id));
diesel::joinable!(model_versions -> models (model_id));

diesel::table! {
    invitations (id) {
        id -> Text,
        workspace_id -> Text,
        token_hash -> Text,
        role -> Text,
        email -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_by -> Nullable<Text>,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}
