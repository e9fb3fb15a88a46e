package dev.bloop.service.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.GroupingKey;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An accepted event as one line of JSON, for the places where an event waits outside the queue: the
 * dead-letter table and the spill journal. It keeps the grouping computed at ingest, so a replayed
 * event lands in the group whose fingerprint the client was told.
 */
public final class EventCodec {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EventCodec() {
    }

    record Stored(@JsonProperty("project_id") String projectId,
                  @JsonProperty("received_at") long receivedAt,
                  @JsonProperty("timestamp_ms") long timestampMs,
                  @JsonProperty("grouping") GroupingKey grouping,
                  @JsonProperty("event") IngestEvent event,
                  @JsonProperty("metadata_json") String metadataJson) {
    }

    public static String encode(AcceptedEvent e) {
        try {
            return JSON.writeValueAsString(new Stored(e.projectId(), e.receivedAt(), e.timestampMs(), e.grouping(),
                    e.event(), e.metadataJson()));
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot encode an accepted event", ex);
        }
    }

    public static AcceptedEvent decode(String line) throws IOException {
        Stored s = JSON.readValue(line, Stored.class);
        if (s.projectId() == null || s.grouping() == null || s.event() == null) {
            throw new IOException("not a stored event: project_id, grouping and event are required");
        }
        return new AcceptedEvent(s.projectId(), s.grouping(), s.timestampMs(), s.receivedAt(), s.event(),
                s.metadataJson());
    }
}
