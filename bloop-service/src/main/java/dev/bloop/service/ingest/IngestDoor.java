package dev.bloop.service.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.ApiError;
import dev.bloop.api.Signatures;
import dev.bloop.service.pipeline.BoundedQueue;
import dev.bloop.service.pipeline.CommitWaiter;
import dev.bloop.service.store.WriteHealth;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The front door of a signed ingest endpoint: everything between a request arriving and a worker
 * thread holding its verified body. Error events and the optional modules' ingest (LLM traces) go
 * through the same door, so they refuse, authenticate and answer alike.
 *
 * <p>Refusals cost as little as possible: while the queue behind the door is full (429) or the
 * database refuses writes (503) the answer comes before the body is read or the signature checked,
 * and refusals before the body leave it unread (Jetty discards what has arrived, or closes the
 * connection). Otherwise the checks run in the order the contract fixes: signature present and hex
 * (401), body within the cap (413), project key known (401), signature matches (401). What comes
 * after (content type, JSON, validation) is the {@link Handler}'s.
 *
 * <p>Bodies are read with servlet async I/O: a client that sends its body slowly holds a buffer, not
 * a thread, and one that has not finished within {@code ingest.body_timeout} gets 408. The handler
 * runs on the small ingest worker pool; it may answer later (committed-mode acknowledgements) without
 * a thread waiting.
 */
public final class IngestDoor {
    private static final int RETRY_AFTER_SECS = 1;
    private static final int STORAGE_RETRY_AFTER_SECS = 5;

