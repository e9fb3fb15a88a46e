-- Retention chosen on the admin page: global values (raw_events_days, hourly_counts_days) override
-- the config file's defaults; a project may keep its raw events for a different number of days.
CREATE TABLE retention_settings (
    key        TEXT PRIMARY KEY,
    value      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE project_retention (
    project_id      TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    raw_events_days INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) WITHOUT ROWID;

-- What each purge did, for the admin page and the operator.
CREATE TABLE purge_runs (
    id                    INTEGER PRIMARY KEY,
    trigger               TEXT NOT NULL,
    started_at            INTEGER NOT NULL,
    finished_at           INTEGER NOT NULL,
    raw_events_deleted    INTEGER NOT NULL,
    samples_deleted       INTEGER NOT NULL,
    hourly_counts_deleted INTEGER NOT NULL,
    freed_bytes           INTEGER NOT NULL
);

-- Hourly counts are purged by age across all groups; without this index each small delete would scan.
CREATE INDEX hourly_counts_by_bucket ON hourly_counts (hour_bucket);
