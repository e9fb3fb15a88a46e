package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A release as listed by {@code GET /v1/releases}: its events, distinct groups, groups first seen in
 * it ({@code new_groups}), first and last seen (epoch ms), and its {@code health} when SDKs sent
 * sessions for it (absent otherwise).
 */
public record ReleaseSummary(@JsonProperty("release") String release,
                             @JsonProperty("events") long events,
                             @JsonProperty("groups") long groups,
                             @JsonProperty("new_groups") long newGroups,
                             @JsonProperty("first_seen") long firstSeen,
                             @JsonProperty("last_seen") long lastSeen,
                             @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("health") ReleaseHealth health) {
    public ReleaseSummary(String release, long events, long groups, long newGroups, long firstSeen, long lastSeen) {
        this(release, events, groups, newGroups, firstSeen, lastSeen, null);
    }

    public ReleaseSummary withHealth(ReleaseHealth h) {
        return new ReleaseSummary(release, events, groups, newGroups, firstSeen, lastSeen, h);
    }

    public ReleaseSummary seenBetween(long first, long last) {
        return new ReleaseSummary(release, events, groups, newGroups, Math.min(firstSeen, first),
                Math.max(lastSeen, last), health);
    }
}
