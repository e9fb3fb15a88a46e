package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Two issues whose zero-filled hourly series correlate (Pearson); each pair once, a before b by
 * fingerprint.
 *
 * @param hours       hours in each series (the window, zero hours included)
 * @param sharedHours hours in which both had events
 */
public record CorrelatedPair(@JsonProperty("fingerprint_a") String fingerprintA,
                             @JsonProperty("error_type_a") String errorTypeA,
                             @JsonProperty("message_a") String messageA,
                             @JsonProperty("fingerprint_b") String fingerprintB,
                             @JsonProperty("error_type_b") String errorTypeB,
                             @JsonProperty("message_b") String messageB,
                             @JsonProperty("correlation") double correlation,
                             @JsonProperty("hours") int hours,
                             @JsonProperty("shared_hours") int sharedHours,
                             @JsonProperty("active_hours_a") int activeHoursA,
                             @JsonProperty("active_hours_b") int activeHoursB) {
}
