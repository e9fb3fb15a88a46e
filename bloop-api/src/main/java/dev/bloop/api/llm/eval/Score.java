package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A stored score; {@code span_id} is null for a score of the whole trace. */
public record Score(@JsonProperty("trace_id") String traceId,
                    @JsonProperty("span_id") String spanId,
                    @JsonProperty("name") String name,
                    @JsonProperty("value") Double value,
                    @JsonProperty("category") String category,
                    @JsonProperty("source") String source,
                    @JsonProperty("comment") String comment,
                    @JsonProperty("created_at") long createdAt) {
}
