package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code GET /v1/llm/traces/{id}}: the trace's summary fields, its content (as the project's content
 * storage kept it) and its spans as a tree: {@code spans} holds the roots, each with its
 * {@code children}, ordered by start.
 */
public record TraceDetail(@JsonUnwrapped TraceSummary summary,
                          @JsonProperty("project_id") String projectId,
                          @JsonProperty("input") JsonNode input,
                          @JsonProperty("output") JsonNode output,
                          @JsonProperty("metadata") JsonNode metadata,
                          @JsonProperty("spans_dropped") int spansDropped,
                          @JsonProperty("spans") List<SpanNode> spans) {
}
