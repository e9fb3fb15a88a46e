package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Answer to a single event: {@code accepted} with the group it was filed under, or {@code filtered}
 * (acknowledged, not kept: the project's inbound filters drop it) with the filter's reason.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngestAccepted(@JsonProperty("status") String status,
                             @JsonProperty("fingerprint") String fingerprint,
                             @JsonProperty("reason") String reason) {
    public static IngestAccepted of(String fingerprint) {
        return new IngestAccepted("accepted", fingerprint, null);
    }

    public static IngestAccepted filtered(String reason) {
        return new IngestAccepted("filtered", null, reason);
    }
}
