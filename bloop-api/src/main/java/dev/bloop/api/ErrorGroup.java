package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One issue as listed by {@code GET /v1/errors}. With a release or environment filter, the counts
 * and times are those of the matching events only. {@code topFrame} is the stack frame the issue was
 * grouped by (line numbers removed), null when it was grouped by route or by the client's key.
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
        @JsonProperty("top_frame") String topFrame) {
}
