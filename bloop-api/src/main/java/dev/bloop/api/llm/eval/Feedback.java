package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A stored vote. */
public record Feedback(@JsonProperty("trace_id") String traceId,
                       @JsonProperty("user_id") String userId,
                       @JsonProperty("value") int value,
                       @JsonProperty("comment") String comment,
                       @JsonProperty("created_at") long createdAt) {
}
