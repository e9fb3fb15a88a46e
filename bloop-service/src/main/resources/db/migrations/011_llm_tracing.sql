-- LLM tracing (optional module, llm_tracing.enabled). Written by the module's own single writer
-- thread only; every row carries its project. Times are epoch ms; windows and hour buckets use the
-- server's receive time (received_at), started_at/ended_at are the client's and are only shown.
-- Money is integer nanodollars (1e-9 $): exact for every price, also gpt-5-nano's $0.005/M.

-- One trace (a chat turn, an agent run). Totals are rolled up from its spans by the writer. seq is
-- the writer's own ascending number, which spans refer to: their index then grows at its end, so a
-- flush of new traces touches a few pages instead of one random page per trace.
CREATE TABLE llm_traces (
    seq               INTEGER PRIMARY KEY,
    project_id        TEXT    NOT NULL,
    id                TEXT    NOT NULL,
    session_id        TEXT,
    user_id           TEXT,
    name              TEXT,
    status            TEXT    NOT NULL,          -- running, completed, error
    input             TEXT,                      -- JSON, only under content_storage full
    output            TEXT,
    metadata          TEXT,                      -- JSON object, dropped under content_storage none
    started_at        INTEGER NOT NULL,
    ended_at          INTEGER,
    received_at       INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    span_count        INTEGER NOT NULL DEFAULT 0,
    error_spans       INTEGER NOT NULL DEFAULT 0,
    spans_dropped     INTEGER NOT NULL DEFAULT 0, -- spans over max_spans_per_trace added by later updates
    models            TEXT,                      -- the distinct models of its spans, comma-separated
    input_uncached    INTEGER NOT NULL DEFAULT 0,
    cache_read        INTEGER NOT NULL DEFAULT 0,
    cache_write_5m    INTEGER NOT NULL DEFAULT 0,
    cache_write_1h    INTEGER NOT NULL DEFAULT 0,
    output_tokens     INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens  INTEGER NOT NULL DEFAULT 0,
    cost_nanos        INTEGER NOT NULL DEFAULT 0, -- sum of the spans' costs that are known
    unpriced_spans    INTEGER NOT NULL DEFAULT 0, -- spans with a model but neither a price nor a client cost
    UNIQUE (project_id, id)
);
CREATE INDEX llm_traces_by_time ON llm_traces (project_id, received_at);

-- Spans, with their project and receive time, so that windows and filters never need the trace row.
CREATE TABLE llm_spans (
    project_id          TEXT    NOT NULL,
    trace_seq           INTEGER NOT NULL,        -- llm_traces.seq
    id                  TEXT    NOT NULL,
    parent_span_id      TEXT,
    span_type           TEXT    NOT NULL,        -- generation, tool, retrieval, custom
    name                TEXT,
    model               TEXT,
    provider            TEXT,
    status              TEXT    NOT NULL,        -- ok, error
    error_message       TEXT,
    started_at          INTEGER NOT NULL,
    ended_at            INTEGER,
    latency_ms          INTEGER,
    ttft_ms             INTEGER,
    input_uncached      INTEGER NOT NULL DEFAULT 0,
    cache_read          INTEGER NOT NULL DEFAULT 0,
    cache_write_5m      INTEGER NOT NULL DEFAULT 0,
    cache_write_1h      INTEGER NOT NULL DEFAULT 0,
    output_tokens       INTEGER NOT NULL DEFAULT 0, -- reasoning included
    reasoning_tokens    INTEGER NOT NULL DEFAULT 0,
    provided_cost_nanos INTEGER,                 -- the client's own figure, kept as sent
    computed_cost_nanos INTEGER,                 -- from the price table; NULL when the model has no price
    input               TEXT,
    output              TEXT,
    metadata            TEXT,
    received_at         INTEGER NOT NULL,
    UNIQUE (trace_seq, id)
);
CREATE INDEX llm_spans_by_model ON llm_spans (project_id, model, received_at);

-- Per project, hour, span type, model and provider: what the overview, usage and models pages and
-- the cost alerts read instead of the spans. '' stands for no model / no provider.
CREATE TABLE llm_usage_hourly (
    project_id      TEXT    NOT NULL,
    hour_bucket     INTEGER NOT NULL,
    span_type       TEXT    NOT NULL,
    model           TEXT    NOT NULL,
    provider        TEXT    NOT NULL,
    spans           INTEGER NOT NULL DEFAULT 0,
    errors          INTEGER NOT NULL DEFAULT 0,
    input_uncached  INTEGER NOT NULL DEFAULT 0,
    cache_read      INTEGER NOT NULL DEFAULT 0,
    cache_write_5m  INTEGER NOT NULL DEFAULT 0,
    cache_write_1h  INTEGER NOT NULL DEFAULT 0,
    output_tokens   INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    cost_nanos      INTEGER NOT NULL DEFAULT 0,
    unpriced_spans  INTEGER NOT NULL DEFAULT 0,
    latency_sum_ms  INTEGER NOT NULL DEFAULT 0,
    latency_count   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, hour_bucket, span_type, model, provider)
) WITHOUT ROWID;

-- Traces and failed traces per project and hour.
CREATE TABLE llm_traces_hourly (
    project_id   TEXT    NOT NULL,
    hour_bucket  INTEGER NOT NULL,
    traces       INTEGER NOT NULL DEFAULT 0,
    error_traces INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, hour_bucket)
) WITHOUT ROWID;

-- Exact latency and time-to-first-token distributions of generation spans: how many spans took
-- value_ms milliseconds, per project, hour and model (kind 'l' latency, 't' TTFT). Percentiles over
-- any window of whole hours are exact, and cost one small range read instead of sorting the spans.
CREATE TABLE llm_latency_hourly (
    project_id  TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    hour_bucket INTEGER NOT NULL,
    model       TEXT    NOT NULL,
    value_ms    INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (project_id, kind, hour_bucket, model, value_ms)
) WITHOUT ROWID;

-- Per project: how much of prompts and completions is stored (none, metadata_only, full).
CREATE TABLE llm_settings (
    project_id      TEXT    NOT NULL PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    content_storage TEXT    NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT
);

-- A project's own prices, over the shipped table (micro-dollars per million tokens per bucket).
CREATE TABLE llm_price_overrides (
    project_id     TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    model          TEXT    NOT NULL,             -- an exact name, or an anchored regex when match_kind = 'regex'
    match_kind     TEXT    NOT NULL,
    provider       TEXT,
    effective_from INTEGER NOT NULL,             -- epoch ms (UTC midnight of the given date)
    input          INTEGER NOT NULL,
    cache_read     INTEGER,
    cache_write_5m INTEGER,
    cache_write_1h INTEGER,
    output         INTEGER NOT NULL,
    reasoning      INTEGER,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (project_id, position)
);

-- Traces the writer could not commit because of something in them; kept whole (as queued) with the error.
CREATE TABLE llm_dead_letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    failed_at   INTEGER NOT NULL,
    error       TEXT    NOT NULL,
    item        TEXT    NOT NULL
);

-- Small facts of the module's own: the fingerprint of the price table costs were last computed with.
CREATE TABLE llm_state (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
