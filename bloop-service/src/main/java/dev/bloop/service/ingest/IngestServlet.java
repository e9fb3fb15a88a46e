package dev.bloop.service.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.ApiError;
import dev.bloop.api.BatchResult;
import dev.bloop.api.IngestAccepted;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.pipeline.CommitWaiter;
import dev.bloop.service.pipeline.EventQueue;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/ingest} and {@code POST /v1/ingest/batch}, served as a plain servlet beside Jersey:
 * the hot path does no resource matching, no filters and no request log. The {@link IngestDoor}
 * refuses, reads the body and checks the signature; this servlet decodes, validates, groups and
 * queues the events. With {@code ingest.ack: committed} the answer waits, without a thread, until the
 * writer has kept the events for good.
 */
public final class IngestServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient IngestHandler handler;
    private final transient IngestDoor door;
    private final boolean batch;

    IngestServlet(IngestHandler handler, IngestDoor door, boolean batch) {
        this.handler = handler;
        this.door = door;
        this.batch = batch;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        IngestDoor.allowAnyOrigin(resp);
        switch (req.getMethod()) {
            case "POST" -> door.accept(req, resp, x -> handle(x, false));
            case "OPTIONS" -> IngestDoor.preflight(resp, "POST, OPTIONS");
            default -> door.methodNotAllowed(req, resp, "POST, OPTIONS");
        }
    }

    /**
     * @param mayLoad false on the first pass: if grouping needs source maps that are not in memory,
     *                they are loaded on the loader thread and the request is handled again after
     */
    private void handle(IngestDoor.Exchange x, boolean mayLoad) {
        if (!x.requireJson()) {
            return;
        }
        List<EventValidator.SourceMapsNotLoaded> needed = batch
                ? postBatch(x, x.body(), x.length(), x.projectId(), mayLoad)
                : postOne(x, x.body(), x.length(), x.projectId(), mayLoad);
        if (!needed.isEmpty()) {
            Runnable load = () -> {
                try {
                    for (EventValidator.SourceMapsNotLoaded n : needed) {
                        handler.validator().preload(n);
                    }
                } finally {
                    if (!x.resubmit(() -> handle(x, true))) {
                        x.refuse(EventQueue.Offer.FULL);
                    }
                }
            };
            if (!x.load(load)) {
                x.refuse(EventQueue.Offer.FULL);
            }
        }
    }

    /** Answers the request, or returns the source maps it must wait for. */
    private List<EventValidator.SourceMapsNotLoaded> postOne(IngestDoor.Exchange x, byte[] body, int length, String projectId,
                                                             boolean mayLoad) {
        AcceptedEvent event;
        long now = System.currentTimeMillis();
        try {
            IngestEvent decoded = handler.decoder().single(body, length);
            event = handler.validator().validate(decoded, projectId, now, mayLoad);
        } catch (InvalidEvent e) {
            handler.ledger().count(projectId, "invalid", 1);
            x.reject(400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field()));
            return List.of();
        } catch (EventValidator.SourceMapsNotLoaded e) {
            return List.of(e);
        }
        IngestPolicies.Filtered filtered = handler.policies().filter(projectId, event.event(), event.timestampMs(), now);
        if (filtered != null) {
            handler.ledger().count(projectId, filtered.reason, 1);
            x.answer(200, IngestAccepted.filtered(filtered.text));
            return List.of();
        }
        if (overQuota(x, projectId, 1)) {
            return List.of();
        }
        enqueue(x, List.of(event), IngestAccepted.of(event.fingerprint()));
        return List.of();
    }

    private List<EventValidator.SourceMapsNotLoaded> postBatch(IngestDoor.Exchange x, byte[] body, int length, String projectId,
                                                               boolean mayLoad) {
        List<IngestEvent> decoded = handler.decoder().wholeBatch(body, length);
        List<JsonNode> elements = null;
        if (decoded == null || decoded.size() > handler.maxBatchSize()) {
            try {
                elements = handler.decoder().batch(body, length, handler.maxBatchSize());
            } catch (InvalidEvent e) {
                x.reject(400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field()));
                return List.of();
            }
        }
        long receivedAt = System.currentTimeMillis();
        int size = elements != null ? elements.size() : decoded.size();
        List<AcceptedEvent> valid = new ArrayList<>(size);
        List<BatchResult.ItemError> errors = new ArrayList<>();
        List<EventValidator.SourceMapsNotLoaded> needed = new ArrayList<>();
        int filtered = 0;
        for (int i = 0; i < size; i++) {
            try {
                IngestEvent event = elements != null ? handler.decoder().element(elements.get(i)) : decoded.get(i);
                AcceptedEvent accepted = handler.validator().validate(event, projectId, receivedAt, mayLoad);
                IngestPolicies.Filtered f = handler.policies().filter(projectId, event, accepted.timestampMs(), receivedAt);
                if (f == null) {
                    valid.add(accepted);
                } else {
                    filtered++;
                    handler.ledger().count(projectId, f.reason, 1);
                }
            } catch (InvalidEvent e) {
                errors.add(new BatchResult.ItemError(i, e.getMessage(), e.field()));
            } catch (EventValidator.SourceMapsNotLoaded e) {
                needed.add(e);
            }
        }
        if (!needed.isEmpty()) {
            return needed;
        }
        if (!errors.isEmpty()) {
            door.metrics().rejected(IngestMetrics.Reason.INVALID);
            handler.ledger().count(projectId, "invalid", errors.size());
        }
        if (overQuota(x, projectId, valid.size())) {
            return List.of();
        }
        enqueue(x, valid, new BatchResult(valid.size(), filtered, errors));
        return List.of();
    }

    /**
     * The project's quota, charged with the events that would be kept (filtered and invalid ones do
     * not count): all of them or none. Answers 429 with the time until they would fit when over it.
     */
    private boolean overQuota(IngestDoor.Exchange x, String projectId, int events) {
        long wait = events == 0 ? 0 : handler.policies().admit(projectId, events);
        if (wait == 0) {
            return false;
        }
        handler.ledger().count(projectId, "quota", events);
        x.reject(429, IngestMetrics.Reason.QUOTA, new ApiError(wait < 0
                ? "this request's " + events + " events exceed the project's ingest burst; send smaller batches"
                : "the project's ingest quota is used up; nothing from this request was kept, retry after " + wait
                + "s", null), wait < 0 ? 60 : wait);
        return true;
    }

    /** Hands events to the writer whole, or answers 429/503 and keeps none of them. */
    private void enqueue(IngestDoor.Exchange x, List<AcceptedEvent> events, Object accepted) {
        List<AcceptedEvent> offered = events;
        boolean waiting = handler.ackCommitted() && !events.isEmpty();
        if (waiting) {
            CommitWaiter waiter = x.waiter(events.size(), accepted);
            offered = new ArrayList<>(events.size());
            for (AcceptedEvent e : events) {
                offered.add(e.withWaiter(waiter));
            }
        }
        EventQueue.Offer offer = handler.queue().offerAll(offered);
        if (offer != EventQueue.Offer.ACCEPTED) {
            x.refuse(offer);
            return;
        }
        door.metrics().accepted(events.size());
        if (!waiting) {
            x.accepted(accepted);
        }
    }
}
