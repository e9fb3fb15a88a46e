package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Body of {@code POST /v1/ingest/batch}: at most 50 events. */
public record EventBatch(@JsonProperty("events") List<IngestEvent> events) {
    public static final int MAX_EVENTS = 50;
}
