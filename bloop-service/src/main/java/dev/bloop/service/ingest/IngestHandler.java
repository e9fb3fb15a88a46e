package dev.bloop.service.ingest;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.service.apidoc.ServletRoutes;
import dev.bloop.service.fingerprint.GroupingRules;
import dev.bloop.service.pipeline.EventQueue;
import dev.bloop.service.project.ProjectKeys;
import dev.bloop.service.sourcemap.Symbolicator;
import dev.bloop.service.store.WriteHealth;
import io.dropwizard.core.setup.Environment;

/** The parts both ingest endpoints share, and their registration as servlets. */
public record IngestHandler(SignatureCheck signatures, EventDecoder decoder, EventValidator validator,
                            EventQueue queue, WriteHealth health, IngestPolicies policies, IngestLedger ledger,
                            IngestMetrics metrics, IngestWorkers workers,
                            int maxBatchSize, long bodyTimeoutMs, boolean ackCommitted, IngestConfig limits) {

    public static IngestHandler create(IngestConfig config, ProjectKeys keys, byte[] defaultSecret,
                                       EventQueue queue, WriteHealth health, IngestPolicies policies,
                                       IngestLedger ledger, Symbolicator symbolicator, GroupingRules groupingRules,
                                       MetricRegistry registry) {
        EventDecoder decoder = new EventDecoder();
        return new IngestHandler(new SignatureCheck(keys, defaultSecret), decoder,
                new EventValidator(decoder.mapper(), config, symbolicator, groupingRules), queue, health, policies,
                ledger, new IngestMetrics(registry), new IngestWorkers(config.getWorkers(), config.getWorkQueue()),
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
        var single = environment.servlets()
                .addServlet("ingest", new IngestServlet(this, decoder.mapper(), config.getMaxPayloadBytes(), false));
        single.setAsyncSupported(true);
        single.addMapping("/v1/ingest");
        var many = environment.servlets()
                .addServlet("ingest-batch", new IngestServlet(this, decoder.mapper(), config.getMaxPayloadBytes(), true));
        many.setAsyncSupported(true);
        many.addMapping("/v1/ingest/batch");
        ServletRoutes.describe(environment, IngestRoutes.class);
    }
}
