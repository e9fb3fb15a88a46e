package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/analytics/movers}: the window of {@code hours} hours ending with the current hour
 * ({@code window_start}..now) against the {@code hours} hours before it ({@code previous_start}..).
 */
public record MoversReport(@JsonProperty("as_of") long asOf,
                           @JsonProperty("hours") int hours,
                           @JsonProperty("window_start") long windowStart,
                           @JsonProperty("previous_start") long previousStart,
                           @JsonProperty("environment") String environment,
                           @JsonProperty("movers") List<Mover> movers) {
}
