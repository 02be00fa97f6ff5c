-- A key may carry less than its holder's role (a CI key that cannot manage
-- members); NULL means the holder's role in the key's workspace.
ALTER TABLE api_keys ADD COLUMN role TEXT;

-- The state revision of a model: every write to the model (a version, a
-- factor revision, a metadata change, evidence, a rename) bumps it under the
-- model row's lock, so a writer that computed from an older state is refused
-- and cached assessments are keyed by it.
ALTER TABLE models ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

-- One-time invitations into a team workspace. Only the token's SHA-256 is
-- kept; accepting one makes the accepter a member and gives them a key bound
-- to the workspace.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    email TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_by TEXT,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
CREATE INDEX invitations_workspace ON invitations (workspace_id, created_at);
