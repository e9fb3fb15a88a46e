package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /v1/stats}: an overview of one project. "24h" is the last 24 hours of server time. */
public record ErrorStats(
        @JsonProperty("total_errors") long totalGroups,
        @JsonProperty("unresolved_errors") long unresolvedGroups,
        @JsonProperty("total_events") long totalEvents,
        @JsonProperty("total_events_24h") long events24h,
        @JsonProperty("new_errors_24h") long newGroups24h,
        @JsonProperty("top_routes") List<RouteCount> topRoutes,
        @JsonProperty("top_errors") List<TopGroup> topGroups) {

    public record RouteCount(@JsonProperty("route") String route, @JsonProperty("count") long count) {
    }

    /** A group with its events in the last 24 hours. */
    public record TopGroup(@JsonProperty("fingerprint") String fingerprint,
                           @JsonProperty("error_type") String errorType,
                           @JsonProperty("message") String message,
                           @JsonProperty("status") String status,
                           @JsonProperty("count_24h") long count24h,
                           @JsonProperty("total_count") long totalCount) {
    }
}
