-- Triage at team scale.

-- Who is on an issue: a user (a member of the project, or an admin), or nobody. A removed user's issues
-- become unassigned (a trigger rather than a foreign key, which SQLite could never drop again).
ALTER TABLE error_groups ADD COLUMN assignee_id TEXT;
CREATE INDEX error_groups_assignee ON error_groups (project_id, assignee_id, last_seen);
CREATE TRIGGER users_unassign AFTER DELETE ON users BEGIN
    UPDATE error_groups SET assignee_id = NULL WHERE assignee_id = old.id;
END;

-- The newest release the issue had been seen in when it was resolved: later events reopen it only
-- when they come from a newer release. NULL (resolved before this column, or never resolved): any
-- event reopens it.
ALTER TABLE error_groups ADD COLUMN resolved_in_release TEXT;

-- Distinct users (user_id_hash) an issue has reached, kept by the writer beside group_users so that
-- the list reads it from the group's row.
ALTER TABLE error_groups ADD COLUMN users_affected INTEGER NOT NULL DEFAULT 0;

-- One row per (issue, user): the writer inserts new pairs and adds how many were new to
-- error_groups.users_affected. Not purged with raw events: an issue keeps the users it has reached.
CREATE TABLE group_users (
    project_id   TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    user_id_hash TEXT NOT NULL,
    PRIMARY KEY (project_id, fingerprint, user_id_hash)
) WITHOUT ROWID;
INSERT OR IGNORE INTO group_users (project_id, fingerprint, user_id_hash)
    SELECT project_id, fingerprint, user_id_hash FROM raw_events WHERE user_id_hash IS NOT NULL AND user_id_hash <> '';
UPDATE error_groups SET users_affected = (SELECT count(*) FROM group_users u
    WHERE u.project_id = error_groups.project_id AND u.fingerprint = error_groups.fingerprint);

-- The history records assignments beside status changes: kind 'status' (old → new status) or
-- 'assign' (assignee: the username now on it, NULL for nobody; the statuses are the current one).
ALTER TABLE status_history ADD COLUMN kind TEXT NOT NULL DEFAULT 'status';
ALTER TABLE status_history ADD COLUMN assignee TEXT;

-- Comments on an issue: plain text, shown as text (never as HTML).
CREATE TABLE issue_comments (
    id          INTEGER PRIMARY KEY,
    project_id  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX issue_comments_by_group ON issue_comments (project_id, fingerprint, created_at);
