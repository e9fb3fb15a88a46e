package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An issue whose event count changed between the previous window and this one.
 *
 * @param deltaPct {@code (current − previous) × 100 / previous}; null when either window has no events
 * @param change   {@code up}, {@code down}, {@code new} (no events in the previous window) or
 *                 {@code vanished} (none in this one)
 */
public record Mover(@JsonProperty("fingerprint") String fingerprint,
                    @JsonProperty("error_type") String errorType,
                    @JsonProperty("message") String message,
                    @JsonProperty("status") String status,
                    @JsonProperty("first_seen") long firstSeen,
                    @JsonProperty("count_current") long countCurrent,
                    @JsonProperty("count_previous") long countPrevious,
                    @JsonProperty("delta") long delta,
                    @JsonProperty("delta_pct") Double deltaPct,
                    @JsonProperty("change") String change) {
}
