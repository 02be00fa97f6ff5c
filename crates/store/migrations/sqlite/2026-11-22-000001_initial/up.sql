CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE workspaces (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    personal BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id);

CREATE TABLE systems (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX systems_workspace ON systems (workspace_id);

CREATE TABLE models (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    system_id TEXT REFERENCES systems (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX models_workspace_name ON models (workspace_id, name_key);

CREATE TABLE model_versions (
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (model_id, version)
);

CREATE TABLE factor_revisions (
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    model_version INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (model_id, seq)
);

CREATE TABLE metadata_records (
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    model_version INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (model_id, seq)
);

CREATE TABLE entity_states (
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL,
    removed_at TIMESTAMP,
    removed_in_version INTEGER,
    cal INTEGER,
    PRIMARY KEY (model_id, entity_id)
);

CREATE TABLE control_states (
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    control_id TEXT NOT NULL,
    verification_status TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (model_id, control_id)
);

CREATE TABLE activity (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    model_id TEXT,
    actor_user_id TEXT,
    action TEXT NOT NULL,
    entity_id TEXT,
    details TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX activity_workspace ON activity (workspace_id, id);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_after TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    claimed_by TEXT,
    idempotency_key TEXT,
    last_error TEXT,
    result TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX jobs_idempotency ON jobs (workspace_id, idempotency_key);
CREATE INDEX jobs_ready ON jobs (state, run_after);
