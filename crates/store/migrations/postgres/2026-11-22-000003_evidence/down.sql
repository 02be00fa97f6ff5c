DROP TABLE signing_keys;
DROP TABLE evidence_log;
DROP TABLE evidence_docs;
ALTER TABLE workspaces DROP COLUMN require_signed_results;

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
