package dev.bloop.service.ingest;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.EnumMap;
import java.util.Map;

/** Accepted events and rejected requests by reason, on the admin port. */
final class IngestMetrics {
    enum Reason { MISSING_SIGNATURE, BAD_SIGNATURE_ENCODING, PAYLOAD_TOO_LARGE, UNKNOWN_PROJECT_KEY,
        BAD_SIGNATURE, INVALID, QUEUE_FULL, SHUTTING_DOWN, STORAGE_FAILING, BODY_TIMEOUT, QUOTA }

    private final Meter accepted;
    private final Timer acceptedLatency;
    private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);

    IngestMetrics(MetricRegistry registry) {
        this.accepted = registry.meter("ingest.events.accepted");
        this.acceptedLatency = registry.timer("ingest.accepted.latency");
        for (Reason r : Reason.values()) {
            rejected.put(r, registry.counter("ingest.rejected." + r.name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    void accepted(int events) {
        accepted.mark(events);
    }

    /** Server-side time of a request answered 200, from its headers to its answer. */
    void answeredIn(long nanos) {
        acceptedLatency.update(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void rejected(Reason reason) {
        rejected.get(reason).inc();
    }
}
