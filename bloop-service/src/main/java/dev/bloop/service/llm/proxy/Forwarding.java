package dev.bloop.service.llm.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.ApiError;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * One call's answer, passed through as it arrives: the provider's status and headers, then each chunk
 * written and flushed as it came (never re-chunked, never the whole answer held), with one chunk in
 * flight at a time: the next is asked for only once this one is with the client, so a slow client
 * slows the provider's connection instead of filling memory. Writes to the client are non-blocking
 * (a servlet {@link WriteListener}): no thread waits on a slow client, so the proxy's few threads serve
 * any number of open streams. Beside the bytes, a line scanner reads usage and the first token from
 * streams, and a non-streaming answer is copied up to {@code max_capture} to be read at the end. A
 * client that goes away cancels the upstream call (the span is kept as {@code cancelled} with the
 * usage seen so far); a stream the provider cuts is cut for the client too and recorded as an error.
 * The call is handed to the {@link Recorder} after its last byte went out.
 */
final class Forwarding implements HttpResponse.BodyHandler<Void>, Flow.Subscriber<List<ByteBuffer>>, AsyncListener {
    static final String OVERHEAD_HEADER = "X-Bloop-Overhead-Ms";
    static final String TRACE_HEADER = "X-Bloop-Trace-Id";
    private static final int MAX_LINE = 1 << 20;
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "transfer-encoding",
            "proxy-connection", "upgrade", "trailer", "te");

    /** What is known of the call before the provider answers. */
    record Call(String projectId, Grouping grouping, Api api, String provider, String path, String requestModel,
                JsonNode input, boolean hideUsage, long startedAtMs, long receivedNanos, boolean traced) {
    }

    private final Call call;
    private final CallFacts facts;
    private final HttpServletRequest req;
    private final HttpServletResponse resp;
    private final HttpClient client;
    private final Recorder recorder;
    private final ObjectMapper json;
    private final int maxCapture;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final String traceId;

    private AsyncContext async;
    private volatile ServletOutputStream out;
    private volatile CompletableFuture<HttpResponse<Void>> pending;
    private volatile Flow.Subscription subscription;
    private volatile boolean clientGone;
    private long sentNanos;
    private double overheadMs;
    private int status;
    private boolean streaming;
    private SseLines lines;
    private UsageChunkHider hider;
    private ByteArrayOutputStream capture;
    private boolean captureOverflow;

    // What waits for the client's connection; guarded by writes (see pump()).
    private final Object writes = new Object();
    private byte[] unwritten;
    private boolean unflushed;
    private boolean demanded;
    private boolean upstreamEnded;
    private String endStatus;
    private String endError;
    private boolean endAbort;

    Forwarding(Call call, CallFacts facts, HttpServletRequest req, HttpServletResponse resp, HttpClient client,
               Recorder recorder, ObjectMapper json, int maxCapture) {
        this.call = call;
        this.facts = facts;
        this.req = req;
        this.resp = resp;
        this.client = client;
        this.recorder = recorder;
        this.json = json;
        this.maxCapture = maxCapture;
        this.traceId = call.grouping().traceId() != null ? call.grouping().traceId()
                : java.util.UUID.randomUUID().toString().replace("-", "");
    }

    void start(HttpRequest request) {
        async = req.startAsync();
        async.setTimeout(0);
        async.addListener(this);
        sentNanos = System.nanoTime();
        CompletableFuture<HttpResponse<Void>> f = client.sendAsync(request, this);
        pending = f;
        f.whenComplete((r, failure) -> {
            if (failure != null) {
                failed(failure);
            }
        });
    }

    // ---- the provider's status and headers

    @Override
    public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
        long headersAt = System.nanoTime();
        status = info.statusCode();
        String type = info.headers().firstValue("content-type").orElse("");
        streaming = type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        resp.setStatus(status);
        for (Map.Entry<String, List<String>> h : info.headers().map().entrySet()) {
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            if (lower.startsWith(":") || NOT_RETURNED.contains(lower)
                    || lower.equals("content-length") && (streaming || call.hideUsage())) {
                continue;
            }
            for (String v : h.getValue()) {
                resp.addHeader(h.getKey(), v);
            }
        }
        if (streaming) {
            lines = new SseLines(MAX_LINE, facts::line);
            if (call.hideUsage()) {
                hider = new UsageChunkHider(json);
            }
        } else {
            capture = new ByteArrayOutputStream(8_192);
        }
        resp.setHeader(TRACE_HEADER, traceId);
        overheadMs = (sentNanos - call.receivedNanos() + System.nanoTime() - headersAt) / 1e6;
        resp.setHeader(OVERHEAD_HEADER, String.format(Locale.ROOT, "%.3f", overheadMs));
        try {
            out = resp.getOutputStream();
            // The client's SDK waits for the headers before it reads the first event.
            unflushed = streaming;
            out.setWriteListener(new ClientWrites());
        } catch (IOException | RuntimeException e) {
            clientGone = true;
        }
        return HttpResponse.BodySubscribers.fromSubscriber(this);
    }

    // ---- the provider's bytes

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (clientGone) {
            s.cancel();
            finish("cancelled", null, false);
            return;
        }
        pump();
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        byte[] forward;
        try {
            byte[] bytes = copy(buffers);
            if (streaming) {
                lines.feed(bytes, 0, bytes.length);
            } else {
                capture(bytes, 0, bytes.length);
            }
            forward = hider != null ? hider.filter(bytes, 0, bytes.length) : bytes;
        } catch (RuntimeException e) {
            clientGone = true;
            subscription.cancel();
            finish("cancelled", null, false);
            return;
        }
        synchronized (writes) {
            demanded = false;
            unwritten = forward;
            unflushed = streaming;
        }
        pump();
    }

    /** The chunk's bytes in an array of its own: a write in flight keeps a reference to it until it is done. */
    private static byte[] copy(List<ByteBuffer> buffers) {
        int n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        byte[] bytes = new byte[n];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int r = b.remaining();
            b.get(bytes, at, r);
            at += r;
        }
        return bytes;
    }

    @Override
    public void onError(Throwable failure) {
        if (clientGone) {
            finish("cancelled", null, false);
            return;
        }
        // The provider cut the answer: the client gets what came before the cut, then a cut answer too,
        // not a clean end.
        synchronized (writes) {
            endStatus = "error";
            endError = "the provider's answer was cut: " + describe(failure);
            endAbort = true;
            upstreamEnded = true;
        }
        pump();
    }

    @Override
    public void onComplete() {
        byte[] tail = new byte[0];
        try {
            if (hider != null) {
                tail = hider.end();
            }
        } catch (RuntimeException e) {
            tail = new byte[0];
        }
        if (streaming) {
            lines.end();
        } else if (capture != null && !captureOverflow) {
            facts.body(capture.toByteArray(), capture.size(), status);
        }
        String error = facts.error;
        if (status >= 400 && error == null) {
            error = "HTTP " + status;
        }
        synchronized (writes) {
            if (tail.length > 0) {
                unwritten = unwritten == null ? tail : concat(unwritten, tail);
            }
            unflushed = true;
            endStatus = error != null ? "error" : "ok";
            endError = error;
            upstreamEnded = true;
        }
        pump();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * Moves what waits as far as the client's connection takes it without blocking: the chunk, then its
     * flush; when all is out, either the end (the provider has finished) or the next chunk is asked for.
     * When the connection is busy, the container calls {@link ClientWrites#onWritePossible} later, which
     * pumps again. Called from the provider's side (a new chunk, the end) and from the client's (ready).
     */
    private void pump() {
        boolean ask = false;
        boolean done = false;
        boolean gone = false;
        synchronized (writes) {
            if (finished.get() || out == null) {
                return;
            }
            try {
                while (out.isReady()) {
                    if (unwritten != null) {
                        byte[] b = unwritten;
                        unwritten = null;
                        if (b.length > 0) {
                            out.write(b);
                        }
                    } else if (unflushed) {
                        unflushed = false;
                        out.flush();
                    } else if (upstreamEnded) {
                        done = true;
                        break;
                    } else {
                        if (!demanded && subscription != null) {
                            demanded = true;
                            ask = true;
                        }
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                gone = true;
            }
        }
        if (gone) {
            clientGone();
        } else if (done) {
            finish(endStatus, endError, endAbort);
        } else if (ask) {
            subscription.request(1);
        }
    }

    private void capture(byte[] bytes, int offset, int n) {
        if (captureOverflow) {
            return;
        }
        if (capture.size() + n > maxCapture) {
            captureOverflow = true;
            capture = null;
            return;
        }
        capture.write(bytes, offset, n);
    }

    // ---- the client

    @Override
    public void onError(AsyncEvent event) {
        clientGone();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        clientGone();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        // our own completion
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }

    private void clientGone() {
        if (finished.get()) {
            return;
        }
        clientGone = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        } else if (pending != null) {
            pending.cancel(true);
        }
        finish("cancelled", null, false);
    }

    /** The client's connection: ready for more, or gone. */
    private final class ClientWrites implements WriteListener {
        @Override
        public void onWritePossible() {
            pump();
        }

        @Override
        public void onError(Throwable t) {
            clientGone();
        }
    }

    // ---- the end

    /** The provider never answered (or the call was cancelled before it did). */
    private void failed(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (clientGone || cause instanceof java.util.concurrent.CancellationException) {
            finish("cancelled", null, false);
            return;
        }
        if (out != null) {
            // The headers went out already: the body failed (onError has it).
            finish("error", "the provider's answer was cut: " + describe(cause), true);
            return;
        }
        boolean timeout = cause instanceof HttpTimeoutException;
        int code = timeout ? 504 : 502;
        String message = timeout ? "the provider did not answer within llm_tracing.proxy.response_timeout_secs"
                : cause instanceof ConnectException ? "cannot connect to the provider: " + describe(cause)
                : "the call to the provider failed: " + describe(cause);
        if (finished.compareAndSet(false, true)) {
            try {
                resp.setStatus(code);
                resp.setContentType("application/json");
                resp.setHeader(TRACE_HEADER, traceId);
                resp.getOutputStream().write(json.writeValueAsString(new ApiError(message, null))
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException ignored) {
                // the client is gone too
            }
            async.complete();
            record("error", message, System.nanoTime());
        }
    }

    private void finish(String spanStatus, String error, boolean abort) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        long end = System.nanoTime();
        if (abort) {
            try {
                ServletContextRequest.getServletContextRequest(req).getServletChannel()
                        .abort(new IOException("upstream cut"));
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        try {
            async.complete();
        } catch (RuntimeException ignored) {
            // the container completed it already (client gone)
        }
        if (streaming && lines != null && !spanStatus.equals("ok")) {
            lines.end();
        }
        String e = error;
        if (spanStatus.equals("error") && e == null) {
            e = facts.error;
        }
        record(spanStatus, e, end);
    }

    private void record(String spanStatus, String error, long endNanos) {
        if (!call.traced()) {
            return;
        }
        long latencyMs = (endNanos - sentNanos) / 1_000_000;
        Long ttft = streaming && facts.firstTokenNanos != 0 ? (facts.firstTokenNanos - sentNanos) / 1_000_000 : null;
        recorder.record(new ProxiedCall(call.projectId(), withTraceId(), call.grouping().traceId() != null,
                call.api(), call.provider(), call.path(), call.requestModel(), facts, spanStatus, error, status, streaming, call.input(), call.startedAtMs(),
                call.startedAtMs() + (endNanos - call.receivedNanos()) / 1_000_000, latencyMs, ttft, overheadMs));
    }

    private Grouping withTraceId() {
        Grouping g = call.grouping();
        return new Grouping(traceId, g.sessionId(), g.userId(), g.traceName(), g.experiment(), g.variant());
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
