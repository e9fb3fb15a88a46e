package dev.bloop.service.sentry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.ApiError;
import dev.bloop.service.ingest.IngestDoor;
import dev.bloop.service.ingest.IngestGate;
import dev.bloop.service.project.ProjectKeys;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/{project_id}/envelope/} and {@code POST /api/{project_id}/store/}, a plain servlet
 * beside Jersey like {@code /v1/ingest}. What can be refused without the body is refused first, with
 * the body unread: an overloaded server or failing storage (429/503), an unsupported encoding (415),
 * a key that is unknown (401) or, for store, missing (403), a declared size over the cap (413).
 * Bodies are read with servlet async I/O (a slow client holds a buffer, not a thread), each within
 * {@code sentry.max_envelope_size} and all of them together within {@code sentry.max_in_flight}
 * (past it 429, so that no mix of large bodies can exhaust the heap); the rest runs on the ingest
 * workers. Every answer carries CORS headers for browser SDKs.
 */
final class SentryServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern PATH = Pattern.compile("^/([A-Za-z0-9_-]{1,64})/(envelope|store)/?$");
    /** Headers browser SDKs send (Relay's list, plus tracing headers the SDKs add to fetch). */
    private static final String ALLOWED_HEADERS = "x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, "
            + "accept, content-type, authentication, authorization, content-encoding, transfer-encoding, "
            + "sentry-trace, baggage";
    private static final String EXPOSED_HEADERS = "x-sentry-error, x-sentry-rate-limits, retry-after";
    private static final int CHUNK = 16 * 1024;

    private final transient SentryIngest ingest;
    private final transient IngestGate gate;
    private final transient ProjectKeys keys;
    private final transient ObjectMapper json;
    private final int maxBody;
    private final transient Semaphore inFlight;
    private final int inFlightBytes;

    SentryServlet(SentryIngest ingest, IngestGate gate, ProjectKeys keys, ObjectMapper json, SentryConfig config) {
        this.ingest = ingest;
        this.gate = gate;
        this.keys = keys;
        this.json = json;
        this.maxBody = (int) config.getMaxEnvelopeSize().toBytes();
        this.inFlightBytes = (int) Math.min(Integer.MAX_VALUE, config.getMaxInFlight().toBytes());
        this.inFlight = new Semaphore(inFlightBytes);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Access-Control-Allow-Origin", "*");
        resp.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        if (req.getMethod().equals("OPTIONS")) {
            resp.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
            resp.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            resp.setHeader("Access-Control-Max-Age", "3600");
            resp.setStatus(HttpServletResponse.SC_OK);
            return;
        }
        Matcher path = PATH.matcher(req.getPathInfo() == null ? "" : req.getPathInfo());
        if (!path.matches()) {
            send(resp, new SentryIngest.Answer(404, ApiError.of("no such Sentry endpoint: bloop takes "
                    + "POST /api/<project id>/envelope/ and POST /api/<project id>/store/"), Map.of()));
            return;
        }
        if (!req.getMethod().equals("POST")) {
            resp.setHeader("Allow", "POST, OPTIONS");
            send(resp, new SentryIngest.Answer(405, ApiError.of("method " + req.getMethod() + " is not allowed; use POST"),
                    Map.of()));
            return;
        }
        IngestGate.Refusal refusal = gate.refusal();
        if (refusal != null) {
            IngestDoor.discardOrClose(req, resp);
            send(resp, SentryIngest.overloaded(refusal));
            return;
        }
        Bodies.Encoding encoding = Bodies.encoding(req.getHeader("Content-Encoding"));
        if (encoding == null) {
            IngestDoor.discardOrClose(req, resp);
            send(resp, new SentryIngest.Answer(415, new ApiError("Content-Encoding " + req.getHeader("Content-Encoding")
                    + " is not supported; send gzip, deflate or an uncompressed body", "Content-Encoding"), Map.of()));
            return;
        }
        boolean store = path.group(2).equals("store");
        String key = SentryAuth.fromQuery(req.getQueryString());
        if (key == null) {
            key = SentryAuth.fromHeader(req.getHeader("X-Sentry-Auth"));
        }
        if (key == null) {
            key = SentryAuth.fromHeader(req.getHeader("Authorization"));
        }
        // Cheap refusals before the body: an unknown key (cached lookup), or a store request without one
        // (an envelope may still name its key in its dsn header).
        if (key != null && keys.resolveDsnKey(key).isEmpty()) {
            IngestDoor.discardOrClose(req, resp);
            send(resp, SentryIngest.Answer.error(401, "unknown Sentry key: use the DSN shown on the project's page"));
            return;
        }
        if (key == null && store) {
            IngestDoor.discardOrClose(req, resp);
            send(resp, SentryIngest.Answer.error(403, "no Sentry key: send the DSN's public key in the X-Sentry-Auth "
                    + "header or the sentry_key query parameter"));
            return;
        }
        long declared = req.getContentLengthLong();
        if (declared > maxBody) {
            tooLarge(resp);
            return;
        }
        int first = declared >= 0 ? (int) declared + 1 : CHUNK;
        if (!inFlight.tryAcquire(first)) {
            IngestDoor.discardOrClose(req, resp);
            send(resp, SentryIngest.overloaded(IngestGate.Refusal.QUEUE_FULL));
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(gate.bodyTimeoutMs() + (gate.ackCommitted() ? 30_000 : 0));
        Exchange x = new Exchange(req, resp, async, store, path.group(1), key, encoding, first);
        async.addListener(x);
        req.getInputStream().setReadListener(x);
    }

    /** One request between the start of its body and its answer. */
    private final class Exchange implements ReadListener, AsyncListener, SentryIngest.Call {
        private final HttpServletResponse resp;
        private final AsyncContext async;
        private final ServletInputStream in;
        private final boolean store;
        private final String urlProjectId;
        private final String key;
        private final Bodies.Encoding encoding;
        private final AtomicBoolean answered = new AtomicBoolean();
        private final AtomicBoolean released = new AtomicBoolean();
        private byte[] buf;
        private int length;
        private int reserved;

        Exchange(HttpServletRequest req, HttpServletResponse resp, AsyncContext async, boolean store,
                 String urlProjectId, String key, Bodies.Encoding encoding, int reserved) throws IOException {
            this.resp = resp;
            this.async = async;
            this.in = req.getInputStream();
            this.store = store;
            this.urlProjectId = urlProjectId;
            this.key = key;
            this.encoding = encoding;
            this.reserved = reserved;
            this.buf = new byte[reserved];
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (in.isReady() && !answered.get()) {
                if (length == buf.length) {
                    if (buf.length > maxBody) {
                        finish(() -> tooLarge(resp));
                        return;
                    }
                    int grown = Math.min(buf.length * 2, maxBody + 1);
                    if (!inFlight.tryAcquire(grown - buf.length)) {
                        finish(() -> {
                            resp.setHeader("Connection", "close");
                            send(resp, SentryIngest.overloaded(IngestGate.Refusal.QUEUE_FULL));
                        });
                        return;
                    }
                    reserved += grown - buf.length;
                    buf = Arrays.copyOf(buf, grown);
                }
                int n = in.read(buf, length, buf.length - length);
                if (n < 0) {
                    return;
                }
                length += n;
            }
        }

        @Override
        public void onAllDataRead() {
            if (answered.get()) {
                return;
            }
            if (length > maxBody) {
                finish(() -> tooLarge(resp));
                return;
            }
            if (!gate.submit(() -> {
                if (answered.get()) {
                    return; // timed out while waiting for a worker
                }
                try {
                    ingest.handle(this);
                } catch (RuntimeException e) {
                    // Never a 500 for what a client sent: a failure here is ours, and says so.
                    answer(SentryIngest.Answer.error(503, "the request could not be handled; retry later"));
                    throw e;
                }
            })) {
                finish(() -> send(resp, SentryIngest.overloaded(IngestGate.Refusal.QUEUE_FULL)));
            }
        }

        @Override
        public void onError(Throwable t) {
            finish(() -> {
                resp.setHeader("Connection", "close");
                send(resp, SentryIngest.Answer.error(400, "request body could not be read"));
            });
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            finish(() -> {
                resp.setHeader("Connection", "close");
                if (!in.isFinished()) {
                    send(resp, SentryIngest.Answer.error(408, "request body not received within "
                            + gate.bodyTimeoutMs() + " ms"));
                } else {
                    resp.setHeader("Retry-After", "5");
                    send(resp, SentryIngest.Answer.error(503, "the events were queued but not committed in time; "
                            + "they will still be stored unless the server fails"));
                }
            });
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) {
            release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
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
            finish(() -> send(resp, answer));
        }

        @Override
        public void answerLater(SentryIngest.Answer answer) {
            async.start(() -> answer(answer));
        }

        /** Answers once: the first of data, error and timeout to get here wins. */
        void finish(Answer write) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            try {
                write.write();
            } catch (IOException | RuntimeException e) {
                // The client is gone; there is nobody left to tell.
            } finally {
                release();
                async.complete();
            }
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                inFlight.release(reserved);
            }
        }
    }

    @FunctionalInterface
    private interface Answer {
        void write() throws IOException;
    }

    private void tooLarge(HttpServletResponse resp) throws IOException {
        resp.setHeader("Connection", "close");
        send(resp, SentryIngest.Answer.error(413, "request body exceeds " + maxBody + " bytes (sentry.max_envelope_size)"));
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

    private void send(HttpServletResponse resp, SentryIngest.Answer answer) throws IOException {
        byte[] bytes = json.writeValueAsBytes(answer.body());
        answer.headers().forEach(resp::setHeader);
        if (answer.status() >= 400) {
            // Sentry SDKs log this header's text when a request fails.
            resp.setHeader("X-Sentry-Error", printable(((ApiError) answer.body()).error()));
        }
        resp.setStatus(answer.status());
        resp.setContentType("application/json");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
