package dev.bloop.service.ingest;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Accepted items and rejected requests by reason, on the admin port: {@code <prefix>.<unit>.accepted}
 * and {@code <prefix>.rejected.<reason>} ({@code ingest.events.accepted}, {@code ingest.rejected.quota}), and
 * the server-side time of requests answered 200 ({@code <prefix>.accepted.latency}).
 */
public final class IngestMetrics {
    /** Why a request was refused. */
    public enum Reason { MISSING_SIGNATURE, BAD_SIGNATURE_ENCODING, PAYLOAD_TOO_LARGE, UNKNOWN_PROJECT_KEY,
        BAD_SIGNATURE, INVALID, QUEUE_FULL, SHUTTING_DOWN, STORAGE_FAILING, BODY_TIMEOUT, QUOTA, NOT_FOUND }

    private final Meter accepted;
    private final Timer acceptedLatency;
    private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);

    IngestMetrics(MetricRegistry registry, String prefix, String unit) {
        this.accepted = registry.meter(prefix + "." + unit + ".accepted");
        this.acceptedLatency = registry.timer(prefix + ".accepted.latency");
        for (Reason r : Reason.values()) {
            rejected.put(r, registry.counter(prefix + ".rejected." + r.name().toLowerCase(Locale.ROOT)));
        }
    }

    public void accepted(int items) {
        accepted.mark(items);
    }

    /** Server-side time of a request answered 200, from its headers to its answer. */
    void answeredIn(long nanos) {
        acceptedLatency.update(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void rejected(Reason reason) {
        rejected.get(reason).inc();
    }
}
