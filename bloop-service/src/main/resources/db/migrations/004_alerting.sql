-- Alert rules of a project. config is the type's JSON ({"type":"threshold","threshold":100,...}).
CREATE TABLE alert_rules (
    id                 INTEGER PRIMARY KEY,
    project_id         TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    description        TEXT,
    rule_type          TEXT NOT NULL,
    config             TEXT NOT NULL,
    enabled            INTEGER NOT NULL DEFAULT 1,
    cooldown_secs      INTEGER NOT NULL,
    environment_filter TEXT,
    source_filter      TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX alert_rules_by_project ON alert_rules (project_id, enabled, rule_type);

CREATE TABLE alert_channels (
    id           INTEGER PRIMARY KEY,
    rule_id      INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    channel_type TEXT NOT NULL,
    config       TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX alert_channels_by_rule ON alert_channels (rule_id);

-- When a rule last fired for a group: the per-rule-per-group cooldown survives restarts.
CREATE TABLE alert_cooldowns (
    rule_id     INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    last_fired  INTEGER NOT NULL,
    PRIMARY KEY (rule_id, fingerprint)
) WITHOUT ROWID;

-- Every notification attempt's outcome, for GET /v1/alerts/{id}/deliveries.
CREATE TABLE alert_deliveries (
    id           INTEGER PRIMARY KEY,
    rule_id      INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    channel_id   INTEGER,
    channel_type TEXT NOT NULL,
    target       TEXT NOT NULL,
    fingerprint  TEXT,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    error        TEXT,
    created_at   INTEGER NOT NULL,
    completed_at INTEGER
);
CREATE INDEX alert_deliveries_by_rule ON alert_deliveries (rule_id, id);

-- Events per group, minute and environment (server receive time): threshold and spike windows
-- shorter than an hour. Kept for two days.
CREATE TABLE minute_counts (
    project_id    TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    minute_bucket INTEGER NOT NULL,
    environment   TEXT NOT NULL,
    count         INTEGER NOT NULL,
    PRIMARY KEY (project_id, minute_bucket, fingerprint, environment)
) WITHOUT ROWID;
