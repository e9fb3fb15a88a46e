-- Sentry-compatible ingest. Every project gets a stable number (the project id of its Sentry DSN:
-- SDKs and tools expect it numeric) and a DSN public key in Sentry's own format, 32 hex characters
-- (the JavaScript SDKs accept only word characters in a DSN's key, so the ingest key cannot serve).
-- Numbers come from an AUTOINCREMENT sequence: a deleted project's number is never handed out again.
CREATE TABLE project_numbers (
    number     INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL
);
ALTER TABLE projects ADD COLUMN numeric_id INTEGER;
ALTER TABLE projects ADD COLUMN sentry_key TEXT;
INSERT INTO project_numbers (project_id) SELECT id FROM projects ORDER BY created_at, id;
UPDATE projects SET numeric_id = (SELECT n.number FROM project_numbers n WHERE n.project_id = projects.id),
                    sentry_key = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX projects_by_numeric_id ON projects (numeric_id);
CREATE UNIQUE INDEX projects_by_sentry_key ON projects (sentry_key);
-- Whatever inserts a project (the application draws the DSN key from SecureRandom; older code, tools
-- and tests may not know these columns) gets a number and a key.
CREATE TRIGGER projects_numbered AFTER INSERT ON projects
WHEN new.numeric_id IS NULL OR new.sentry_key IS NULL
BEGIN
    INSERT INTO project_numbers (project_id) SELECT new.id WHERE new.numeric_id IS NULL;
    UPDATE projects SET numeric_id = coalesce(new.numeric_id, (SELECT max(number) FROM project_numbers)),
                        sentry_key = coalesce(new.sentry_key, lower(hex(randomblob(16))))
    WHERE id = new.id;
END;

-- Release health from SDK sessions, per project, release and environment: sessions started, how
-- many crashed or ended abnormally, sessions with errors, and distinct users (with and without a
-- crash). Distinct counts are UltraLogLog sketches (hash4j, 2^10 registers: ~2 % error, exact in
-- practice below a few hundred), so a release with a million users costs a few KB, not a row each.
CREATE TABLE release_health (
    id            INTEGER PRIMARY KEY,
    project_id    TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    release       TEXT    NOT NULL,
    environment   TEXT    NOT NULL,
    sessions      INTEGER NOT NULL,
    crashed       INTEGER NOT NULL,
    abnormal      INTEGER NOT NULL,
    errored       INTEGER NOT NULL,
    errored_sessions BLOB,
    users         BLOB,
    crashed_users BLOB,
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    UNIQUE (project_id, release, environment)
);
