DROP TABLE invitations;
ALTER TABLE models DROP COLUMN revision;
ALTER TABLE api_keys DROP COLUMN role;
