package dev.bloop.service.sentry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.ApiError;
import dev.bloop.service.ingest.IngestGate;
import dev.bloop.service.project.ProjectKeys;
import dev.bloop.service.web.NoSniff;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/{project_id}/envelope/} and {@code POST /api/{project_id}/store/}, served by a
 * Jetty handler at the front of the application context rather than by a servlet: envelopes are the
 * busiest route bloop has, and the servlet layer (filter chain, thread renaming, the async state
 * machine) took a quarter of the request threads' CPU per envelope (measured with async-profiler over
 * bench/sentry.sh, docs/performance.md). Every other path goes on to the servlets.
 *
 * <p>What can be refused without the body is refused first, with the body unread (Jetty consumes what
 * has arrived, or closes the connection): an overloaded server or failing storage (429/503), an
 * unsupported encoding (415), a key that is unknown (401) or, for store, missing (403), a declared
 * size over the cap (413). Bodies are read as they arrive without holding a thread (a slow client
 * holds a buffer), each within {@code sentry.max_envelope_size} and all of them together within
 * {@code sentry.max_in_flight} (past it 429, so that no mix of large bodies can exhaust the heap), and
 * within {@code ingest.body_timeout} (408). A small body (at most {@value #INLINE_MAX_BYTES} bytes as sent
 * and {@value #INLINE_MAX_DECOMPRESSED} decompressed, by what it states) whose key is in memory is then
 * handled on the thread that read it, a selector thread under
 * {@link SelectorLane}: no thread hand-off between the socket and the answer, which took the server's CPU
 * per envelope from ~190 to 120-140 µs (bench/sentry.sh, docs/performance.md). Its work is bounded (caps on
 * size, decompressed size and fields) and never waits: a key not in memory is looked up on a pool
 * thread; an envelope that names its key only in its {@code dsn} header, a larger body and a deflate one
 * (which states no size) go to the ingest workers. Every answer carries CORS headers for browser SDKs.
 */
final class SentryHandler extends Handler.Wrapper {
    private static final Pattern PATH = Pattern.compile("^/api/([A-Za-z0-9_-]{1,64})/(envelope|store)/?$");
    /** Headers browser SDKs send (Relay's list, plus tracing headers the SDKs add to fetch). */
    private static final HttpField ALLOW_HEADERS = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS,
            "x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, accept, content-type, authentication, "
                    + "authorization, content-encoding, transfer-encoding, sentry-trace, baggage");
    private static final HttpField ALLOW_ORIGIN = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    private static final HttpField EXPOSE_HEADERS = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS,
            "x-sentry-error, x-sentry-rate-limits, retry-after");
    private static final HttpField ALLOW_METHODS = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS,
            "POST, OPTIONS");
    private static final HttpField MAX_AGE = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_MAX_AGE, "3600");
    private static final HttpField JSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField CLOSE = new PreEncodedHttpField(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    /** A sensible first buffer when the body's length is not declared (chunked). */
    private static final int CHUNK = 16 * 1024;
    /**
     * Bodies up to this size as sent, stating at most {@link #INLINE_MAX_DECOMPRESSED} decompressed, are handled
     * where they were read (a small gzip envelope is ~1 KB, ~2 KB decompressed). A bomb that says what it is
     * goes to the workers; one whose gzip trailer lies stops at {@code sentry.max_decompressed_size}.
     */
    static final int INLINE_MAX_BYTES = 16 * 1024;
    static final int INLINE_MAX_DECOMPRESSED = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(SentryHandler.class);
    /** How much longer than the body an answer may take in committed mode (the writer's commit). */
    private static final long COMMIT_WAIT_MS = 30_000;

    private final SentryIngest ingest;
    private final IngestGate gate;
    private final ProjectKeys keys;
    private final ObjectMapper json;
    private final int maxBody;
    private final Semaphore inFlight;

    SentryHandler(SentryIngest ingest, IngestGate gate, ProjectKeys keys, ObjectMapper json, SentryConfig config) {
        this.ingest = ingest;
        this.gate = gate;
        this.keys = keys;
        this.json = json;
        this.maxBody = (int) config.getMaxEnvelopeSize().toBytes();
        this.inFlight = new Semaphore((int) Math.min(Integer.MAX_VALUE, config.getMaxInFlight().toBytes()));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.startsWith("/api/") && !path.equals("/api")) {
            return super.handle(request, response, callback);
        }
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(NoSniff.HEADER);
        headers.put(ALLOW_ORIGIN);
        headers.put(EXPOSE_HEADERS);
        String method = request.getMethod();
        if (method.equals("OPTIONS")) {
            headers.put(ALLOW_METHODS);
            headers.put(ALLOW_HEADERS);
            headers.put(MAX_AGE);
            response.setStatus(200);
            callback.succeeded();
            return true;
        }
        Matcher route = PATH.matcher(path);
        if (!route.matches()) {
            refuse(request, response, callback, new SentryIngest.Answer(404, ApiError.of("no such Sentry endpoint: bloop takes "
                    + "POST /api/<project id>/envelope/ and POST /api/<project id>/store/"), Map.of()));
            return true;
        }
        if (!method.equals("POST")) {
            headers.put(HttpHeader.ALLOW, "POST, OPTIONS");
            refuse(request, response, callback, new SentryIngest.Answer(405, ApiError.of("method " + method
                    + " is not allowed; use POST"), Map.of()));
            return true;
        }
        IngestGate.Refusal refusal = gate.refusal();
        if (refusal != null) {
            refuse(request, response, callback, SentryIngest.overloaded(refusal));
            return true;
        }
        HttpFields fields = request.getHeaders();
        String contentEncoding = fields.get(HttpHeader.CONTENT_ENCODING);
        Bodies.Encoding encoding = Bodies.encoding(contentEncoding);
        if (encoding == null) {
            refuse(request, response, callback, new SentryIngest.Answer(415, new ApiError("Content-Encoding " + contentEncoding
                    + " is not supported; send gzip, deflate or an uncompressed body", "Content-Encoding"), Map.of()));
            return true;
        }
        boolean store = route.group(2).equals("store");
        String urlProjectId = route.group(1);
        String key = SentryAuth.fromQuery(request.getHttpURI().getQuery());
        if (key == null) {
            key = SentryAuth.fromHeader(fields.get("X-Sentry-Auth"));
        }
        if (key == null) {
            key = SentryAuth.fromHeader(fields.get(HttpHeader.AUTHORIZATION));
        }
        if (key != null && !keys.dsnKeyInMemory(key)) {
            // A database read: not on a selector thread, which serves other connections meanwhile.
            String k = key;
            request.getComponents().getExecutor().execute(() -> {
                try {
                    handleWithKey(request, response, callback, store, urlProjectId, k, encoding);
                } catch (RuntimeException e) {
                    Response.writeError(request, response, callback, e);
                }
            });
            return true;
        }
        return handleWithKey(request, response, callback, store, urlProjectId, key, encoding);
    }

    private boolean handleWithKey(Request request, Response response, Callback callback, boolean store,
                                  String urlProjectId, String key, Bodies.Encoding encoding) {
        // Cheap refusals before the body: an unknown key (cached lookup), or a store request without one
        // (an envelope may still name its key in its dsn header).
        if (key != null && keys.resolveDsnKey(key).isEmpty()) {
            refuse(request, response, callback, SentryIngest.Answer.error(401,
                    "unknown Sentry key: use the DSN shown on the project's page"));
            return true;
        }
        if (key == null && store) {
            refuse(request, response, callback, SentryIngest.Answer.error(403, "no Sentry key: send the DSN's public key in "
                    + "the X-Sentry-Auth header or the sentry_key query parameter"));
            return true;
        }
        long declared = request.getLength();
        if (declared > maxBody) {
            response.getHeaders().put(CLOSE);
            refuse(request, response, callback, tooLargeAnswer());
            return true;
        }
        int first = declared >= 0 ? (int) declared + 1 : CHUNK;
        if (!inFlight.tryAcquire(first)) {
            refuse(request, response, callback, SentryIngest.overloaded(IngestGate.Refusal.QUEUE_FULL));
            return true;
        }
        new Exchange(request, response, callback, store, urlProjectId, key, encoding, first).read();
        return true;
    }

    /** One request between the start of its body and its answer. */
    private final class Exchange implements SentryIngest.Call, Invocable.Task {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final boolean store;
        private final String urlProjectId;
        private final String key;
        private final Bodies.Encoding encoding;
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean answered = new AtomicBoolean();
        private byte[] buf;
        private int length;
        private int reserved;
        private boolean released;
        private volatile boolean bodyRead;
        private volatile Scheduler.Task timeout;

        Exchange(Request request, Response response, Callback callback, boolean store, String urlProjectId, String key,
                 Bodies.Encoding encoding, int reserved) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.store = store;
            this.urlProjectId = urlProjectId;
            this.key = key;
            this.encoding = encoding;
            this.reserved = reserved;
            this.buf = new byte[reserved];
        }

        /** Jetty calls back when more of the body has arrived; copying it never blocks. */
        @Override
        public void run() {
            read();
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        /** Copies what has arrived; asks to be called back for more, or hands the whole body to a worker. */
        void read() {
            while (!answered.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    armTimeout();
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    chunk.release();
                    finish(CLOSE, SentryIngest.Answer.error(400, "request body could not be read"));
                    return;
                }
                boolean last = chunk.isLast();
                ByteBuffer bytes = chunk.getByteBuffer();
                boolean copied = copy(bytes);
                chunk.release();
                if (!copied) {
                    return;
                }
                if (last) {
                    bodyRead = true;
                    dispatch();
                    return;
                }
            }
        }

        /** False when the body cannot be held (over the cap, or over what all bodies may hold together). */
        private boolean copy(ByteBuffer bytes) {
            int n = bytes.remaining();
            if (length + n > buf.length) {
                if (length + n > maxBody) {
                    finish(CLOSE, tooLargeAnswer());
                    return false;
                }
                int grown = Math.min(Math.max(buf.length * 2, length + n), maxBody + 1);
                if (!reserve(grown - buf.length)) {
                    finish(CLOSE, SentryIngest.overloaded(IngestGate.Refusal.QUEUE_FULL));
                    return false;
                }
                buf = Arrays.copyOf(buf, grown);
            }
            bytes.get(buf, length, n);
            length += n;
            return true;
        }

        /** Reserves more of the bytes all bodies may hold; never after the answer gave the reservation back. */
        private synchronized boolean reserve(int more) {
            if (released || !inFlight.tryAcquire(more)) {
                return false;
            }
            reserved += more;
            return true;
        }

        private synchronized void release() {
            if (!released) {
                released = true;
                inFlight.release(reserved);
            }
        }

        private void dispatch() {
            if (gate.ackCommitted()) {
                armTimeout();
            }
            if (key != null && length <= INLINE_MAX_BYTES
                    && Bodies.statesAtMost(buf, length, encoding, INLINE_MAX_DECOMPRESSED)) {
                work();
                return;
            }
            if (!gate.submit(this::work)) {
                answer(SentryIngest.overloaded(IngestGate.Refusal.QUEUE_FULL));
            }
        }

        private void work() {
            if (answered.get()) {
                return; // timed out while waiting for a worker
            }
            try {
                ingest.handle(this);
            } catch (RuntimeException e) {
                // Never a 500 for what a client sent: a failure here is ours, and says so. Logged here rather
                // than thrown: on a selector there is no one to throw to, and on a worker it would end the thread.
                LOG.error("Sentry request failed", e);
                answer(SentryIngest.Answer.error(503, "the request could not be handled; retry later"));
            }
        }

        /**
         * Bounds the time to the answer, from the request's start: the body within {@code body_timeout},
         * plus the commit in committed mode. Armed only once something has to wait (a body still on its way,
         * a commit): most envelopes arrive whole with their headers and are answered from the queue.
         */
        private void armTimeout() {
            if (timeout != null) {
                return;
            }
            long limitMs = gate.bodyTimeoutMs() + (gate.ackCommitted() ? COMMIT_WAIT_MS : 0);
            long leftMs = Math.max(1, limitMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            Scheduler scheduler = request.getComponents().getScheduler();
            timeout = scheduler.schedule(this::timedOut, leftMs, TimeUnit.MILLISECONDS);
        }

        private void timedOut() {
            if (!bodyRead) {
                finish(CLOSE, SentryIngest.Answer.error(408, "request body not received within "
                        + gate.bodyTimeoutMs() + " ms"));
            } else {
                finish(CLOSE, new SentryIngest.Answer(503, ApiError.of("the events were queued but not committed in "
                        + "time; they will still be stored unless the server fails"), Map.of("Retry-After", "5")));
            }
        }

        @Override
        public boolean store() {
            return store;
        }

        @Override
        public String urlProjectId() {
            return urlProjectId;
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public byte[] body() {
            return buf;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public Bodies.Encoding encoding() {
            return encoding;
        }

        @Override
        public void answer(SentryIngest.Answer answer) {
            finish(null, answer);
        }

        @Override
        public void answerLater(SentryIngest.Answer answer) {
            // The caller is the writer thread: the socket write is not its work.
            request.getComponents().getThreadPool().execute(() -> answer(answer));
        }

        /** Answers once: the first of the worker, a failed read and the timeout to get here wins. */
        private void finish(HttpField connection, SentryIngest.Answer answer) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            Scheduler.Task t = timeout;
            if (t != null) {
                t.cancel();
            }
            release();
            if (connection != null) {
                response.getHeaders().put(connection);
            }
            send(response, callback, answer);
        }
    }

    private SentryIngest.Answer tooLargeAnswer() {
        return SentryIngest.Answer.error(413, "request body exceeds " + maxBody + " bytes (sentry.max_envelope_size)");
    }

    /**
     * Answers before the body was read: drops what of it has arrived, so that a keep-alive client's next
     * request on the connection is understood, and tells the client the connection closes when more of
     * it is still on the way (reading it would spend what the refusal saves).
     */
    private void refuse(Request request, Response response, Callback callback, SentryIngest.Answer answer) {
        if (request.getLength() != 0) {
            boolean whole = false;
            Content.Chunk chunk;
            while (!whole && (chunk = request.read()) != null) {
                whole = chunk.isLast() || Content.Chunk.isFailure(chunk);
                chunk.release();
            }
            if (!whole) {
                response.getHeaders().put(CLOSE);
            }
        }
        send(response, callback, answer);
    }

    /** Header-safe: printable ASCII only, at most 200 characters. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && out.length() < 200; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return out.toString();
    }

    /** Writes the answer without blocking; the callback completes the exchange (a client that left: ignored). */
    private void send(Response response, Callback callback, SentryIngest.Answer answer) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(answer.body());
        } catch (JsonProcessingException e) {
            callback.failed(e);
            return;
        }
        HttpFields.Mutable headers = response.getHeaders();
        answer.headers().forEach(headers::put);
        if (answer.status() >= 400) {
            // Sentry SDKs log this header's text when a request fails.
            headers.put("X-Sentry-Error", printable(((ApiError) answer.body()).error()));
        }
        response.setStatus(answer.status());
        headers.put(JSON);
        headers.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
