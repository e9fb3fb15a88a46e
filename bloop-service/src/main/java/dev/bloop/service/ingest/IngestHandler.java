package dev.bloop.service.ingest;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.apidoc.ServletRoutes;
import dev.bloop.service.fingerprint.GroupingRules;
import dev.bloop.service.pipeline.BoundedQueue;
import dev.bloop.service.pipeline.EventQueue;
import dev.bloop.service.project.ProjectKeys;
import dev.bloop.service.sourcemap.Symbolicator;
import dev.bloop.service.store.WriteHealth;
import io.dropwizard.core.setup.Environment;

/**
 * The parts both ingest endpoints share, and their registration as servlets. Optional modules get
 * their own {@link IngestDoor} from {@link #door}: the same key and signature checks, worker pool and
 * refusals, in front of their own queue.
 */
public record IngestHandler(SignatureCheck signatures, EventDecoder decoder, EventValidator validator,
                            EventQueue queue, WriteHealth health, IngestPolicies policies, IngestLedger ledger,
                            IngestMetrics metrics, IngestWorkers workers,
                            int maxBatchSize, long bodyTimeoutMs, boolean ackCommitted, IngestConfig limits) {
    /** How long a committed-mode request may wait for its commit beyond the body timeout. */
    private static final long COMMIT_WAIT_MS = 30_000;

    public static IngestHandler create(IngestConfig config, ProjectKeys keys, byte[] defaultSecret,
                                       EventQueue queue, WriteHealth health, IngestPolicies policies,
                                       IngestLedger ledger, Symbolicator symbolicator, GroupingRules groupingRules,
                                       MetricRegistry registry) {
        EventDecoder decoder = new EventDecoder();
        return new IngestHandler(new SignatureCheck(keys, defaultSecret), decoder,
                new EventValidator(decoder.mapper(), config, symbolicator, groupingRules), queue, health, policies,
                ledger, new IngestMetrics(registry, "ingest", "events"), new IngestWorkers(config.getWorkers(), config.getWorkQueue()),
                config.getMaxBatchSize(), config.getBodyTimeout().toMilliseconds(),
                config.getAck() == IngestConfig.Ack.COMMITTED, config);
    }

    /** The same path for events that arrive through other endpoints (Sentry-compatible ingest). */
    public IngestGate gate() {
        return new IngestGate(this);
    }

    public void register(Environment environment, IngestConfig config) {
        environment.lifecycle().manage(workers);
        environment.lifecycle().manage(ledger);
        // Async: bodies are read, and committed-mode answers sent, without a thread waiting on the client.
        IngestDoor events = new IngestDoor(signatures, workers, metrics, decoder.mapper(), queue, health,
                config.getMaxPayloadBytes(), bodyTimeoutMs, ackCommitted ? COMMIT_WAIT_MS : 0, "events");
        var single = environment.servlets().addServlet("ingest", new IngestServlet(this, events, false));
        single.setAsyncSupported(true);
        single.addMapping("/v1/ingest");
        var many = environment.servlets().addServlet("ingest-batch", new IngestServlet(this, events, true));
        many.setAsyncSupported(true);
        many.addMapping("/v1/ingest/batch");
        ServletRoutes.describe(environment, IngestRoutes.class);
    }

    /**
     * A door for another queue: the same keys, signatures, worker pool and body timeout, with its own
     * body cap and metrics ({@code <metricPrefix>.<unit>.accepted}, {@code <metricPrefix>.rejected.<reason>}).
     */
    public IngestDoor door(BoundedQueue<?> otherQueue, int maxPayloadBytes, String metricPrefix, String unit,
                           ObjectMapper json, MetricRegistry registry) {
        return new IngestDoor(signatures, workers, new IngestMetrics(registry, metricPrefix, unit), json, otherQueue,
                health, maxPayloadBytes, bodyTimeoutMs, 0, unit);
    }
}
