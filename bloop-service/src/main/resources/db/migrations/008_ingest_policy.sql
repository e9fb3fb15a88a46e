-- Per-project limits on what ingest accepts, because a secret shipped inside an app is public:
-- a rate quota (token bucket: events per minute, burst) and inbound filters (release and
-- environment allow-lists as JSON arrays, a maximum age of the event's own timestamp).
CREATE TABLE ingest_policies (
    project_id        TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    events_per_minute INTEGER,
    burst             INTEGER,
    releases          TEXT,
    environments      TEXT,
    max_age_days      INTEGER,
    updated_at        INTEGER NOT NULL
);

-- What ingest refused or dropped, per project, hour and reason (quota, filters, invalid events),
-- counted in memory and written every few seconds.
CREATE TABLE ingest_ledger (
    project_id  TEXT    NOT NULL,
    hour_bucket INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (project_id, hour_bucket, reason)
) WITHOUT ROWID;
