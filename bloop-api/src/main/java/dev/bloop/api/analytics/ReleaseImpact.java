package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One release's errors and how it compares with the release before it (in order of first appearance).
 *
 * @param newIssues      issues whose first event came with this release
 * @param regressions    resolved issues that came back with an event of this release
 * @param exposureHours  hours from the release's first to its last event (at least 1)
 * @param eventsPerHour  events / exposure hours
 * @param rateChangePct  change of events per hour against the previous release, in %; null for the first
 * @param impactScore    10 × new issues + 5 × regressions + max(0, rate change %) / 10; null for the first
 *                       release bloop saw (every issue that existed when bloop was installed is "new" in it)
 */
public record ReleaseImpact(@JsonProperty("release") String release,
                            @JsonProperty("first_seen") long firstSeen,
                            @JsonProperty("last_seen") long lastSeen,
                            @JsonProperty("events") long events,
                            @JsonProperty("issues") long issues,
                            @JsonProperty("new_issues") long newIssues,
                            @JsonProperty("regressions") long regressions,
                            @JsonProperty("exposure_hours") double exposureHours,
                            @JsonProperty("events_per_hour") double eventsPerHour,
                            @JsonProperty("previous_release") String previousRelease,
                            @JsonProperty("rate_change_pct") Double rateChangePct,
                            @JsonProperty("impact_score") Double impactScore) {
}
