package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/errors/facets}: the values each list filter can take in the project, with how many
 * issues and events carry each. Releases newest first, the others by events, largest first.
 */
public record ErrorFacets(@JsonProperty("environment") List<Value> environment,
                          @JsonProperty("release") List<Value> release,
                          @JsonProperty("source") List<Value> source,
                          @JsonProperty("route") List<Value> route) {

    /** One value of a filter. */
    public record Value(@JsonProperty("value") String value,
                        @JsonProperty("issues") long issues,
                        @JsonProperty("events") long events) {
    }
}
