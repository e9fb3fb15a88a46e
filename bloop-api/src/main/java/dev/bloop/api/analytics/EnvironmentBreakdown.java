package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One environment over the window.
 *
 * @param sharePct  its events × 100 / the events of every environment in the window
 * @param p50Hourly percentiles of its hourly event counts over every hour of the window, zero hours
 *                  included (linear interpolation between ranks)
 */
public record EnvironmentBreakdown(@JsonProperty("environment") String environment,
                                   @JsonProperty("total_count") long totalCount,
                                   @JsonProperty("unique_issues") long uniqueIssues,
                                   @JsonProperty("share_pct") double sharePct,
                                   @JsonProperty("p50_hourly") double p50Hourly,
                                   @JsonProperty("p90_hourly") double p90Hourly,
                                   @JsonProperty("p99_hourly") double p99Hourly) {
}
