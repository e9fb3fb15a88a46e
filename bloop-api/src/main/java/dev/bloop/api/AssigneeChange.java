package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code POST /v1/errors/{fingerprint}/assign}: the username to put on the issue (a member of its
 * project, or an admin), or null for nobody.
 */
public record AssigneeChange(@JsonProperty("assignee") String assignee) {
}
