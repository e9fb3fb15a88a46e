package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /v1/analytics/environments}: largest first; {@code total_count} sums every environment. */
public record EnvironmentsReport(@JsonProperty("as_of") long asOf,
                                 @JsonProperty("hours") int hours,
                                 @JsonProperty("window_start") long windowStart,
                                 @JsonProperty("total_count") long totalCount,
                                 @JsonProperty("environments") List<EnvironmentBreakdown> environments) {
}
