package dev.bloop.service.analytics;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.Fingerprinter;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.pipeline.DeadLetters;
import dev.bloop.service.pipeline.EventQueue;
import dev.bloop.service.pipeline.EventWriter;
import dev.bloop.service.pipeline.PipelineConfig;
import dev.bloop.service.pipeline.SpillJournal;
import dev.bloop.service.store.Database;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.Duration;
import java.nio.file.Path;
import java.util.List;

/**
 * Events with receive times in the past, written through bloop's real writer (ingest always stamps
 * "now", and analytics is about the hours before it).
 */
final class PastEvents {
    private PastEvents() {
    }

    static String fingerprint(String message) {
        return Fingerprinter.group("api", "FixtureError", message, null, "/fixture", null).fingerprint();
    }

    static AcceptedEvent event(String projectId, String message, String env, String release, long receivedAt) {
        IngestEvent e = IngestEvent.of(receivedAt, "api", env, release, "FixtureError", message).withRoute("/fixture");
        return new AcceptedEvent(projectId, Fingerprinter.group("api", "FixtureError", message, null, "/fixture", null),
                receivedAt, receivedAt, e, null);
    }

    /** Writes the events in order and returns once every one is committed. */
    static void write(Database db, List<AcceptedEvent> events) throws InterruptedException {
        PipelineConfig pipeline = new PipelineConfig();
        pipeline.setFlushInterval(Duration.milliseconds(20));
        EventQueue queue = new EventQueue(Math.max(1000, events.size()));
        EventWriter writer = new EventWriter(queue, db, Jackson.newObjectMapper(), pipeline,
                new MetricRegistry(), new DeadLetters(db.writer(), db.reader()),
                new SpillJournal(Path.of(db.file() + ".fixture-spill"), 0));
        writer.start();
        try {
            long before = count(db);
            for (int from = 0; from < events.size(); from += 1000) {
                if (queue.offerAll(events.subList(from, Math.min(events.size(), from + 1000)))
                        != EventQueue.Offer.ACCEPTED) {
                    throw new IllegalStateException("the fixture's queue refused events");
                }
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (count(db) < before + events.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("fixture events not committed in time");
                }
                Thread.sleep(20);
            }
        } finally {
            writer.stop();
        }
    }

    private static long count(Database db) {
        return db.reader().withHandle(h -> h.createQuery("SELECT count(*) FROM raw_events").mapTo(Long.class).one());
    }
}
