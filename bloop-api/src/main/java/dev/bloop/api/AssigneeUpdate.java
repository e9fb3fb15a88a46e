package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Answer to an assignment. {@code updated} is 0 when that person (or nobody) was already on it. */
public record AssigneeUpdate(@JsonProperty("fingerprint") String fingerprint,
                             @JsonProperty("assignee") String assignee,
                             @JsonProperty("previous_assignee") String previousAssignee,
                             @JsonProperty("updated") int updated) {
}
