-- LLM evaluation: scores and user feedback on traces, per-project monthly budgets with the budget
-- alerts already sent, and full-text search over traces and spans. Scores and feedback are written by
-- the API (not the trace writer) and refer to traces by their id, so that feedback sent by an SDK a
-- moment after its trace finds it even while the trace is still queued.

-- One score per trace (span_id '') or span, and name; a new value for the same name replaces the old.
-- A score is numeric (value 0..1) or categorical (category), never both.
CREATE TABLE llm_scores (
    project_id TEXT    NOT NULL,
    trace_id   TEXT    NOT NULL,
    span_id    TEXT    NOT NULL DEFAULT '',
    name       TEXT    NOT NULL,
    value      REAL,
    category   TEXT,
    source     TEXT    NOT NULL,                -- api, user, auto
    comment    TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, trace_id, span_id, name)
) WITHOUT ROWID;
CREATE INDEX llm_scores_by_name ON llm_scores (project_id, name, created_at);

-- One thumbs-up (+1) or thumbs-down (-1) per user and trace; a user's second vote replaces the first.
CREATE TABLE llm_feedback (
    project_id TEXT    NOT NULL,
    trace_id   TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    value      INTEGER NOT NULL,
    comment    TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, trace_id, user_id)
) WITHOUT ROWID;
CREATE INDEX llm_feedback_by_time ON llm_feedback (project_id, created_at);

-- A project's monthly LLM budget (nanodollars) and the share of it that alerts.
CREATE TABLE llm_budgets (
    project_id          TEXT    NOT NULL PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    monthly_nanos       INTEGER NOT NULL,
    alert_threshold_pct INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

-- Budget alerts sent: once per rule, UTC month, level (the threshold %, or 100) and budget, so that a
-- crossing fires once however often the rule is evaluated, and a changed budget arms it again.
CREATE TABLE llm_budget_alerts (
    rule_id     INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    month       TEXT    NOT NULL,               -- 2026-11
    level       INTEGER NOT NULL,
    budget_nanos INTEGER NOT NULL,
    fired_at    INTEGER NOT NULL,
    PRIMARY KEY (rule_id, month, level, budget_nanos)
) WITHOUT ROWID;

-- Tool and retrieval spans by name within a window, for the tools and retrieval tables.
CREATE INDEX llm_spans_by_type ON llm_spans (project_id, span_type, received_at)
    WHERE span_type IN ('tool', 'retrieval');

-- Full-text search (the q of /v1/llm/search), external content like error search: trace names and
-- content; span names, error messages and content. Content is only there when the project's content
-- storage kept it. The update triggers fire only when a searched column is set.
CREATE VIRTUAL TABLE llm_traces_fts USING fts5(
    name, input, output, content = 'llm_traces', content_rowid = 'seq', tokenize = 'unicode61'
);
CREATE TRIGGER llm_traces_fts_insert AFTER INSERT ON llm_traces BEGIN
    INSERT INTO llm_traces_fts (rowid, name, input, output) VALUES (new.seq, new.name, new.input, new.output);
END;
CREATE TRIGGER llm_traces_fts_delete AFTER DELETE ON llm_traces BEGIN
    INSERT INTO llm_traces_fts (llm_traces_fts, rowid, name, input, output)
    VALUES ('delete', old.seq, old.name, old.input, old.output);
END;
CREATE TRIGGER llm_traces_fts_update AFTER UPDATE OF name, input, output ON llm_traces BEGIN
    INSERT INTO llm_traces_fts (llm_traces_fts, rowid, name, input, output)
    VALUES ('delete', old.seq, old.name, old.input, old.output);
    INSERT INTO llm_traces_fts (rowid, name, input, output) VALUES (new.seq, new.name, new.input, new.output);
END;
INSERT INTO llm_traces_fts (llm_traces_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE llm_spans_fts USING fts5(
    name, error_message, input, output, content = 'llm_spans', content_rowid = 'rowid', tokenize = 'unicode61'
);
CREATE TRIGGER llm_spans_fts_insert AFTER INSERT ON llm_spans BEGIN
    INSERT INTO llm_spans_fts (rowid, name, error_message, input, output)
    VALUES (new.rowid, new.name, new.error_message, new.input, new.output);
END;
CREATE TRIGGER llm_spans_fts_delete AFTER DELETE ON llm_spans BEGIN
    INSERT INTO llm_spans_fts (llm_spans_fts, rowid, name, error_message, input, output)
    VALUES ('delete', old.rowid, old.name, old.error_message, old.input, old.output);
END;
CREATE TRIGGER llm_spans_fts_update AFTER UPDATE OF name, error_message, input, output ON llm_spans BEGIN
    INSERT INTO llm_spans_fts (llm_spans_fts, rowid, name, error_message, input, output)
    VALUES ('delete', old.rowid, old.name, old.error_message, old.input, old.output);
    INSERT INTO llm_spans_fts (rowid, name, error_message, input, output)
    VALUES (new.rowid, new.name, new.error_message, new.input, new.output);
END;
INSERT INTO llm_spans_fts (llm_spans_fts) VALUES ('rebuild');
