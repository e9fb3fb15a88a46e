-- Two LLM queries that read a whole window row by row (half a second each at 1 M spans):
-- the trace list filtered by model takes each trace number from the spans' model index itself
-- instead of from every matching span row, and sessions read their traces by session id.
DROP INDEX llm_spans_by_model;
CREATE INDEX llm_spans_by_model ON llm_spans (project_id, model, received_at, trace_seq);
CREATE INDEX llm_traces_by_session ON llm_traces (project_id, session_id, received_at) WHERE session_id IS NOT NULL;
