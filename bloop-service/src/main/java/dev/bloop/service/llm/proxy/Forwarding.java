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
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One call's answer, passed through as it arrives: the provider's status and headers, then each chunk
 * written and flushed as it came (never re-chunked, never the whole answer held), with one chunk in
 * flight at a time: the next is read from the provider's connection only once this one is with the
 * client, so a slow client slows the provider's connection instead of filling memory. Writes to the
 * client are non-blocking (a servlet {@link WriteListener}) and reads from the provider are demanded
 * (Jetty's client: a chunk is read when asked for, or a callback comes when one arrives): no thread
 * waits on either side, so a few threads serve any number of open streams. Beside the bytes, a line
 * scanner reads usage and the first token from streams, and a non-streaming answer is copied up to
 * {@code max_capture} to be read at the end. A client that goes away aborts the upstream call (the span
 * is kept as {@code cancelled} with the usage seen so far); a stream the provider cuts is cut for the
 * client too and recorded as an error. The call is handed to the {@link Recorder} after its last byte
 * went out.
 */
final class Forwarding implements Response.HeadersListener, Response.ContentSourceListener,
        Response.CompleteListener, AsyncListener {
    static final String OVERHEAD_HEADER = "X-Bloop-Overhead-Ms";
    static final String TRACE_HEADER = "X-Bloop-Trace-Id";
    private static final int MAX_LINE = 1 << 20;
    /** At most this much of what has already arrived is taken and written at once (see take()). */
    private static final int MAX_BATCH = 64 * 1024;
    /** Hop-by-hop headers, and Date: the server sends its own, and a response with two is malformed. */
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "transfer-encoding",
            "proxy-connection", "upgrade", "trailer", "te", "date");

    /** What is known of the call before the provider answers. */
    record Call(String projectId, Grouping grouping, Api api, String provider, String path, String requestModel,
                JsonNode input, boolean hideUsage, long startedAtMs, long receivedNanos, boolean traced) {
    }

    private final Call call;
    private final CallFacts facts;
    private final HttpServletRequest req;
    private final HttpServletResponse resp;
    private final Recorder recorder;
    private final ObjectMapper json;
    private final int maxCapture;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final String traceId;
    /**
     * Called back when the provider's next bytes are there. Non-blocking (it copies, scans and starts a
     * non-blocking write), so Jetty's client runs it on the thread that saw the bytes instead of handing
     * every chunk to another thread.
     */
    private final Runnable dataArrived = Invocable.from(Invocable.InvocationType.NON_BLOCKING, this::arrived);

    private AsyncContext async;
    private volatile Request upstream;
    private volatile Scheduler.Task responseTimeout;
    private volatile ServletOutputStream out;
    private volatile Content.Source source;
    private volatile boolean headersSeen;
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
    /** Guards the line scanner, the capture and the usage-chunk hider: the last chunk and the exchange's end may meet. */
    private final Object parse = new Object();
    private final AtomicInteger endParts = new AtomicInteger(2);
    private volatile boolean lastRead;
    private byte[] unwritten;
    private boolean unflushed;
    private boolean demanded;
    private boolean upstreamEnded;
    private String endStatus;
    private String endError;
    private boolean endAbort;

    Forwarding(Call call, CallFacts facts, HttpServletRequest req, HttpServletResponse resp, Recorder recorder,
               ObjectMapper json, int maxCapture) {
        this.call = call;
        this.facts = facts;
        this.req = req;
        this.resp = resp;
        this.recorder = recorder;
        this.json = json;
        this.maxCapture = maxCapture;
        this.traceId = call.grouping().traceId() != null ? call.grouping().traceId()
                : UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * Sends the request upstream; from here on every outcome ends in {@link #finish} or {@link #failed}.
     *
     * @param timeout how long the provider may take to send its status and headers (504 after that)
     */
    void start(Request request, Scheduler scheduler, Duration timeout) {
        async = req.startAsync();
        async.setTimeout(0);
        async.addListener(this);
        upstream = request;
        sentNanos = System.nanoTime();
        responseTimeout = scheduler.schedule(() -> {
            if (!headersSeen) {
                request.abort(new TimeoutException("no answer within " + timeout.toSeconds() + " s"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        // send() registers this for every response event it listens to: headers, content source, completion.
        request.send(this);
    }

    // ---- the provider's status and headers

    @Override
    public void onHeaders(Response response) {
        long headersAt = System.nanoTime();
        headersSeen = true;
        Scheduler.Task t = responseTimeout;
        if (t != null) {
            t.cancel();
        }
        status = response.getStatus();
        String type = response.getHeaders().get("content-type");
        streaming = type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        resp.setStatus(status);
        for (HttpField h : response.getHeaders()) {
            String lower = h.getLowerCaseName();
            if (NOT_RETURNED.contains(lower) || lower.equals("content-length") && (streaming || call.hideUsage())) {
                continue;
            }
            resp.addHeader(h.getName(), h.getValue());
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
            clientGone();
        }
    }

    // ---- the provider's bytes

    @Override
    public void onContentSource(Response response, Content.Source contentSource) {
        // The first read: here, unless the client's side (ready to write) got to it first. One read or
        // demand at a time: demanding twice is an error.
        boolean first;
        synchronized (writes) {
            source = contentSource;
            first = !demanded;
            demanded = true;
        }
        if (first && !clientGone) {
            arrived();
        }
    }

    /** Bytes may be there to read (the first time, or the callback {@link #take} asked for). */
    private void arrived() {
        Taken taken = take();
        if (taken != null && accept(taken)) {
            pump();
        }
    }

    /**
     * What has arrived of the answer since the last take, copied (the buffers go back to the pool at once;
     * a write in flight keeps the copy; whether the end came with it is part of the answer, not a field
     * another thread's take could change meanwhile), or null: nothing yet (a callback is asked for), a failure (the
     * exchange's end reports it), or the end. Everything already received is taken together, up to
     * {@link #MAX_BATCH}: a provider that wrote 500 events at once is passed on in one write, as it came,
     * not in 500 (Jetty's client hands over each HTTP chunk separately).
     */
    private Taken take() {
        Content.Source s = source;
        ByteArrayOutputStream batch = null;
        byte[] first = null;
        while (true) {
            Content.Chunk chunk = s.read();
            if (chunk == null) {
                if (first != null) {
                    return new Taken(batch != null ? batch.toByteArray() : first, false);
                }
                s.demand(dataArrived);
                return null;
            }
            if (Content.Chunk.isFailure(chunk)) {
                if (!chunk.isLast()) {
                    upstream.abort(chunk.getFailure());
                }
                // what came before the failure still goes out; the exchange's end then reports the cut
                return first == null ? null : new Taken(batch != null ? batch.toByteArray() : first, false);
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            int n = buffer.remaining();
            boolean last = chunk.isLast();
            if (n > 0) {
                if (first == null) {
                    first = new byte[n];
                    buffer.get(first);
                } else {
                    if (batch == null) {
                        batch = new ByteArrayOutputStream(Math.max(1_024, first.length * 4));
                        batch.write(first, 0, first.length);
                    }
                    byte[] more = new byte[n];
                    buffer.get(more);
                    batch.write(more, 0, n);
                }
            }
            chunk.release();
            if (last) {
                lastRead = true;
                if (first == null) {
                    endPart();
                    return null;
                }
                return new Taken(batch != null ? batch.toByteArray() : first, true);
            }
            if (batch != null && batch.size() >= MAX_BATCH) {
                return new Taken(batch.toByteArray(), false);
            }
        }
    }

    /** Bytes of the answer, and whether they are its last (then the answer ends once they are queued). */
    private record Taken(byte[] bytes, boolean last) {
    }

    /** Reads what the chunk says and queues it for the client; false when that failed (the call is cancelled). */
    private boolean accept(Taken taken) {
        byte[] bytes = taken.bytes();
        byte[] forward;
        try {
            synchronized (parse) {
                if (streaming) {
                    lines.feed(bytes, 0, bytes.length);
                } else {
                    capture(bytes, 0, bytes.length);
                }
                forward = hider != null ? hider.filter(bytes, 0, bytes.length) : bytes;
            }
        } catch (RuntimeException e) {
            clientGone();
            return false;
        }
        synchronized (writes) {
            demanded = false;
            unwritten = forward;
            unflushed = streaming;
        }
        if (taken.last()) {
            endPart();
        }
        return true;
    }

    /** The exchange is over: the whole answer was read, or it failed (before or after the headers), or was aborted. */
    @Override
    public void onComplete(Result result) {
        Scheduler.Task t = responseTimeout;
        if (t != null) {
            t.cancel();
        }
        if (result.isFailed()) {
            upstreamFailed(result.getFailure());
            return;
        }
        if (source == null) {
            // an answer without a body
            lastRead = true;
            endPart();
        }
        endPart();
    }

    /**
     * The answer ends once both its last bytes have been read (and queued for the client) and the exchange
     * has completed; the two can come in either order, on different threads.
     */
    private void endPart() {
        if (endParts.decrementAndGet() == 0) {
            upstreamEnded();
        }
    }

    private void upstreamFailed(Throwable failure) {
        if (clientGone) {
            finish("cancelled", null, false);
            return;
        }
        if (!headersSeen) {
            failed(failure);
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

    private void upstreamEnded() {
        byte[] tail = new byte[0];
        synchronized (parse) {
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
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * Moves what waits as far as the client's connection takes it without blocking: the chunk, then its
     * flush; when all is out, either the end (the provider has finished) or the next chunk is read.
     * When the connection is busy, the container calls {@link ClientWrites#onWritePossible} later, which
     * pumps again. Called from the provider's side (a new chunk, the end) and from the client's (ready).
     */
    private void pump() {
        while (true) {
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
                            if (!demanded && source != null && !lastRead) {
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
                return;
            }
            if (done) {
                finish(endStatus, endError, endAbort);
                return;
            }
            // The next chunk: read here when it is there already (a loop, not a recursion, however many are).
            Taken next = ask ? take() : null;
            if (next == null || !accept(next)) {
                return;
            }
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
        Request r = upstream;
        if (r != null) {
            r.abort(new CancellationException("the client went away"));
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
    private void failed(Throwable cause) {
        if (clientGone || cause instanceof CancellationException) {
            finish("cancelled", null, false);
            return;
        }
        // The response timeout (see start) and the client's idle timeout both fail the call with a TimeoutException.
        boolean timeout = cause instanceof TimeoutException;
        int code = timeout ? 504 : 502;
        String message = timeout ? "the provider did not answer within llm_tracing.proxy.response_timeout_secs"
                : connecting(cause) ? "cannot connect to the provider: " + describe(cause)
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
            synchronized (parse) {
                lines.end();
            }
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

    /** A failure to reach the provider at all (refused, no such host, or over connect_timeout_secs). */
    private static boolean connecting(Throwable t) {
        return t instanceof ConnectException || t instanceof UnknownHostException
                || t instanceof UnresolvedAddressException || t instanceof SocketTimeoutException;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
