package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One issue as listed by {@code GET /v1/errors}. With a release or environment filter, the counts
 * and times are those of the matching events only. {@code topFrame} is the stack frame the issue was
 * grouped by (line numbers removed), null when it was grouped by route or by the client's key.
 * {@code assignee} is the username of the person on it (null: nobody); {@code usersAffected} counts the
 * distinct {@code user_id_hash} values of its events; {@code sparkline} (only when the list is asked
 * for one) holds its event counts per hour (24) or per day (14), oldest first, zero-filled.
 */
public record ErrorGroup(
        @JsonProperty("project_id") String projectId,
        @JsonProperty("fingerprint") String fingerprint,
        @JsonProperty("error_type") String errorType,
        @JsonProperty("message") String message,
        @JsonProperty("source") String source,
        @JsonProperty("route_or_procedure") String routeOrProcedure,
        @JsonProperty("screen") String screen,
        @JsonProperty("status") String status,
        @JsonProperty("total_count") long totalCount,
        @JsonProperty("first_seen") long firstSeen,
        @JsonProperty("last_seen") long lastSeen,
        @JsonProperty("last_release") String lastRelease,
        @JsonProperty("environments") List<String> environments,
        @JsonProperty("top_frame") String topFrame,
        @JsonProperty("assignee") String assignee,
        @JsonProperty("users_affected") long usersAffected,
        @JsonProperty("sparkline") @JsonInclude(JsonInclude.Include.NON_NULL) List<Long> sparkline) {

    /** The same group with its sparkline. */
    public ErrorGroup withSparkline(List<Long> counts) {
        return new ErrorGroup(projectId, fingerprint, errorType, message, source, routeOrProcedure, screen, status,
                totalCount, firstSeen, lastSeen, lastRelease, environments, topFrame, assignee, usersAffected, counts);
    }
}
