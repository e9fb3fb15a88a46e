package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One stored event of a group, as {@code GET /v1/errors/{fingerprint}/occurrences} lists it; with a
 * source map for its release, {@code deobfuscated_stack} maps its JavaScript frames.
 */
public record Occurrence(
        @JsonProperty("id") long id,
        @JsonProperty("project_id") String projectId,
        @JsonProperty("fingerprint") String fingerprint,
        @JsonProperty("received_at") long receivedAt,
        @JsonProperty("timestamp") long timestamp,
        @JsonProperty("source") String source,
        @JsonProperty("environment") String environment,
        @JsonProperty("release") String release,
        @JsonProperty("error_type") String errorType,
        @JsonProperty("message") String message,
        @JsonProperty("app_version") String appVersion,
        @JsonProperty("build_number") String buildNumber,
        @JsonProperty("route_or_procedure") String routeOrProcedure,
        @JsonProperty("screen") String screen,
        @JsonProperty("stack") String stack,
        @JsonProperty("http_status") Integer httpStatus,
        @JsonProperty("request_id") String requestId,
        @JsonProperty("user_id_hash") String userIdHash,
        @JsonProperty("device_id_hash") String deviceIdHash,
        @JsonProperty("metadata") JsonNode metadata,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @JsonProperty("deobfuscated_stack") java.util.List<DeobfuscatedFrame> deobfuscatedStack) {
}
