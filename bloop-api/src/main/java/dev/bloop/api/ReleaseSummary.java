package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A release as listed by {@code GET /v1/releases}: its events, distinct groups, groups first seen in
 * it ({@code new_groups}), and first and last seen (epoch ms).
 */
public record ReleaseSummary(@JsonProperty("release") String release,
                             @JsonProperty("events") long events,
                             @JsonProperty("groups") long groups,
                             @JsonProperty("new_groups") long newGroups,
                             @JsonProperty("first_seen") long firstSeen,
                             @JsonProperty("last_seen") long lastSeen) {
}
