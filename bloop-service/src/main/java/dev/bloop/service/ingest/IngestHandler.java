package dev.bloop.service.ingest;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.service.fingerprint.GroupingRules;
import dev.bloop.service.pipeline.EventQueue;
import dev.bloop.service.project.ProjectKeys;
import dev.bloop.service.sourcemap.Symbolicator;
import io.dropwizard.core.setup.Environment;

/** The parts both ingest endpoints share, and their registration as servlets. */
public record IngestHandler(SignatureCheck signatures, EventDecoder decoder, EventValidator validator,
                            EventQueue queue, IngestMetrics metrics, int maxBatchSize) {

    public static IngestHandler create(IngestConfig config, ProjectKeys keys, byte[] defaultSecret,
                                       EventQueue queue, Symbolicator symbolicator, GroupingRules groupingRules,
                                       MetricRegistry registry) {
        EventDecoder decoder = new EventDecoder();
        return new IngestHandler(new SignatureCheck(keys, defaultSecret), decoder,
                new EventValidator(decoder.mapper(), config, symbolicator, groupingRules), queue, new IngestMetrics(registry),
                config.getMaxBatchSize());
    }

    public void register(Environment environment, IngestConfig config) {
        environment.servlets()
                .addServlet("ingest", new IngestServlet(this, decoder.mapper(), config.getMaxPayloadBytes(), false))
                .addMapping("/v1/ingest");
        environment.servlets()
                .addServlet("ingest-batch", new IngestServlet(this, decoder.mapper(), config.getMaxPayloadBytes(), true))
                .addMapping("/v1/ingest/batch");
    }
}
