package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One row of an issue's history, newest first. {@code kind} is {@code status} (a status change from
 * {@code old_status} to {@code new_status}), {@code assign} ({@code assignee} is now on it, null: nobody;
 * both statuses are the status at the time) or {@code comment} ({@code comment} is its plain text).
 * {@code actor} is the token name, the user, or {@code system}.
 */
public record StatusChange(@JsonProperty("id") long id,
                           @JsonProperty("fingerprint") String fingerprint,
                           @JsonProperty("old_status") String oldStatus,
                           @JsonProperty("new_status") String newStatus,
                           @JsonProperty("actor") String actor,
                           @JsonProperty("changed_at") long changedAt,
                           @JsonProperty("kind") String kind,
                           @JsonProperty("assignee") String assignee,
                           @JsonProperty("comment") @JsonInclude(JsonInclude.Include.NON_NULL) String comment) {
}
