-- Evidence: assertions, verification runs, sufficiency judgements, control
-- states and findings are JSON documents keyed by (model, kind, key). The
-- application loads a model's evidence state, computes the changes with the
-- pure domain functions and writes them back in one transaction.
CREATE TABLE evidence_docs (
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (model_id, kind, doc_key)
);

-- Append-only per-model log of evidence events (control status transitions).
CREATE TABLE evidence_log (
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (model_id, seq)
);
CREATE INDEX evidence_log_subject ON evidence_log (model_id, kind, subject_id);

-- Public keys whose signatures on verification results the workspace accepts.
CREATE TABLE signing_keys (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    label TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    PRIMARY KEY (workspace_id, fingerprint)
);

ALTER TABLE workspaces ADD COLUMN require_signed_results BOOLEAN NOT NULL DEFAULT 0;

-- Superseded by the evidence documents (control status) and never written.
DROP TABLE entity_states;
DROP TABLE control_states;
