package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/analytics/spikes}.
 *
 * @param windowStart the first hour of the window (epoch ms); the window ends with the current hour
 * @param recentHours how many of the latest hours are tested
 * @param newIssues   issues with events in the latest hours and less than {@code min_baseline_hours} of history
 */
public record SpikesReport(@JsonProperty("as_of") long asOf,
                           @JsonProperty("hours") int hours,
                           @JsonProperty("window_start") long windowStart,
                           @JsonProperty("environment") String environment,
                           @JsonProperty("recent_hours") int recentHours,
                           @JsonProperty("min_baseline_hours") int minBaselineHours,
                           @JsonProperty("threshold") double threshold,
                           @JsonProperty("spikes") List<Spike> spikes,
                           @JsonProperty("new") List<NewIssue> newIssues) {
}
