package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Answer to a single accepted event: the group it was filed under. */
public record IngestAccepted(@JsonProperty("status") String status,
                             @JsonProperty("fingerprint") String fingerprint) {
    public static IngestAccepted of(String fingerprint) {
        return new IngestAccepted("accepted", fingerprint);
    }
}
