package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code GET /v1/errors/{fingerprint}}: the group's fields (as in the list, at the top level), how it
 * was grouped, its counts per release and per environment, and its most recent samples (full events
 * with {@code received_at}), newest first.
 */
public record ErrorGroupDetail(
        @JsonUnwrapped ErrorGroup group,
        @JsonProperty("grouping") Grouping grouping,
        @JsonProperty("releases") List<ReleaseCount> releases,
        @JsonProperty("environment_counts") List<EnvironmentCount> environmentCounts,
        @JsonProperty("samples") List<JsonNode> samples,
        @JsonProperty("regression") Regression regression) {

    /**
     * What reopens the issue as a regression. {@code rule}: {@code any_event} (resolved, or not resolved:
     * any new event), {@code newer_release} (resolved in the next release: only an event from a release
     * newer than {@code resolved_in_release}).
     * {@code order} says how releases are compared: {@code semver} or {@code first_seen} (the order in
     * which the project first saw them). {@code explanation} says it in words.
     */
    public record Regression(@JsonProperty("rule") String rule,
                             @JsonProperty("resolved_in_release") String resolvedInRelease,
                             @JsonProperty("order") String order,
                             @JsonProperty("explanation") String explanation) {
    }

    /**
     * What the fingerprint was computed from. {@code kind} is {@code computed} or {@code client};
     * {@code frame_reason} says why that frame (or the route) was used, e.g. {@code first in-app frame},
     * {@code in_app_include com.acme.}, {@code no in-app frame: first frame}, {@code no stack: route},
     * {@code client fingerprint} (null for groups made before it was kept); {@code rules_version} is
     * the version of the project's in-app rules in force when the group was made (0: none).
     */
    public record Grouping(@JsonProperty("version") int version,
                           @JsonProperty("kind") String kind,
                           @JsonProperty("normalized_message") String normalizedMessage,
                           @JsonProperty("frame") String frame,
                           @JsonProperty("route") String route,
                           @JsonProperty("frame_reason") String frameReason,
                           @JsonProperty("rules_version") int rulesVersion) {
    }

    public record ReleaseCount(@JsonProperty("release") String release,
                               @JsonProperty("count") long count,
                               @JsonProperty("first_seen") long firstSeen,
                               @JsonProperty("last_seen") long lastSeen) {
    }

    public record EnvironmentCount(@JsonProperty("environment") String environment,
                                   @JsonProperty("count") long count,
                                   @JsonProperty("first_seen") long firstSeen,
                                   @JsonProperty("last_seen") long lastSeen) {
    }
}
