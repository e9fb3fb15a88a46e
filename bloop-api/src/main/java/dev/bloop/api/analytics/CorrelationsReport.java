package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /v1/analytics/correlations}: pairs with |r| ≥ {@code min_correlation}, strongest first. */
public record CorrelationsReport(@JsonProperty("as_of") long asOf,
                                 @JsonProperty("hours") int hours,
                                 @JsonProperty("window_start") long windowStart,
                                 @JsonProperty("environment") String environment,
                                 @JsonProperty("min_active_hours") int minActiveHours,
                                 @JsonProperty("min_correlation") double minCorrelation,
                                 @JsonProperty("pairs") List<CorrelatedPair> pairs) {
}
