-- Prompt A/B experiments (LLM tracing). Traces name an experiment by its name (unique per project)
-- and carry their variant; variants are a JSON array [{name, weight, prompt}] whose first entry is
-- the control. Assignment hashes the experiment's id with the unit: a unit keeps its variant for as
-- long as the weights stay as they are, on every node.
CREATE TABLE llm_experiments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id     TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    description    TEXT,
    status         TEXT    NOT NULL,            -- running, stopped
    unit           TEXT    NOT NULL,            -- user_id, session_id, trace
    metrics        TEXT    NOT NULL,            -- JSON array of metric names
    primary_metric TEXT    NOT NULL,
    min_samples    INTEGER,
    variants       TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    created_by     TEXT,
    UNIQUE (project_id, name)
);

-- Every change of a running experiment's weights: who, when, from and to (JSON objects name → weight).
CREATE TABLE llm_experiment_weight_changes (
    experiment_id INTEGER NOT NULL REFERENCES llm_experiments (id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    by            TEXT,
    before        TEXT    NOT NULL,
    after         TEXT    NOT NULL
);
CREATE INDEX llm_experiment_weight_changes_by_experiment ON llm_experiment_weight_changes (experiment_id, at);
