package dev.bloop.service.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.IngestEvent;
import dev.bloop.api.Utf8;
import dev.bloop.service.fingerprint.Fingerprinter;
import dev.bloop.service.fingerprint.GroupingKey;
import dev.bloop.service.fingerprint.GroupingRules;
import dev.bloop.service.fingerprint.InAppRules;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.sourcemap.Symbolicator;
import java.nio.charset.StandardCharsets;

/** Checks one decoded event against the contract and turns it into an {@link AcceptedEvent}. */
final class EventValidator {
    /** Client timestamps below this are taken as seconds (1e11 ms is March 1973). */
    static final long SECONDS_CUTOFF = 100_000_000_000L;
    static final int MAX_SOURCE_LENGTH = 32;
    static final int MAX_FINGERPRINT_CHARS = IngestEvent.MAX_FINGERPRINT_CHARS;

    private final ObjectMapper json;
    private final IngestConfig limits;
    private final Symbolicator symbolicator;
    private final GroupingRules groupingRules;

    /**
     * {@code symbolicator} may be null (no source maps): minified stacks then group as sent.
     * {@code groupingRules} (the projects' in-app rules, held in memory) may be null: no project rules.
     */
    EventValidator(ObjectMapper json, IngestConfig limits, Symbolicator symbolicator, GroupingRules groupingRules) {
        this.json = json;
        this.limits = limits;
        this.symbolicator = symbolicator;
        this.groupingRules = groupingRules;
    }

    /** The event's source maps are not in memory yet: load them off this thread, then validate again. */
    static final class SourceMapsNotLoaded extends Exception {
        private static final long serialVersionUID = 1L;
        final transient String projectId;
        final transient String release;
        final transient String stack;

        SourceMapsNotLoaded(String projectId, String release, String stack) {
            super(null, null, false, false);
            this.projectId = projectId;
            this.release = release;
            this.stack = stack;
        }
    }

    /** Loads what the event that threw {@code n} needs; runs on the loader thread. */
    void preload(SourceMapsNotLoaded n) {
        symbolicator.preload(n.projectId, n.release, n.stack);
    }

    AcceptedEvent validate(IngestEvent e, String projectId, long receivedAt) throws InvalidEvent {
        try {
            return validate(e, projectId, receivedAt, true);
        } catch (SourceMapsNotLoaded notPossible) {
            throw new IllegalStateException(notPossible);
        }
    }

    /**
     * @param mayLoad whether source maps may be read and parsed here; if not and they are needed,
     *                {@link SourceMapsNotLoaded} says which
     */
    AcceptedEvent validate(IngestEvent e, String projectId, long receivedAt, boolean mayLoad)
            throws InvalidEvent, SourceMapsNotLoaded {
        return validate(e, e.stack(), projectId, receivedAt, mayLoad);
    }

    /**
     * @param groupingStack the frames to group by when they are not the event's whole stack: events
     *                      from Sentry SDKs, whose frames say themselves which are the app's ({@code
     *                      in_app}), group by those only
     */
    AcceptedEvent validate(IngestEvent e, String groupingStack, String projectId, long receivedAt, boolean mayLoad)
            throws InvalidEvent, SourceMapsNotLoaded {
        if (e.timestamp() == null) {
            throw missing("timestamp");
        }
        if (e.timestamp() <= 0) {
            throw new InvalidEvent("timestamp must be a positive epoch time in milliseconds", "timestamp");
        }
        long timestampMs = e.timestamp() < SECONDS_CUTOFF ? e.timestamp() * 1000 : e.timestamp();
        if (e.source() == null || e.source().isEmpty()) {
            throw missing("source");
        }
        if (!isSourceToken(e.source())) {
            throw new InvalidEvent("source must be a lowercase token of 1-32 characters [a-z0-9_-], e.g. ios, android, api, web",
                    "source");
        }
        requireText(e.environment(), "environment");
        requireText(e.release(), "release");
        requireText(e.errorType(), "error_type");
        requireText(e.message(), "message");
        capBytes(e.message(), limits.getMaxMessageBytes(), "message");
        capBytes(e.stack(), limits.getMaxStackBytes(), "stack");
        String metadataJson = metadata(e.metadata());
        if (e.httpStatus() != null && (e.httpStatus() < 100 || e.httpStatus() > 599)) {
            throw new InvalidEvent("http_status must be between 100 and 599", "http_status");
        }
        String clientFingerprint = e.fingerprint();
        if (clientFingerprint != null && clientFingerprint.length() > MAX_FINGERPRINT_CHARS) {
            throw new InvalidEvent("fingerprint exceeds " + MAX_FINGERPRINT_CHARS + " characters", "fingerprint");
        }
        // With a source map for this release, group by the original location of the top frame, so a
        // re-deploy that renames bundles and moves minified columns keeps its groups.
        String frames = groupingStack;
        if (symbolicator != null && clientFingerprint == null && frames != null) {
            groupingStack = mayLoad ? symbolicator.groupingStack(projectId, e.release(), frames)
                    : symbolicator.groupingStackIfLoaded(projectId, e.release(), frames);
            if (groupingStack == null) {
                throw new SourceMapsNotLoaded(projectId, e.release(), frames);
            }
        }
        GroupingKey grouping = Fingerprinter.group(e.source(), e.errorType(), e.message(), groupingStack,
                e.routeOrProcedure(), clientFingerprint,
                groupingRules == null ? InAppRules.NONE : groupingRules.forProject(projectId));
        // The parsed metadata tree is many small objects; only its JSON text travels on, so queued
        // events stay light for the garbage collector.
        return new AcceptedEvent(projectId, grouping, timestampMs, receivedAt,
                e.metadata() == null ? e : e.withMetadata(null), metadataJson);
    }

    private String metadata(JsonNode metadata) throws InvalidEvent {
        if (metadata == null || metadata.isNull()) {
            return null;
        }
        if (!metadata.isObject()) {
            throw new InvalidEvent("metadata must be a JSON object", "metadata");
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(metadata);
        } catch (JsonProcessingException e) {
            throw new InvalidEvent("metadata cannot be serialized", "metadata");
        }
        if (bytes.length > limits.getMaxMetadataBytes()) {
            throw new InvalidEvent("metadata exceeds " + limits.getMaxMetadataBytes() + " bytes", "metadata");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void requireText(String value, String field) throws InvalidEvent {
        if (value == null) {
            throw missing(field);
        }
        if (value.isBlank()) {
            throw new InvalidEvent(field + " must not be empty", field);
        }
    }

    private static void capBytes(String value, int max, String field) throws InvalidEvent {
        // Cheap bound first: a UTF-8 encoding takes 1 to 3 bytes per UTF-16 unit.
        if (value == null || value.length() * 3 <= max) {
            return;
        }
        if (value.length() > max || Utf8.length(value) > max) {
            throw new InvalidEvent(field + " exceeds " + max + " bytes", field);
        }
    }

    private static boolean isSourceToken(String s) {
        if (s.length() > MAX_SOURCE_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static InvalidEvent missing(String field) {
        return new InvalidEvent(field + " is required", field);
    }
}
