package dev.bloop.service.llm.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.bloop.api.llm.SpanIn;
import dev.bloop.api.llm.TraceIn;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.llm.TraceSink;
import dev.bloop.service.pipeline.BoundedQueue;
import io.dropwizard.lifecycle.Managed;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns finished calls into traces and queues them for the LLM writer, on one thread of its own: off
 * the byte path (a call is handed over after its last byte went to the client), and one at a time, so
 * that calls sharing an {@code X-Bloop-Trace-Id} add spans to one trace instead of replacing it.
 *
 * <p>Nothing accepted is lost to a full queue: a call is only forwarded while the queue has room (429
 * otherwise, as trace ingest answers), and when it has filled up by the time the call ends, the
 * recorder waits for room and retries. What waits here is bounded by the calls in flight.
 */
final class Recorder implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    private static final long RETRY_MS = 20;

    private final TraceSink sink;
    private final ObjectMapper json;
    private final ExecutorService thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "bloop-llm-proxy-recorder");
                t.setDaemon(true);
                return t;
            });
    private final AtomicLong waiting = new AtomicLong();
    private volatile boolean stopping;

    Recorder(TraceSink sink, ObjectMapper json) {
        this.sink = sink;
        this.json = json;
    }

    void record(ProxiedCall call) {
        waiting.incrementAndGet();
        thread.execute(() -> {
            try {
                queue(call);
            } catch (RuntimeException e) {
                LOG.warn("Recording a proxied {} call failed: {}", call.provider(), e.toString());
            } finally {
                waiting.decrementAndGet();
            }
        });
    }

    /** Calls handed over and not yet queued for the writer (tests wait for 0). */
    long waiting() {
        return waiting.get();
    }

    private void queue(ProxiedCall call) {
        TraceIn trace = trace(call);
        while (true) {
            BoundedQueue.Offer offer;
            try {
                offer = sink.record(trace, call.projectId(), call.startedAtMs(), call.givenTraceId());
            } catch (InvalidEvent e) {
                LOG.warn("A proxied {} call was not recorded: {} ({})", call.provider(), e.getMessage(), e.field());
                return;
            }
            if (offer == BoundedQueue.Offer.ACCEPTED) {
                return;
            }
            if (offer == BoundedQueue.Offer.CLOSED || stopping) {
                LOG.warn("A proxied {} call was not recorded: the LLM writer has stopped", call.provider());
                return;
            }
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    TraceIn trace(ProxiedCall c) {
        CallFacts f = c.facts();
        String model = f.model != null ? f.model : c.requestModel();
        boolean anthropic = c.api() == Api.ANTHROPIC_MESSAGES;
        Long input = f.usageSeen ? f.input : null;
        JsonNode output = f.answer != null ? f.answer : f.text() != null ? TextNode.valueOf(f.text()) : null;
        ObjectNode meta = json.createObjectNode();
        meta.put("proxy", true);
        meta.put("path", c.path());
        if (c.httpStatus() > 0) {
            meta.put("http_status", c.httpStatus());
        }
        meta.put("streamed", c.streamed());
        if (f.finish != null) {
            meta.put("finish_reason", f.finish);
        }
        if (!f.usageFinal) {
            meta.put("usage_partial", true);
        }
        meta.put("proxy_overhead_ms", Math.round(c.overheadMs() * 1000) / 1000.0);
        String spanName = c.provider() + " " + (c.api().label != null ? c.api().label : c.path());
        SpanIn span = new SpanIn(UUID.randomUUID().toString().replace("-", ""), null, "generation", spanName, model,
                c.provider(), anthropic ? null : input, f.usageSeen ? f.output : null, anthropic ? input : null,
                f.cacheRead, f.cacheWrite5m, f.cacheWrite1h, f.reasoning, null, c.latencyMs(), c.ttftMs(), c.status(),
                c.error(), c.input(), output, meta, c.startedAtMs(), c.endedAtMs());
        Grouping g = c.grouping();
        return new TraceIn(g.traceId(), g.sessionId(), g.userId(), g.traceName() != null ? g.traceName() : spanName,
                c.status().equals("error") ? "error" : "completed", c.input(), output, null, c.startedAtMs(),
                c.endedAtMs(), List.of(span), null, null, g.experiment(), g.variant());
    }

    @Override
    public void start() {
        // the thread starts with the first call
    }

    /** Lets the calls already handed over reach the queue (the LLM writer stops after this). */
    @Override
    public void stop() throws InterruptedException {
        thread.shutdown();
        if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
            stopping = true;
            thread.awaitTermination(1, TimeUnit.SECONDS);
        }
    }
}
