package dev.bloop.service.ingest;

import dev.bloop.api.Signatures;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.pipeline.EventWriter;
import io.dropwizard.lifecycle.Managed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ingest's hot path (signature, JSON, validation, grouping, and one rolled-back flush) on
 * synthetic events before the port opens. A server is most often restarted right after a bad
 * deploy, when its clients have errors queued: this way the first flood meets compiled code rather
 * than the interpreter. Bounded by {@code ingest.warmup} (0 turns it off).
 */
public final class IngestWarmup implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(IngestWarmup.class);
    private static final int FLUSH_EVERY = 2_000;

    private final IngestHandler handler;
    private final EventWriter writer;
    private final byte[] secret;
    private final long budgetNanos;

    public IngestWarmup(IngestHandler handler, EventWriter writer, byte[] defaultSecret, long budgetMs) {
        this.handler = handler;
        this.writer = writer;
        this.secret = defaultSecret.clone();
        this.budgetNanos = TimeUnit.MILLISECONDS.toNanos(budgetMs);
    }

    @Override
    public void start() {
        if (budgetNanos <= 0) {
            return;
        }
        long start = System.nanoTime();
        int events = 0;
        List<AcceptedEvent> pending = new ArrayList<>(FLUSH_EVERY);
        try {
            while (System.nanoTime() - start < budgetNanos) {
                byte[] body = body(events);
                byte[] mac = Signatures.mac(secret, body, body.length);
                if (handler.signatures().verify(null, body, body.length, mac).failure() != null) {
                    throw new IllegalStateException("warm-up signature did not verify");
                }
                pending.add(handler.validator().validate(handler.decoder().single(body, body.length),
                        dev.bloop.service.project.Project.DEFAULT_ID, System.currentTimeMillis()));
                events++;
                if (pending.size() == FLUSH_EVERY) {
                    writer.warmUp(pending);
                    pending.clear();
                }
            }
            LOG.info("Ingest warmed up with {} synthetic events in {} ms", events,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (InvalidEvent | java.sql.SQLException | RuntimeException e) {
            LOG.warn("Ingest warm-up stopped early: {}", e.getMessage());
        }
    }

    private static byte[] body(int i) {
        String stack = i % 2 == 0 ? ""
                : ",\"stack\":\"TypeError: x\\n    at handler" + (i % 97) + " (src/app.ts:" + i + ":10)\\n    at node_modules/express/lib/router.js:1:1\"";
        return ("{\"timestamp\":1700000000000,\"source\":\"api\",\"environment\":\"warmup\",\"release\":\"1.0." + (i % 7)
                + "\",\"error_type\":\"WarmupError\",\"message\":\"User " + i + " not found at 2024-01-01T00:00:00Z id "
                + Integer.toHexString(i * 2654435761L > 0 ? i : -i) + "\",\"route_or_procedure\":\"/api/" + (i % 50) + "\""
                + stack + ",\"metadata\":{\"n\":" + i + "}}").getBytes(StandardCharsets.UTF_8);
    }
}