    /** Does the work of a request whose signature matched, on an ingest worker thread. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange x);
    }

    private final SignatureCheck signatures;
    private final IngestWorkers workers;
    private final IngestMetrics metrics;
    private final ObjectMapper json;
    private final BoundedQueue<?> queue;
    private final WriteHealth health;
    private final int maxPayloadBytes;
    private final long bodyTimeoutMs;
    private final long answerWaitMs;
    private final String unit;

    /**
     * @param answerWaitMs how long an answer may come after the body was read (committed mode), 0 for at once
     * @param unit         what the queue holds, for refusal messages ({@code events}, {@code traces})
     */
    IngestDoor(SignatureCheck signatures, IngestWorkers workers, IngestMetrics metrics, ObjectMapper json,
               BoundedQueue<?> queue, WriteHealth health, int maxPayloadBytes, long bodyTimeoutMs, long answerWaitMs,
               String unit) {
        this.signatures = signatures;
        this.workers = workers;
        this.metrics = metrics;
        this.json = json;
        this.queue = queue;
        this.health = health;
        this.maxPayloadBytes = maxPayloadBytes;
        this.bodyTimeoutMs = bodyTimeoutMs;
        this.answerWaitMs = answerWaitMs;
        this.unit = unit;
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Browser SDKs post cross-origin; ingest is authenticated by signature, not by origin. */
    public static void allowAnyOrigin(HttpServletResponse resp) {
        resp.setHeader("Access-Control-Allow-Origin", "*");
    }

    /** Answers a CORS preflight for these methods. */
    public static void preflight(HttpServletResponse resp, String methods) {
        resp.setHeader("Access-Control-Allow-Methods", methods);
        resp.setHeader("Access-Control-Allow-Headers", "Content-Type, X-Signature, X-Project-Key");
        resp.setHeader("Access-Control-Max-Age", "86400");
        resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /** 405 naming the methods that are allowed. */
    public void methodNotAllowed(HttpServletRequest req, HttpServletResponse resp, String allowed) throws IOException {
        resp.setHeader("Allow", allowed);
        send(resp, 405, ApiError.of("method " + req.getMethod() + " is not allowed; use "
                + allowed.replace(", OPTIONS", "")));
    }

    /** Takes a request through the door; the handler gets it once its body is read and its signature matched. */
    public void accept(HttpServletRequest req, HttpServletResponse resp, Handler handler) throws IOException {
        if (health.isFailing()) {
            discardOrClose(req, resp);
            writeRefusal(resp, BoundedQueue.Offer.CLOSED);
            return;
        }
        if (queue.isFull()) {
            // Reading, verifying and parsing a body that cannot be queued only takes CPU from the writer
            // that would drain the queue.
            discardOrClose(req, resp);
            writeRefusal(resp, BoundedQueue.Offer.FULL);
            return;
        }
        String signature = req.getHeader(Signatures.HEADER);
        if (signature == null || signature.isBlank()) {
            discardOrClose(req, resp);
            writeRejection(resp, 401, IngestMetrics.Reason.MISSING_SIGNATURE,
                    new ApiError("missing X-Signature header", Signatures.HEADER));
            return;
        }
        byte[] presented = SignatureCheck.decodeHex(signature);
        if (presented == null) {
            discardOrClose(req, resp);
            writeRejection(resp, 401, IngestMetrics.Reason.BAD_SIGNATURE_ENCODING,
                    new ApiError("X-Signature is not hex-encoded", Signatures.HEADER));
            return;
        }
        long declared = req.getContentLengthLong();
        if (declared > maxPayloadBytes) {
            tooLarge(resp);
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(bodyTimeoutMs + answerWaitMs);
        Exchange exchange = new Exchange(req, resp, async, presented, declared, handler);
        async.addListener(exchange);
        ServletInputStream in = req.getInputStream();
        in.setReadListener(exchange);
    }

    /** One request between the start of its body and its answer. */
    public final class Exchange implements ReadListener, AsyncListener {
        private final HttpServletRequest req;
        private final HttpServletResponse resp;
        private final AsyncContext async;
        private final ServletInputStream in;
        private final byte[] presented;
        private final Handler handler;
        private final AtomicBoolean answered = new AtomicBoolean();
        private final long startNanos = System.nanoTime();
        private byte[] buf;
        private int length;
        private String projectId;

        Exchange(HttpServletRequest req, HttpServletResponse resp, AsyncContext async, byte[] presented, long declared,
                 Handler handler) throws IOException {
            this.req = req;
            this.resp = resp;
            this.async = async;
            this.in = req.getInputStream();
            this.presented = presented;
            this.handler = handler;
            this.buf = new byte[declared >= 0 ? (int) declared + 1 : 4096];
        }

        /** The body's bytes: {@code body()[0 .. length())}. */
        public byte[] body() {
            return buf;
        }

        public int length() {
            return length;
        }

        /** The project whose key signed the request. */
        public String projectId() {
            return projectId;
        }

        public HttpServletRequest request() {
            return req;
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
            if (!workers.submit(this::verified)) {
                finish(() -> writeRefusal(resp, BoundedQueue.Offer.FULL));
            }
        }

        /** On a worker: the key and signature, then the handler. */
        private void verified() {
            SignatureCheck.Result auth = signatures.verify(req.getHeader(Signatures.PROJECT_KEY_HEADER), buf, length,
                    presented);
            if (auth.failure() == SignatureCheck.Failure.UNKNOWN_PROJECT_KEY) {
                finish(() -> writeRejection(resp, 401, IngestMetrics.Reason.UNKNOWN_PROJECT_KEY,
                        new ApiError("unknown X-Project-Key", Signatures.PROJECT_KEY_HEADER)));
                return;
            }
            if (auth.failure() == SignatureCheck.Failure.BAD_SIGNATURE) {
                finish(() -> writeRejection(resp, 401, IngestMetrics.Reason.BAD_SIGNATURE,
                        new ApiError("X-Signature does not match the HMAC-SHA256 of the request body", Signatures.HEADER)));
                return;
            }
            projectId = auth.projectId();
            try {
                handler.handle(this);
            } catch (RuntimeException e) {
                finish(() -> {
                    throw e;
                });
            }
        }

        @Override
        public void onError(Throwable t) {
            // The client went away or the connection failed mid-body: nothing to keep, maybe no one to answer.
            finish(() -> {
                resp.setHeader("Connection", "close");
                writeRejection(resp, 400, IngestMetrics.Reason.INVALID, ApiError.of("request body could not be read"));
            });
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            finish(() -> {
                resp.setHeader("Connection", "close");
                if (length <= maxPayloadBytes && !in.isFinished()) {
                    writeRejection(resp, 408, IngestMetrics.Reason.BODY_TIMEOUT, ApiError.of("request body not received within "
                            + bodyTimeoutMs + " ms"));
                } else {
                    resp.setHeader("Retry-After", Integer.toString(STORAGE_RETRY_AFTER_SECS));
                    writeRejection(resp, 503, IngestMetrics.Reason.STORAGE_FAILING, ApiError.of("the " + unit + " were queued but "
                            + "not committed in time; they will still be stored unless the server fails"));
                }
            });
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

        /** True when the body is declared JSON; otherwise answers 400 and returns false. */
        public boolean requireJson() {
            if (EventDecoder.isJsonContentType(req.getContentType())) {
                return true;
            }
            reject(400, IngestMetrics.Reason.INVALID, new ApiError("Content-Type must be application/json",
                    "Content-Type"));
            return false;
        }

        /** Answers with this status and JSON body. */
        public void answer(int status, Object body) {
            finish(() -> send(resp, status, body));
        }

        /** Answers with bytes of this content type (a protocol whose answers are not JSON: OTLP/protobuf). */
        public void answerBytes(int status, String contentType, byte[] body) {
            finish(() -> {
                resp.setStatus(status);
                resp.setContentType(contentType);
                resp.setContentLength(body.length);
                resp.getOutputStream().write(body);
                metrics.answeredIn(System.nanoTime() - startNanos);
            });
        }

        /** Answers 200 with the body: the request was accepted (its time is measured). */
        public void accepted(Object body) {
            finish(() -> {
                send(resp, 200, body);
                metrics.answeredIn(System.nanoTime() - startNanos);
            });
        }

        /** Answers with an error, counted under the reason. */
        public void reject(int status, IngestMetrics.Reason reason, ApiError error) {
            finish(() -> IngestDoor.this.writeRejection(resp, status, reason, error));
        }

        /** Answers with an error and a {@code Retry-After}, counted under the reason. */
        public void reject(int status, IngestMetrics.Reason reason, ApiError error, long retryAfterSecs) {
            finish(() -> {
                resp.setHeader("Retry-After", Long.toString(retryAfterSecs));
                IngestDoor.this.writeRejection(resp, status, reason, error);
            });
        }

        /** 429 for a full queue, 503 while shutting down or while the database refuses writes. */
        public void refuse(BoundedQueue.Offer offer) {
            finish(() -> IngestDoor.this.writeRefusal(resp, offer));
        }

        /** Runs more work for this request on a worker; false (and nothing run) when the pool is full. */
        public boolean resubmit(Runnable work) {
            return workers.submit(work);
        }

        /** Runs slow preparation (reading from the database) off the worker pool; false when its queue is full. */
        public boolean load(Runnable work) {
            return workers.load(work);
        }

        /** For committed mode: answers {@code body} later, from a container thread, once the writer kept the items. */
        public CommitWaiter waiter(int items, Object body) {
            return new CommitWaiter(items, () -> async.start(() -> accepted(body)));
        }

        /** Answers once: the first of data, error, timeout and handler to get here wins. */
        private void finish(Answer answer) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            try {
                answer.write();
            } catch (IOException | RuntimeException e) {
                // The client is gone (or the handler failed); there is nobody left to tell.
                if (!(e instanceof IOException)) {
                    try {
                        if (!resp.isCommitted()) {
                            send(resp, 500, ApiError.of("internal server error"));
                        }
                    } catch (IOException | RuntimeException ignored) {
                        // gone
                    }
                }
            } finally {
                async.complete();
            }
        }
    }

    @FunctionalInterface
    private interface Answer {
        void write() throws IOException;
    }

    private void writeRefusal(HttpServletResponse resp, BoundedQueue.Offer offer) throws IOException {
        if (offer == BoundedQueue.Offer.FULL) {
            resp.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECS));
            writeRejection(resp, 429, IngestMetrics.Reason.QUEUE_FULL,
                    ApiError.of("ingest queue is full; nothing from this request was kept, retry after "
                            + RETRY_AFTER_SECS + "s"));
        } else if (health.isFailing()) {
            String reason = health.current().map(f -> f.failure().reason()).orElse("write error");
            resp.setHeader("Retry-After", Integer.toString(STORAGE_RETRY_AFTER_SECS));
            writeRejection(resp, 503, IngestMetrics.Reason.STORAGE_FAILING,
                    ApiError.of("storage unavailable (" + reason + "); nothing from this request was kept, retry after "
                            + STORAGE_RETRY_AFTER_SECS + "s"));
        } else {
            resp.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECS));
            writeRejection(resp, 503, IngestMetrics.Reason.SHUTTING_DOWN,
                    ApiError.of("server is shutting down; nothing from this request was kept"));
        }
    }

    /**
     * An answer given before the body was read: Jetty drops a body that has already arrived, but closes the
     * connection when more is still on the way, after the answer has gone out. Dropping what is buffered here and
     * saying {@code Connection: close} otherwise keeps a client from sending its next request on a connection
     * that is about to close. Every ingest door refuses this way (the Sentry endpoints too).
     */
    public static void discardOrClose(HttpServletRequest req, HttpServletResponse resp) {
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

    private void tooLarge(HttpServletResponse resp) throws IOException {
        resp.setHeader("Connection", "close");
        writeRejection(resp, 413, IngestMetrics.Reason.PAYLOAD_TOO_LARGE,
                ApiError.of("request body exceeds " + maxPayloadBytes + " bytes"));
    }

    private void writeRejection(HttpServletResponse resp, int status, IngestMetrics.Reason reason, ApiError error)
            throws IOException {
        metrics.rejected(reason);
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
