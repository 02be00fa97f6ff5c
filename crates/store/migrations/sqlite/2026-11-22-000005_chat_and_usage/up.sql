-- Chat sessions about a model (or about a model still to be generated).
CREATE TABLE chat_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    model_id TEXT REFERENCES models (id) ON DELETE SET NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX chat_sessions_workspace ON chat_sessions (workspace_id, created_at);

CREATE TABLE chat_messages (
    session_id TEXT NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    meta TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- AI requests and tokens per user, workspace and UTC day (cache hits are not counted).
CREATE TABLE ai_usage (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    day TEXT NOT NULL,
    requests BIGINT NOT NULL,
    prompt_tokens BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, day)
);
CREATE INDEX ai_usage_user_day ON ai_usage (user_id, day);
