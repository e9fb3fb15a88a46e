package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /v1/llm/search?q=}: a trace whose name or content matched ({@code span_id} null), or a span
 * whose name, error message or content matched, with its trace.
 */
public record SearchHit(@JsonProperty("trace_id") String traceId,
                        @JsonProperty("trace_name") String traceName,
                        @JsonProperty("span_id") String spanId,
                        @JsonProperty("span_name") String spanName,
                        @JsonProperty("error_message") String errorMessage,
                        @JsonProperty("status") String status,
                        @JsonProperty("received_at") long receivedAt) {
}
