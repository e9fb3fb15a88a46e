package dev.bloop.service.ingest;

import dev.bloop.api.IngestEvent;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.pipeline.EventQueue;
import java.util.List;

/**
 * The ingest path for events that come in through another door than {@code /v1/ingest} (the
 * Sentry-compatible endpoints): the same early refusals, worker pool, quota, validation and
 * grouping, inbound filters, ledger, metrics and queue, so that an event is treated alike whichever
 * way it came. Refusals and drops are counted here, as {@link IngestServlet} counts its own.
 */
public final class IngestGate {
    /** Why ingest refuses work now: the HTTP status, how long to wait, and a sentence for the client. */
    public enum Refusal {
        QUEUE_FULL(429, 1, "ingest queue is full; nothing from this request was kept, retry after 1s"),
        STORAGE_FAILING(503, 5, "storage unavailable; nothing from this request was kept, retry after 5s"),
        SHUTTING_DOWN(503, 1, "server is shutting down; nothing from this request was kept");

        public final int status;
        public final int retryAfterSecs;
        public final String message;

        Refusal(int status, int retryAfterSecs, String message) {
            this.status = status;
            this.retryAfterSecs = retryAfterSecs;
            this.message = message;
        }
    }

    /**
     * One event checked: {@code accepted} to enqueue, or {@code problem} (invalid, with the field at
     * fault), or {@code filtered} (dropped by the project's inbound filters: acknowledged, not kept),
     * or waiting for source maps to load ({@link #needsSourceMaps()}).
     */
    public record Checked(AcceptedEvent accepted, String problem, String field, String filtered,
                          Object sourceMaps) {
        public boolean needsSourceMaps() {
            return sourceMaps != null;
        }
    }

    private final IngestHandler h;

    IngestGate(IngestHandler handler) {
        this.h = handler;
    }

    /** Why any request would be refused now, before its body is read; null when ingest is open. */
    public Refusal refusal() {
        if (h.health().isFailing()) {
            h.metrics().rejected(IngestMetrics.Reason.STORAGE_FAILING);
            return Refusal.STORAGE_FAILING;
        }
        if (h.queue().isFull()) {
            h.metrics().rejected(IngestMetrics.Reason.QUEUE_FULL);
            return Refusal.QUEUE_FULL;
        }
        return null;
    }

    /** Runs CPU work on the ingest workers; false (refuse with {@link Refusal#QUEUE_FULL}) when they are busy. */
    public boolean submit(Runnable work) {
        if (h.workers().submit(work)) {
            return true;
        }
        h.metrics().rejected(IngestMetrics.Reason.QUEUE_FULL);
        return false;
    }

    /**
     * Takes {@code events} from the project's quota, all or none.
     *
     * @return 0 when admitted, else the seconds after which they would be (-1: never, more than the burst)
     */
    public long admit(String projectId, int events) {
        long wait = h.policies().admit(projectId, events);
        if (wait != 0) {
            h.metrics().rejected(IngestMetrics.Reason.QUOTA);
            h.ledger().count(projectId, "quota", events);
        }
        return wait;
    }

    /**
     * Validates and groups one event (grouping by {@code groupingStack}, see
     * {@link EventValidator#validate(IngestEvent, String, String, long, boolean)}), then applies the
     * project's inbound filters. Invalid and filtered events are counted in the ledger.
     *
     * @param mayLoad false on the first pass: source maps that are not in memory are not read here;
     *                the result then asks for {@link #loadThen}
     */
    public Checked check(IngestEvent e, String groupingStack, String projectId, long receivedAt, boolean mayLoad) {
        AcceptedEvent accepted;
        try {
            accepted = h.validator().validate(e, groupingStack, projectId, receivedAt, mayLoad);
        } catch (InvalidEvent invalid) {
            h.metrics().rejected(IngestMetrics.Reason.INVALID);
            h.ledger().count(projectId, "invalid", 1);
            return new Checked(null, invalid.getMessage(), invalid.field(), null, null);
        } catch (EventValidator.SourceMapsNotLoaded notLoaded) {
            return new Checked(null, null, null, null, notLoaded);
        }
        IngestPolicies.Filtered filtered = h.policies().filter(projectId, accepted.event(), accepted.timestampMs(),
                receivedAt);
        if (filtered != null) {
            h.ledger().count(projectId, filtered.reason, 1);
            return new Checked(null, null, null, filtered.text, null);
        }
        return new Checked(accepted, null, null, null, null);
    }

    /**
     * Loads the source maps the checked events wait for on the loader thread, then runs {@code then}
     * on the workers; false when the loader is busy (refuse with {@link Refusal#QUEUE_FULL}).
     */
    public boolean loadThen(List<Checked> waiting, Runnable then, Runnable refused) {
        return h.workers().load(() -> {
            try {
                for (Checked c : waiting) {
                    h.validator().preload((EventValidator.SourceMapsNotLoaded) c.sourceMaps());
                }
            } finally {
                if (!submit(then)) {
                    refused.run();
                }
            }
        });
    }

    /** Hands the events to the writer whole, or keeps none of them and says why. Null when queued. */
    public Refusal enqueue(List<AcceptedEvent> events) {
        EventQueue.Offer offer = h.queue().offerAll(events);
        if (offer == EventQueue.Offer.ACCEPTED) {
            h.metrics().accepted(events.size());
            return null;
        }
        if (offer == EventQueue.Offer.FULL) {
            h.metrics().rejected(IngestMetrics.Reason.QUEUE_FULL);
            return Refusal.QUEUE_FULL;
        }
        boolean failing = h.health().isFailing();
        h.metrics().rejected(failing ? IngestMetrics.Reason.STORAGE_FAILING : IngestMetrics.Reason.SHUTTING_DOWN);
        return failing ? Refusal.STORAGE_FAILING : Refusal.SHUTTING_DOWN;
    }

    /** Counts events dropped or refused for a reason of the caller's (per project and hour). */
    public void count(String projectId, String reason, long events) {
        h.ledger().count(projectId, reason, events);
    }

    /** The ingest caps (message, stack, metadata bytes) that events must fit. */
    public int maxMessageBytes() {
        return h.limits().getMaxMessageBytes();
    }

    public int maxStackBytes() {
        return h.limits().getMaxStackBytes();
    }

    public int maxMetadataBytes() {
        return h.limits().getMaxMetadataBytes();
    }

    public long bodyTimeoutMs() {
        return h.bodyTimeoutMs();
    }

    /** {@code ingest.ack: committed}: answer once the events are kept for good. */
    public boolean ackCommitted() {
        return h.ackCommitted();
    }
}
