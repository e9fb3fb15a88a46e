package dev.bloop.service.ingest;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.util.EnumMap;
import java.util.Map;

/** Accepted events and rejected requests by reason, on the admin port. */
final class IngestMetrics {
    enum Reason { MISSING_SIGNATURE, BAD_SIGNATURE_ENCODING, PAYLOAD_TOO_LARGE, UNKNOWN_PROJECT_KEY,
        BAD_SIGNATURE, INVALID, QUEUE_FULL, SHUTTING_DOWN, STORAGE_FAILING, BODY_TIMEOUT, QUOTA }

    private final Meter accepted;
    private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);

    IngestMetrics(MetricRegistry registry) {
        this.accepted = registry.meter("ingest.events.accepted");
        for (Reason r : Reason.values()) {
            rejected.put(r, registry.counter("ingest.rejected." + r.name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    void accepted(int events) {
        accepted.mark(events);
    }

    void rejected(Reason reason) {
        rejected.get(reason).inc();
    }
}
