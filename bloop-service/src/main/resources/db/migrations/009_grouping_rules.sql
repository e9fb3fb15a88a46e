-- Per-project in-app rules (package or path prefixes, JSON arrays of strings). version counts the
-- changes; each group keeps the version it was created under, beside the grouping version.
CREATE TABLE grouping_rules (
    project_id     TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    in_app_include TEXT NOT NULL,
    in_app_exclude TEXT NOT NULL,
    version        INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    updated_by     TEXT NOT NULL
) WITHOUT ROWID;

-- Why the group's frame (or route) was used, and the rules version in force when it was created.
ALTER TABLE error_groups ADD COLUMN grouping_frame_reason TEXT;
ALTER TABLE error_groups ADD COLUMN grouping_rules_version INTEGER NOT NULL DEFAULT 0;
-- Groups made before the reason was kept: say what is known for certain.
UPDATE error_groups SET grouping_frame_reason = 'client fingerprint' WHERE grouping_kind = 'client';
UPDATE error_groups SET grouping_frame_reason = 'no stack: route'
    WHERE grouping_kind = 'computed' AND grouping_frame IS NULL AND grouping_route IS NOT NULL;
