package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Answer to {@code POST /v1/traces} and {@code PUT /v1/traces/{id}}: queued for the writer. */
public record TraceAccepted(@JsonProperty("status") String status, @JsonProperty("id") String id) {
    public static TraceAccepted of(String id) {
        return new TraceAccepted("accepted", id);
    }
}
