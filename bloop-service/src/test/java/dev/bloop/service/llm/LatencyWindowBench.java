package dev.bloop.service.llm;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.DatabaseConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;

/**
 * The CPU cost of one {@code /v1/llm/latency} read over a 24-hour window (not a test: run by
 * bench/llm_latency_window.sh): the exact-distribution rows of HOURS busy hours (MODELS models, up to
 * VALUES distinct milliseconds each) written straight into a real SQLite file, then the same read
 * REPEAT times, timed with the thread's CPU clock. The first read fills the settled hours' cache; the
 * others read only the live hour. Arguments: hours, models, distinct values per model and hour, repeats.
 */
public final class LatencyWindowBench {
    private LatencyWindowBench() {
    }

    public static void main(String[] args) throws Exception {
        int hours = Integer.parseInt(args[0]);
        int models = Integer.parseInt(args[1]);
        int values = Integer.parseInt(args[2]);
        int repeat = Integer.parseInt(args[3]);
        DatabaseConfig config = new DatabaseConfig();
        config.setPath(Files.createTempDirectory("bloop-latency-bench").resolve("bench.db").toString());
        Database db = Database.open(config, new MetricRegistry());
        db.migrate();
        new ProjectStore(db).ensureDefaultProject();
        long now = System.currentTimeMillis();
        long current = Math.floorDiv(now, LlmQueries.HOUR_MS) * LlmQueries.HOUR_MS;
        Random rng = new Random(1);
        long rows = 0;
        for (int hour = 0; hour < hours; hour++) {
            long bucket = current - (long) hour * LlmQueries.HOUR_MS;
            rows += db.writer().inTransaction(h -> {
                var batch = h.prepareBatch("INSERT OR IGNORE INTO llm_latency_hourly (project_id, kind, hour_bucket, "
                        + "model, value_ms, count) VALUES ('default', 'l', ?, ?, ?, ?)");
                for (int m = 0; m < models; m++) {
                    for (int v = 0; v < values; v++) {
                        // Latencies of a model call: a long tail over tens of seconds.
                        batch.add(bucket, "model-" + m, (long) (200 + Math.abs(rng.nextGaussian()) * 8_000), 1 + rng.nextInt(3));
                    }
                }
                return (long) Arrays.stream(batch.execute()).sum();
            });
        }
        LatencyHistograms histograms = new LatencyHistograms(() -> now);
        LlmQueries queries = new LlmQueries(db.reader(), db.dialect(), io.dropwizard.jackson.Jackson.newObjectMapper(), null, histograms);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] ms = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = threads.getCurrentThreadCpuTime();
            queries.latency("default", hours, null, now);
            ms[i] = (threads.getCurrentThreadCpuTime() - t0) / 1e6;
        }
        double[] warm = Arrays.copyOfRange(ms, 1, ms.length);
        Arrays.sort(warm);
        System.out.printf("latency_window hours=%d models=%d rows=%d first_read_cpu_ms=%.1f later_reads_cpu_ms_p50=%.1f "
                        + "p99=%.1f%n", hours, models, rows, ms[0], warm[warm.length / 2],
                warm[Math.min(warm.length - 1, (int) Math.ceil(warm.length * 0.99) - 1)]);
        db.stop();
    }
}
