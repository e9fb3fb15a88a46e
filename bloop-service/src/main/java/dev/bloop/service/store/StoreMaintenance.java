package dev.bloop.service.store;

import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Housekeeping on its own thread, never on the writer's. On both databases: minute counts older than
 * alert windows need are dropped (with other nodes on the database, by the node leading
 * {@value #MINUTE_COUNTS_JOB}). The rest is SQLite's; PostgreSQL keeps its own house (autovacuum,
 * its WAL, statistics).
 *
 * <p>WAL checkpoints (copying committed pages into the database file, with an fsync): left to
 * SQLite, the checkpoint runs inside whichever COMMIT crosses the threshold, and a profile showed
 * the writer spending half its time there. A PASSIVE checkpoint every second keeps the WAL short
 * without blocking the writer; the write connections keep a large automatic threshold only as a
 * safety net. On stop, after the writer's final drain, the WAL is checkpointed and truncated.
 *
 * <p>Planner statistics: {@code PRAGMA optimize} shortly after start and then every half hour, so
 * that query plans follow the data as it grows (it re-analyzes only tables that changed a lot, with
 * a bounded sample).
 */
public final class StoreMaintenance implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMaintenance.class);
    private static final long OPTIMIZE_EVERY_MINUTES = 30;
    private static final long MINUTE_COUNTS_DAYS = 2;
    static final String MINUTE_COUNTS_JOB = "minute-counts";
    private final Jdbi writer;
    private final boolean sqlite;
    private final Nodes nodes;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bloop-store-maintenance");
        t.setDaemon(true);
        return t;
    });

    public StoreMaintenance(Database db) {
        this.writer = db.writer();
        this.sqlite = db.dialect() == Dialect.SQLITE;
        this.nodes = db.nodes();
    }

    @Override
    public void start() {
        if (sqlite) {
            executor.scheduleWithFixedDelay(() -> pragma("wal_checkpoint(PASSIVE)"), 1, 1, TimeUnit.SECONDS);
            executor.scheduleWithFixedDelay(() -> pragma("optimize"), 1, OPTIMIZE_EVERY_MINUTES, TimeUnit.MINUTES);
            executor.schedule(() -> pragma("optimize=0x10002"), 5, TimeUnit.SECONDS);
        }
        executor.scheduleWithFixedDelay(() -> {
            if (nodes.leads(MINUTE_COUNTS_JOB)) {
                dropOldMinuteCounts();
            }
        }, 1, 60, TimeUnit.MINUTES);
    }

    @Override
    public void stop() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        if (sqlite) {
            pragma("wal_checkpoint(TRUNCATE)");
        }
    }

    /** Minute counts only serve alert windows (at most a day); older rows go in small deletes. */
    private void dropOldMinuteCounts() {
        long cutoff = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(MINUTE_COUNTS_DAYS);
        try {
            int deleted;
            do {
                deleted = writer.withHandle(h -> h.createUpdate("DELETE FROM minute_counts WHERE "
                        + "(project_id, minute_bucket, fingerprint, environment) IN (SELECT project_id, minute_bucket, "
                        + "fingerprint, environment FROM minute_counts WHERE minute_bucket < :cutoff LIMIT 5000)")
                        .bind("cutoff", cutoff).execute());
            } while (deleted > 0);
        } catch (RuntimeException e) {
            LOG.warn("Could not drop old minute counts", e);
        }
    }

    private void pragma(String pragma) {
        try {
            // One of the constants above; PRAGMA takes no bind parameters.
            writer.useHandle(h -> {
                h.execute("PRAGMA analysis_limit = 1000");
                h.createQuery("PRAGMA " + pragma).mapToMap().list();
            });
        } catch (RuntimeException e) {
            LOG.warn("PRAGMA {} failed; SQLite's own defaults still apply", pragma, e);
        }
    }
}
