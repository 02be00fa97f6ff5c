ALTER TABLE workspaces DROP COLUMN csf_tier;
ALTER TABLE workspaces DROP COLUMN target_ml;
