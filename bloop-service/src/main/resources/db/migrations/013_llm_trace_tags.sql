-- What a trace ran and under which test: the prompt (name and version, as the app's prompt registry
-- calls them) and the A/B experiment with its assigned variant. Per-version and per-variant figures
-- read the traces of one prompt or experiment through these partial indexes, never the whole table.
ALTER TABLE llm_traces ADD COLUMN prompt_name TEXT;
ALTER TABLE llm_traces ADD COLUMN prompt_version TEXT;
ALTER TABLE llm_traces ADD COLUMN experiment TEXT;
ALTER TABLE llm_traces ADD COLUMN variant TEXT;
CREATE INDEX llm_traces_by_prompt ON llm_traces (project_id, prompt_name, prompt_version, received_at)
    WHERE prompt_name IS NOT NULL;
CREATE INDEX llm_traces_by_experiment ON llm_traces (project_id, experiment, variant, received_at)
    WHERE experiment IS NOT NULL;
