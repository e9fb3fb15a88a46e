package dev.bloop.service.pipeline;

import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.GroupingKey;

/**
 * A validated event on its way to the database.
 *
 * @param timestampMs the client timestamp in ms (seconds already converted)
 * @param receivedAt  server receive time in ms: what aggregation, trends and retention use
 * @param event       the event as received, without its metadata (see {@code metadataJson})
 * @param metadataJson the metadata re-serialized (and size-checked), or {@code null}
 * @param waiter      told when the event is kept for good, or {@code null} (acknowledged when queued)
 */
public record AcceptedEvent(String projectId, GroupingKey grouping, long timestampMs, long receivedAt,
                            IngestEvent event, String metadataJson, CommitWaiter waiter)
        implements Queued {

    public AcceptedEvent(String projectId, GroupingKey grouping, long timestampMs, long receivedAt,
                         IngestEvent event, String metadataJson) {
        this(projectId, grouping, timestampMs, receivedAt, event, metadataJson, null);
    }

    public String fingerprint() {
        return grouping.fingerprint();
    }

    public AcceptedEvent withWaiter(CommitWaiter newWaiter) {
        return new AcceptedEvent(projectId, grouping, timestampMs, receivedAt, event, metadataJson, newWaiter);
    }
}
