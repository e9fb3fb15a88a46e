package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/llm/prices}: the project's own prices (which win) and the shipped table under them.
 * {@code PUT} takes {@code {"overrides": [...]}} and replaces the project's own prices; costs already
 * computed are then recomputed in the background ({@code recomputing}).
 */
public record PriceTable(@JsonProperty("project_id") String projectId,
                         @JsonProperty("overrides") List<PriceEntry> overrides,
                         @JsonProperty("shipped") List<PriceEntry> shipped,
                         @JsonProperty("shipped_version") String shippedVersion,
                         @JsonProperty("recomputing") boolean recomputing) {

    /** The PUT body. */
    public record Overrides(@JsonProperty("overrides") List<PriceEntry> overrides) {
    }
}
