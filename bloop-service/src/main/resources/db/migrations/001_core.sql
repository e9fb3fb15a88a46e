-- Projects: every project has a public ingest key (sent as X-Project-Key) and a secret (the HMAC key).
CREATE TABLE projects (
    id            TEXT PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    ingest_key    TEXT NOT NULL UNIQUE,
    ingest_secret TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Every accepted event, as received. received_at (server time, ms) drives retention and ordering;
-- timestamp is the client's clock, kept for display.
CREATE TABLE raw_events (
    id                 INTEGER PRIMARY KEY,
    project_id         TEXT NOT NULL,
    fingerprint        TEXT NOT NULL,
    received_at        INTEGER NOT NULL,
    timestamp          INTEGER NOT NULL,
    source             TEXT NOT NULL,
    environment        TEXT NOT NULL,
    release            TEXT NOT NULL,
    error_type         TEXT NOT NULL,
    message            TEXT NOT NULL,
    app_version        TEXT,
    build_number       TEXT,
    route_or_procedure TEXT,
    screen             TEXT,
    stack              TEXT,
    http_status        INTEGER,
    request_id         TEXT,
    user_id_hash       TEXT,
    device_id_hash     TEXT,
    client_fingerprint TEXT,
    metadata           TEXT
);
CREATE INDEX raw_events_by_group ON raw_events (project_id, fingerprint, received_at);
CREATE INDEX raw_events_by_received ON raw_events (project_id, received_at);

-- One row per issue: (project, fingerprint). Descriptive fields come from the first event;
-- the grouping inputs are kept so the grouping can be explained and migrated.
CREATE TABLE error_groups (
    id                 INTEGER PRIMARY KEY,
    project_id         TEXT NOT NULL,
    fingerprint        TEXT NOT NULL,
    error_type         TEXT NOT NULL,
    message            TEXT NOT NULL,
    source             TEXT NOT NULL,
    route_or_procedure TEXT,
    screen             TEXT,
    status             TEXT NOT NULL DEFAULT 'unresolved',
    total_count        INTEGER NOT NULL,
    first_seen         INTEGER NOT NULL,
    last_seen          INTEGER NOT NULL,
    last_release       TEXT NOT NULL,
    grouping_version   INTEGER NOT NULL,
    grouping_kind      TEXT NOT NULL,
    grouping_message   TEXT,
    grouping_frame     TEXT,
    grouping_route     TEXT,
    UNIQUE (project_id, fingerprint)
);
CREATE INDEX error_groups_last_seen ON error_groups (project_id, last_seen);
CREATE INDEX error_groups_first_seen ON error_groups (project_id, first_seen);
CREATE INDEX error_groups_total ON error_groups (project_id, total_count);
CREATE INDEX error_groups_status ON error_groups (project_id, status, last_seen);

-- Full-text search over error type and message for the q parameter. External content: the text lives
-- once, in error_groups. The update trigger fires only when the searched columns change, so the
-- writer's count updates on every flush do not touch the index.
CREATE VIRTUAL TABLE error_groups_fts USING fts5(
    error_type, message, content = 'error_groups', content_rowid = 'id', tokenize = 'unicode61'
);
CREATE TRIGGER error_groups_fts_insert AFTER INSERT ON error_groups BEGIN
    INSERT INTO error_groups_fts (rowid, error_type, message) VALUES (new.id, new.error_type, new.message);
END;
CREATE TRIGGER error_groups_fts_delete AFTER DELETE ON error_groups BEGIN
    INSERT INTO error_groups_fts (error_groups_fts, rowid, error_type, message)
    VALUES ('delete', old.id, old.error_type, old.message);
END;
CREATE TRIGGER error_groups_fts_update AFTER UPDATE OF error_type, message ON error_groups BEGIN
    INSERT INTO error_groups_fts (error_groups_fts, rowid, error_type, message)
    VALUES ('delete', old.id, old.error_type, old.message);
    INSERT INTO error_groups_fts (rowid, error_type, message) VALUES (new.id, new.error_type, new.message);
END;

-- Per group, per (release, environment). Keyed release-first so that a release filter is one range
-- scan with the counts in the rows; per-group lookups (detail) use the second index.
CREATE TABLE group_counts (
    project_id  TEXT NOT NULL,
    release     TEXT NOT NULL,
    environment TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    count       INTEGER NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (project_id, release, environment, fingerprint)
) WITHOUT ROWID;
CREATE INDEX group_counts_by_group ON group_counts (project_id, fingerprint);

-- Per group, per environment, keyed environment-first: an environment filter without a release is
-- one range scan too.
CREATE TABLE group_env_counts (
    project_id  TEXT NOT NULL,
    environment TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    count       INTEGER NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (project_id, environment, fingerprint)
) WITHOUT ROWID;

-- Events per route (of the event, not of its group's first event), for the stats' top routes.
CREATE TABLE route_counts (
    project_id TEXT NOT NULL,
    route      TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (project_id, route)
) WITHOUT ROWID;

-- Hourly buckets by server receive time: trends and spike rules. Not keyed by release: per-release
-- totals live in group_release_counts, and a release key multiplies the writer's upserts per flush.
CREATE TABLE hourly_counts (
    project_id  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    hour_bucket INTEGER NOT NULL,
    environment TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (project_id, fingerprint, hour_bucket, environment)
) WITHOUT ROWID;
CREATE INDEX hourly_counts_by_hour ON hourly_counts (project_id, hour_bucket);

-- Project-wide hourly totals: global trends and "events in the last 24 h" without summing every
-- group's buckets. One upsert per flush and hour.
CREATE TABLE project_hourly_counts (
    project_id  TEXT NOT NULL,
    hour_bucket INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (project_id, hour_bucket)
) WITHOUT ROWID;

-- The most recent events of each group, full (bounded by pipeline.sample_reservoir_size).
CREATE TABLE group_samples (
    id          INTEGER PRIMARY KEY,
    project_id  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    event       TEXT NOT NULL
);
CREATE INDEX group_samples_by_group ON group_samples (project_id, fingerprint, id);

-- Status audit trail: who moved a group from which status to which, and when (ms).
CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY,
    project_id  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    old_status  TEXT NOT NULL,
    new_status  TEXT NOT NULL,
    actor       TEXT NOT NULL,
    changed_at  INTEGER NOT NULL
);
CREATE INDEX status_history_by_group ON status_history (project_id, fingerprint, changed_at);
