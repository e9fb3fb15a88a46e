package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One row of a group's status history. {@code actor} is the token name, the user, or {@code system}. */
public record StatusChange(@JsonProperty("id") long id,
                           @JsonProperty("fingerprint") String fingerprint,
                           @JsonProperty("old_status") String oldStatus,
                           @JsonProperty("new_status") String newStatus,
                           @JsonProperty("actor") String actor,
                           @JsonProperty("changed_at") long changedAt) {
}
