package dev.bloop.service.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.ApiError;
import dev.bloop.api.BatchResult;
import dev.bloop.api.IngestAccepted;
import dev.bloop.api.IngestEvent;
import dev.bloop.api.Signatures;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.pipeline.CommitWaiter;
import dev.bloop.service.pipeline.EventQueue;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /v1/ingest} and {@code POST /v1/ingest/batch}, served as a plain servlet beside Jersey:
 * the hot path does no resource matching, no filters and no request log.
 *
 * <p>Refusals cost as little as possible: while the queue is full (429) or the database refuses
 * writes (503) the answer comes before the body is read or the signature checked, and refusals
 * before the body leave it unread (Jetty discards what has arrived, or closes the connection). Otherwise the
 * checks run in the order the contract fixes: signature present and hex (401), body within the cap
 * (413), project key known (401), signature matches (401); then content type and JSON (400).
 *
 * <p>Bodies are read with servlet async I/O: a client that sends its body slowly holds a buffer, not
 * a thread, and one that has not finished within {@code ingest.body_timeout} gets 408. With
 * {@code ingest.ack: committed} the answer waits, also without a thread, until the writer has kept
 * the events for good.
 */
public final class IngestServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final int RETRY_AFTER_SECS = 1;
    private static final int STORAGE_RETRY_AFTER_SECS = 5;
    /** How long a committed-mode request may wait for its commit beyond the body timeout. */
    private static final long COMMIT_WAIT_MS = 30_000;

    private final transient IngestHandler handler;
    private final transient ObjectMapper json;
    private final int maxPayloadBytes;
    private final boolean batch;

    IngestServlet(IngestHandler handler, ObjectMapper json, int maxPayloadBytes, boolean batch) {
        this.handler = handler;
        this.json = json;
        this.maxPayloadBytes = maxPayloadBytes;
        this.batch = batch;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // Browser SDKs post cross-origin; ingest is authenticated by signature, not by origin.
        resp.setHeader("Access-Control-Allow-Origin", "*");
        switch (req.getMethod()) {
            case "POST" -> post(req, resp);
            case "OPTIONS" -> {
                resp.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
                resp.setHeader("Access-Control-Allow-Headers", "Content-Type, X-Signature, X-Project-Key");
                resp.setHeader("Access-Control-Max-Age", "86400");
                resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
            }
            default -> {
                resp.setHeader("Allow", "POST, OPTIONS");
                send(resp, 405, ApiError.of("method " + req.getMethod() + " is not allowed; use POST"));
            }
        }
    }

    private void post(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (handler.health().isFailing()) {
            discardOrClose(req, resp);
            refuse(resp, EventQueue.Offer.CLOSED);
            return;
        }
        if (handler.queue().isFull()) {
            // Reading, verifying and parsing a body that cannot be queued only takes CPU from the writer
            // that would drain the queue.
            discardOrClose(req, resp);
            refuse(resp, EventQueue.Offer.FULL);
            return;
        }
        String signature = req.getHeader(Signatures.HEADER);
        if (signature == null || signature.isBlank()) {
            discardOrClose(req, resp);
            reject(resp, 401, IngestMetrics.Reason.MISSING_SIGNATURE,
                    new ApiError("missing X-Signature header", Signatures.HEADER));
            return;
        }
        byte[] presented = SignatureCheck.decodeHex(signature);
        if (presented == null) {
            discardOrClose(req, resp);
            reject(resp, 401, IngestMetrics.Reason.BAD_SIGNATURE_ENCODING,
                    new ApiError("X-Signature is not hex-encoded", Signatures.HEADER));
            return;
        }
        long declared = req.getContentLengthLong();
        if (declared > maxPayloadBytes) {
            tooLarge(resp);
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(handler.bodyTimeoutMs() + (handler.ackCommitted() ? COMMIT_WAIT_MS : 0));
        Exchange exchange = new Exchange(req, resp, async, presented, declared);
        async.addListener(exchange);
        ServletInputStream in = req.getInputStream();
        in.setReadListener(exchange);
    }

    /** One ingest request between the start of its body and its answer. */
    private final class Exchange implements ReadListener, AsyncListener {
        private final HttpServletRequest req;
        private final HttpServletResponse resp;
        private final AsyncContext async;
        private final ServletInputStream in;
        private final byte[] presented;
        private final AtomicBoolean answered = new AtomicBoolean();
        private final long startNanos = System.nanoTime();
        private byte[] buf;
        private int length;

        Exchange(HttpServletRequest req, HttpServletResponse resp, AsyncContext async, byte[] presented, long declared)
                throws IOException {
            this.req = req;
            this.resp = resp;
            this.async = async;
            this.in = req.getInputStream();
            this.presented = presented;
            this.buf = new byte[declared >= 0 ? (int) declared + 1 : 4096];
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (in.isReady() && !answered.get()) {
                if (length == buf.length) {
                    if (buf.length > maxPayloadBytes) {
                        finish(() -> tooLarge(resp));
                        return;
                    }
                    buf = Arrays.copyOf(buf, Math.min(buf.length * 2, maxPayloadBytes + 1));
                }
                int n = in.read(buf, length, buf.length - length);
                if (n < 0) {
                    return;
                }
                length += n;
            }
        }

        @Override
        public void onAllDataRead() throws IOException {
            if (length > maxPayloadBytes) {
                finish(() -> tooLarge(resp));
                return;
            }
            byte[] body = buf;
            int size = length;
            if (!handler.workers().submit(() -> handle(this, body, size, presented, false))) {
                finish(() -> refuse(resp, EventQueue.Offer.FULL));
            }
        }

        @Override
        public void onError(Throwable t) {
            // The client went away or the connection failed mid-body: nothing to keep, maybe no one to answer.
            finish(() -> {
                resp.setHeader("Connection", "close");
                reject(resp, 400, IngestMetrics.Reason.INVALID, ApiError.of("request body could not be read"));
            });
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            finish(() -> {
                resp.setHeader("Connection", "close");
                if (length <= maxPayloadBytes && !bodyRead()) {
                    reject(resp, 408, IngestMetrics.Reason.BODY_TIMEOUT, ApiError.of("request body not received within "
                            + handler.bodyTimeoutMs() + " ms"));
                } else {
                    resp.setHeader("Retry-After", Integer.toString(STORAGE_RETRY_AFTER_SECS));
                    reject(resp, 503, IngestMetrics.Reason.STORAGE_FAILING, ApiError.of("the events were queued but "
                            + "not committed in time; they will still be stored unless the server fails"));
                }
            });
        }

        private boolean bodyRead() {
            return in.isFinished();
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }

        /** Answers once: the first of data, error and timeout to get here wins. */
        void finish(Answer answer) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            try {
                answer.write();
            } catch (IOException | RuntimeException e) {
                // The client is gone; there is nobody left to tell.
            } finally {
                async.complete();
            }
        }

        /** For committed mode: answer later, from a container thread, once the writer has kept the events. */
        CommitWaiter waiter(int events, Answer answer) {
            return new CommitWaiter(events, () -> async.start(() -> finish(answer)));
        }
    }

    @FunctionalInterface
    private interface Answer {
        void write() throws IOException;
    }

    /**
     * @param mayLoad false on the first pass: if grouping needs source maps that are not in memory,
     *                they are loaded on the loader thread and the request is handled again after
     */
    private void handle(Exchange x, byte[] body, int length, byte[] presented, boolean mayLoad) {
        SignatureCheck.Result auth = handler.signatures().verify(
                x.req.getHeader(Signatures.PROJECT_KEY_HEADER), body, length, presented);
        if (auth.failure() == SignatureCheck.Failure.UNKNOWN_PROJECT_KEY) {
            x.finish(() -> reject(x.resp, 401, IngestMetrics.Reason.UNKNOWN_PROJECT_KEY,
                    new ApiError("unknown X-Project-Key", Signatures.PROJECT_KEY_HEADER)));
            return;
        }
        if (auth.failure() == SignatureCheck.Failure.BAD_SIGNATURE) {
            x.finish(() -> reject(x.resp, 401, IngestMetrics.Reason.BAD_SIGNATURE,
                    new ApiError("X-Signature does not match the HMAC-SHA256 of the request body", Signatures.HEADER)));
            return;
        }
        if (!EventDecoder.isJsonContentType(x.req.getContentType())) {
            x.finish(() -> reject(x.resp, 400, IngestMetrics.Reason.INVALID,
                    new ApiError("Content-Type must be application/json", "Content-Type")));
            return;
        }
        List<EventValidator.SourceMapsNotLoaded> needed = batch
                ? postBatch(x, body, length, auth.projectId(), mayLoad)
                : postOne(x, body, length, auth.projectId(), mayLoad);
        if (!needed.isEmpty()) {
            Runnable load = () -> {
                try {
                    for (EventValidator.SourceMapsNotLoaded n : needed) {
                        handler.validator().preload(n);
                    }
                } finally {
                    if (!handler.workers().submit(() -> handle(x, body, length, presented, true))) {
                        x.finish(() -> refuse(x.resp, EventQueue.Offer.FULL));
                    }
                }
            };
            if (!handler.workers().load(load)) {
                x.finish(() -> refuse(x.resp, EventQueue.Offer.FULL));
            }
        }
    }

    /** Answers the request, or returns the source maps it must wait for. */
    private List<EventValidator.SourceMapsNotLoaded> postOne(Exchange x, byte[] body, int length, String projectId,
                                                             boolean mayLoad) {
        AcceptedEvent event;
        long now = System.currentTimeMillis();
        try {
            IngestEvent decoded = handler.decoder().single(body, length);
            event = handler.validator().validate(decoded, projectId, now, mayLoad);
        } catch (InvalidEvent e) {
            handler.ledger().count(projectId, "invalid", 1);
            x.finish(() -> reject(x.resp, 400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field())));
            return List.of();
        } catch (EventValidator.SourceMapsNotLoaded e) {
            return List.of(e);
        }
        IngestPolicies.Filtered filtered = handler.policies().filter(projectId, event.event(), event.timestampMs(), now);
        if (filtered != null) {
            handler.ledger().count(projectId, filtered.reason, 1);
            x.finish(() -> send(x.resp, 200, IngestAccepted.filtered(filtered.text)));
            return List.of();
        }
        if (overQuota(x, projectId, 1)) {
            return List.of();
        }
        enqueue(x, List.of(event), IngestAccepted.of(event.fingerprint()));
        return List.of();
    }

    private List<EventValidator.SourceMapsNotLoaded> postBatch(Exchange x, byte[] body, int length, String projectId,
                                                               boolean mayLoad) {
        List<IngestEvent> decoded = handler.decoder().wholeBatch(body, length);
        List<JsonNode> elements = null;
        if (decoded == null || decoded.size() > handler.maxBatchSize()) {
            try {
                elements = handler.decoder().batch(body, length, handler.maxBatchSize());
            } catch (InvalidEvent e) {
                x.finish(() -> reject(x.resp, 400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field())));
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
            handler.metrics().rejected(IngestMetrics.Reason.INVALID);
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
    private boolean overQuota(Exchange x, String projectId, int events) {
        long wait = events == 0 ? 0 : handler.policies().admit(projectId, events);
        if (wait == 0) {
            return false;
        }
        handler.ledger().count(projectId, "quota", events);
        x.finish(() -> {
            x.resp.setHeader("Retry-After", Long.toString(wait < 0 ? 60 : wait));
            reject(x.resp, 429, IngestMetrics.Reason.QUOTA, new ApiError(wait < 0
                    ? "this request's " + events + " events exceed the project's ingest burst; send smaller batches"
                    : "the project's ingest quota is used up; nothing from this request was kept, retry after " + wait
                    + "s", null));
        });
        return true;
    }

    /** Hands events to the writer whole, or answers 429/503 and keeps none of them. */
    private void enqueue(Exchange x, List<AcceptedEvent> events, Object accepted) {
        Answer ok = () -> {
            send(x.resp, 200, accepted);
            handler.metrics().answeredIn(System.nanoTime() - x.startNanos);
        };
        List<AcceptedEvent> offered = events;
        boolean waiting = handler.ackCommitted() && !events.isEmpty();
        if (waiting) {
            CommitWaiter waiter = x.waiter(events.size(), ok);
            offered = new ArrayList<>(events.size());
            for (AcceptedEvent e : events) {
                offered.add(e.withWaiter(waiter));
            }
        }
        EventQueue.Offer offer = handler.queue().offerAll(offered);
        if (offer != EventQueue.Offer.ACCEPTED) {
            x.finish(() -> refuse(x.resp, offer));
            return;
        }
        handler.metrics().accepted(events.size());
        if (!waiting) {
            x.finish(ok);
        }
    }

    /** 429 for a full queue, 503 while shutting down or while the database refuses writes. */
    private void refuse(HttpServletResponse resp, EventQueue.Offer offer) throws IOException {
        if (offer == EventQueue.Offer.FULL) {
            resp.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECS));
            reject(resp, 429, IngestMetrics.Reason.QUEUE_FULL,
                    ApiError.of("ingest queue is full; nothing from this request was kept, retry after "
                            + RETRY_AFTER_SECS + "s"));
        } else if (handler.health().isFailing()) {
            String reason = handler.health().current().map(f -> f.failure().reason()).orElse("write error");
            resp.setHeader("Retry-After", Integer.toString(STORAGE_RETRY_AFTER_SECS));
            reject(resp, 503, IngestMetrics.Reason.STORAGE_FAILING,
                    ApiError.of("storage unavailable (" + reason + "); nothing from this request was kept, retry after "
                            + STORAGE_RETRY_AFTER_SECS + "s"));
        } else {
            resp.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECS));
            reject(resp, 503, IngestMetrics.Reason.SHUTTING_DOWN,
                    ApiError.of("server is shutting down; nothing from this request was kept"));
        }
    }

    private void tooLarge(HttpServletResponse resp) throws IOException {
        resp.setHeader("Connection", "close");
        reject(resp, 413, IngestMetrics.Reason.PAYLOAD_TOO_LARGE,
                ApiError.of("request body exceeds " + maxPayloadBytes + " bytes"));
    }

    /**
     * An answer given before the body was read: Jetty drops a body that has already arrived, but closes the
     * connection when more is still on the way, after the answer has gone out. Dropping what is buffered here and
     * saying {@code Connection: close} otherwise keeps a client from sending its next request on a connection
     * that is about to close.
     */
    private static void discardOrClose(HttpServletRequest req, HttpServletResponse resp) {
        long left = req.getContentLengthLong();
        if (left == 0 || (left < 0 && req.getHeader("Transfer-Encoding") == null)) {
            return;
        }
        try {
            ServletInputStream in = req.getInputStream();
            byte[] sink = new byte[8192];
            while (left > 0) {
                int available = in.available();
                if (available <= 0) {
                    break;
                }
                int n = in.read(sink, 0, (int) Math.min(sink.length, Math.min(available, left)));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException e) {
            left = -1;
        }
        if (left != 0) {
            resp.setHeader("Connection", "close");
        }
    }

    private void reject(HttpServletResponse resp, int status, IngestMetrics.Reason reason, ApiError error)
            throws IOException {
        handler.metrics().rejected(reason);
        send(resp, status, error);
    }

    private void send(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
