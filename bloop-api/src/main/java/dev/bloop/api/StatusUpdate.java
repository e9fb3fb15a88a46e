package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Answer to resolve/ignore/mute/unresolve. {@code updated} is 0 when the status was already that. */
public record StatusUpdate(@JsonProperty("fingerprint") String fingerprint,
                           @JsonProperty("status") String status,
                           @JsonProperty("previous_status") String previousStatus,
                           @JsonProperty("updated") int updated) {
}
