package dev.bloop.service.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.ApiError;
import dev.bloop.api.BatchResult;
import dev.bloop.api.llm.TraceAccepted;
import dev.bloop.api.llm.TraceIn;
import dev.bloop.api.llm.TraceUpdate;
import dev.bloop.service.ingest.IngestDoor;
import dev.bloop.service.ingest.IngestMetrics;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.pipeline.BoundedQueue;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code POST /v1/traces}, {@code POST /v1/traces/batch}, {@code PUT /v1/traces/{id}} and
 * {@code POST /v1/traces/{id}/feedback} (a user's vote, sent later by an SDK or the proxy): through the
 * same {@link IngestDoor} as error events (refusals before the body, then signature, body cap, key,
 * signature match, in that order), then decoded strictly, checked, stripped to the project's content
 * storage and queued for the LLM writer. A batch is queued whole or not at all (429).
 */
final class TraceIngestServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String METHODS = "POST, PUT, OPTIONS";

    private final transient IngestDoor door;
    private final transient TraceDecoder decoder;
    private final transient TraceValidator validator;
    private final transient BoundedQueue<QueuedTrace> queue;
    private final transient PendingTraces pending;
    private final transient Policies policies;
    private final transient KnownTraces known;
    private final transient BiConsumer<IngestDoor.Exchange, String> feedback;
    private final int maxBatchSize;

    TraceIngestServlet(IngestDoor door, TraceDecoder decoder, TraceValidator validator, BoundedQueue<QueuedTrace> queue,
                       PendingTraces pending, Policies policies, KnownTraces known,
                       BiConsumer<IngestDoor.Exchange, String> feedback, int maxBatchSize) {
        this.door = door;
        this.decoder = decoder;
        this.validator = validator;
        this.queue = queue;
        this.pending = pending;
        this.policies = policies;
        this.known = known;
        this.feedback = feedback;
        this.maxBatchSize = maxBatchSize;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        IngestDoor.allowAnyOrigin(resp);
        String path = req.getPathInfo() == null || req.getPathInfo().equals("/") ? "" : req.getPathInfo().substring(1);
        switch (req.getMethod()) {
            case "POST" -> {
                if (path.isEmpty()) {
                    door.accept(req, resp, this::one);
                } else if (path.equals("batch")) {
                    door.accept(req, resp, this::batch);
                } else if (path.endsWith("/feedback") && path.length() > "/feedback".length()) {
                    String id = path.substring(0, path.length() - "/feedback".length());
                    door.accept(req, resp, x -> feedback.accept(x, id));
                } else {
                    door.methodNotAllowed(req, resp, "PUT, OPTIONS");
                }
            }
            case "PUT" -> {
                if (path.isEmpty()) {
                    door.methodNotAllowed(req, resp, "POST, OPTIONS");
                } else {
                    door.accept(req, resp, x -> update(x, path));
                }
            }
            case "OPTIONS" -> IngestDoor.preflight(resp, METHODS);
            default -> door.methodNotAllowed(req, resp, path.isEmpty() ? "POST, OPTIONS"
                    : path.equals("batch") ? "POST, OPTIONS" : "PUT, OPTIONS");
        }
    }

    private void one(IngestDoor.Exchange x) {
        if (!x.requireJson()) {
            return;
        }
        QueuedTrace trace;
        try {
            TraceIn in = decoder.single(x.body(), x.length());
            trace = validator.trace(in, x.projectId(), System.currentTimeMillis(), policies.storage(x.projectId()));
        } catch (InvalidEvent e) {
            x.reject(400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field()));
            return;
        }
        if (enqueue(x, List.of(trace))) {
            x.accepted(TraceAccepted.of(trace.id()));
        }
    }

    private void batch(IngestDoor.Exchange x) {
        if (!x.requireJson()) {
            return;
        }
        List<TraceIn> decoded = decoder.wholeBatch(x.body(), x.length());
        List<JsonNode> elements = null;
        if (decoded == null || decoded.size() > maxBatchSize) {
            try {
                elements = decoder.batch(x.body(), x.length(), maxBatchSize);
            } catch (InvalidEvent e) {
                x.reject(400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field()));
                return;
            }
        }
        long now = System.currentTimeMillis();
        ContentStorage storage = policies.storage(x.projectId());
        int size = elements != null ? elements.size() : decoded.size();
        List<QueuedTrace> valid = new ArrayList<>(size);
        List<BatchResult.ItemError> errors = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < size; i++) {
            try {
                TraceIn in = elements != null ? decoder.element(elements.get(i)) : decoded.get(i);
                QueuedTrace t = validator.trace(in, x.projectId(), now, storage);
                Integer before = ids.putIfAbsent(t.id(), i);
                if (before != null) {
                    throw new InvalidEvent("id '" + t.id() + "' is also the id of trace " + before + " of this batch",
                            "id");
                }
                valid.add(t);
            } catch (InvalidEvent e) {
                errors.add(new BatchResult.ItemError(i, e.getMessage(), e.field()));
            }
        }
        if (!errors.isEmpty()) {
            door.metrics().rejected(IngestMetrics.Reason.INVALID);
        }
        if (enqueue(x, valid)) {
            x.accepted(new BatchResult(valid.size(), errors));
        }
    }

    private void update(IngestDoor.Exchange x, String id) {
        if (!x.requireJson()) {
            return;
        }
        if (id.length() > TraceValidator.MAX_ID_CHARS) {
            x.reject(400, IngestMetrics.Reason.INVALID, new ApiError("the trace id in the path must be at most "
                    + TraceValidator.MAX_ID_CHARS + " characters", "id"));
            return;
        }
        TraceUpdate u;
        try {
            u = decoder.update(x.body(), x.length());
        } catch (InvalidEvent e) {
            x.reject(400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field()));
            return;
        }
        PendingTraces.Seen seen = known.find(x.projectId(), id);
        if (seen == null) {
            x.reject(404, IngestMetrics.Reason.NOT_FOUND, new ApiError("no trace '" + id + "' in this project: "
                    + "send it with POST /v1/traces first", "id"));
            return;
        }
        QueuedTrace trace;
        try {
            trace = validator.update(id, u, x.projectId(), System.currentTimeMillis(), policies.storage(x.projectId()),
                    seen.parents(), seen.startedAt());
        } catch (InvalidEvent e) {
            x.reject(400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field()));
            return;
        }
        if (enqueue(x, List.of(trace))) {
            x.accepted(TraceAccepted.of(id));
        }
    }

    /** Queues all or none; false when it answered 429/503 instead. */
    private boolean enqueue(IngestDoor.Exchange x, List<QueuedTrace> traces) {
        for (QueuedTrace t : traces) {
            pending.add(t, t.startedAt() != null ? t.startedAt() : t.receivedAt());
        }
        BoundedQueue.Offer offer = queue.offerAll(traces);
        if (offer != BoundedQueue.Offer.ACCEPTED) {
            pending.release(traces);
            x.refuse(offer);
            return false;
        }
        door.metrics().accepted(traces.size());
        return true;
    }
}
