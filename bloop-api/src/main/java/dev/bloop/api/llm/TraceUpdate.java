package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code PUT /v1/traces/{id}}: a running trace moves on. Only the fields sent change; {@code spans}
 * are added to the trace (a span id it already has is replaced).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TraceUpdate(@JsonProperty("status") String status,
                          @JsonProperty("ended_at") Long endedAt,
                          @JsonProperty("output") JsonNode output,
                          @JsonProperty("metadata") JsonNode metadata,
                          @JsonProperty("spans") List<SpanIn> spans) {
}
