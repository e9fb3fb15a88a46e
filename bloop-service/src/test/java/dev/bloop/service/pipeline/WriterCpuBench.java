package dev.bloop.service.pipeline;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.Fingerprinter;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.DatabaseConfig;
import io.dropwizard.jackson.Jackson;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The writer's CPU cost per event (not a test: run by bench/writer.sh). Flushes of simple events over
 * a number of distinct issues into a real SQLite file, timed with the thread's CPU clock, which the
 * other processes of a shared machine do not distort the way they distort wall-clock time.
 *
 * <p>Arguments: distinct issues, flushes, events per flush, and optionally distinct users (0 or absent:
 * events without a user id).
 */
public final class WriterCpuBench {
    private WriterCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        int issues = Integer.parseInt(args[0]);
        int flushes = Integer.parseInt(args[1]);
        int perFlush = Integer.parseInt(args[2]);
        int users = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        DatabaseConfig config = new DatabaseConfig();
        config.setPath(Files.createTempDirectory("bloop-writer-bench").resolve("bench.db").toString());
        Database db = Database.open(config, new MetricRegistry());
        db.migrate();
        new ProjectStore(db).ensureDefaultProject();
        BatchWriter writer = new BatchWriter(Jackson.newObjectMapper(), 10, 10_000, dev.bloop.service.store.Dialect.SQLITE);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Random rng = new Random(1);
        long now = System.currentTimeMillis();
        long cpu = 0;
        int measured = Math.max(1, flushes / 3);
        for (int f = 0; f < flushes; f++) {
            List<AcceptedEvent> batch = new ArrayList<>(perFlush);
            for (int i = 0; i < perFlush; i++) {
                int bug = rng.nextInt(issues);
                String message = "upstream " + bug + " timed out after " + rng.nextInt(10_000) + " ms";
                String route = "/api/v1/items/" + bug;
                IngestEvent e = IngestEvent.of(now, "api", "prod", "2.0." + (bug % 3), "TimeoutError", message)
                        .withRoute(route);
                if (users > 0) {
                    e = new IngestEvent(e.timestamp(), e.source(), e.environment(), e.release(), e.errorType(),
                            e.message(), null, null, route, null, null, null, null, "user-" + rng.nextInt(users), null,
                            null, null);
                }
                batch.add(new AcceptedEvent("default", Fingerprinter.group("api", "TimeoutError", message, null, route,
                        null), now, now, e, null));
            }
            long at = now;
            long t0 = threads.getCurrentThreadCpuTime();
            db.writer().useTransaction(h -> writer.write(h.getConnection(), batch, at));
            long t1 = threads.getCurrentThreadCpuTime();
            if (f >= flushes - measured) {
                cpu += t1 - t0;
            }
            now += 100;
        }
        double perEventUs = cpu / 1e3 / ((double) measured * perFlush);
        System.out.printf("writer issues=%d users=%d events_per_flush=%d cpu_per_flush_ms=%.1f cpu_per_event_us=%.1f "
                        + "events_per_cpu_second=%.0f%n", issues, users, perFlush, cpu / 1e6 / measured, perEventUs,
                1e6 / perEventUs);
        db.stop();
    }
}
