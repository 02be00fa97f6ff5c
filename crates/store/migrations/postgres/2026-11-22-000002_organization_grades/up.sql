-- Organization-level assurance targets (metadata of a workspace).
ALTER TABLE workspaces ADD COLUMN target_ml INTEGER;
ALTER TABLE workspaces ADD COLUMN csf_tier INTEGER;
