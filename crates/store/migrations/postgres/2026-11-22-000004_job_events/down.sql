DROP INDEX models_created_by_job;
ALTER TABLE models DROP COLUMN created_by_job;
DROP TABLE job_events;
