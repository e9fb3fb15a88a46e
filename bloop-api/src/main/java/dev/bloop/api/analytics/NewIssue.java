package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An issue with events in the latest hours but too young for a baseline: reported as new, never as
 * an infinite z-score.
 *
 * @param recentCount events in the latest hours
 * @param series      hourly counts over the whole window, oldest first, zero-filled
 */
public record NewIssue(@JsonProperty("fingerprint") String fingerprint,
                       @JsonProperty("error_type") String errorType,
                       @JsonProperty("message") String message,
                       @JsonProperty("status") String status,
                       @JsonProperty("first_seen") long firstSeen,
                       @JsonProperty("recent_count") long recentCount,
                       @JsonProperty("series") List<Long> series) {
}
