-- Progress events of a job, in order, for its SSE stream.
CREATE TABLE job_events (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- The model a generation job created, so a retried job never creates a second.
ALTER TABLE models ADD COLUMN created_by_job TEXT;
CREATE UNIQUE INDEX models_created_by_job ON models (created_by_job);
