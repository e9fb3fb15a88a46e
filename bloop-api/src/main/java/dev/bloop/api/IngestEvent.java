package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One error event as an SDK sends it to {@code POST /v1/ingest}. Field names are the wire names.
 * Boxed types so that the server can tell a missing required field from a zero.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngestEvent(
        @JsonProperty("timestamp") Long timestamp,
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
        @JsonProperty("fingerprint") String fingerprint,
        @JsonProperty("metadata") JsonNode metadata) {
    /** The server's default caps (configurable there: {@code ingest.max_*}); the Java client keeps events under them. */
    public static final int MAX_MESSAGE_BYTES = 2_048;
    public static final int MAX_STACK_BYTES = 8_192;
    public static final int MAX_METADATA_BYTES = 4_096;
    public static final int MAX_FINGERPRINT_CHARS = 256;
    /** The default body cap of one ingest request, single or batch. */
    public static final int MAX_BODY_BYTES = 32_768;

    /** The required fields only; everything optional left empty. */
    public static IngestEvent of(long timestamp, String source, String environment, String release,
                                String errorType, String message) {
        return new IngestEvent(timestamp, source, environment, release, errorType, message,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    public IngestEvent withTimestamp(Long newTimestamp) {
        return new IngestEvent(newTimestamp, source, environment, release, errorType, message, appVersion,
                buildNumber, routeOrProcedure, screen, stack, httpStatus, requestId, userIdHash,
                deviceIdHash, fingerprint, metadata);
    }

    public IngestEvent withStack(String newStack) {
        return new IngestEvent(timestamp, source, environment, release, errorType, message, appVersion,
                buildNumber, routeOrProcedure, screen, newStack, httpStatus, requestId, userIdHash,
                deviceIdHash, fingerprint, metadata);
    }

    public IngestEvent withRoute(String route) {
        return new IngestEvent(timestamp, source, environment, release, errorType, message, appVersion,
                buildNumber, route, screen, stack, httpStatus, requestId, userIdHash,
                deviceIdHash, fingerprint, metadata);
    }

    public IngestEvent withFingerprint(String clientFingerprint) {
        return new IngestEvent(timestamp, source, environment, release, errorType, message, appVersion,
                buildNumber, routeOrProcedure, screen, stack, httpStatus, requestId, userIdHash,
                deviceIdHash, clientFingerprint, metadata);
    }

    public IngestEvent withMetadata(JsonNode newMetadata) {
        return new IngestEvent(timestamp, source, environment, release, errorType, message, appVersion,
                buildNumber, routeOrProcedure, screen, stack, httpStatus, requestId, userIdHash,
                deviceIdHash, fingerprint, newMetadata);
    }
}
