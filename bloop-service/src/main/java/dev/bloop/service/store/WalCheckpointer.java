package dev.bloop.service.store;

import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves WAL checkpoints (copying committed pages into the database file, with an fsync) off the
 * writer thread. Left to SQLite, the checkpoint runs inside whichever COMMIT crosses the threshold,
 * and a profile showed the writer spending half its time there. A PASSIVE checkpoint every second
 * on its own thread keeps the WAL short without ever blocking the writer; the write connections
 * keep a large automatic threshold only as a safety net. On stop, after the writer's final drain,
 * the WAL is checkpointed and truncated so that the file is whole on its own.
 */
public final class WalCheckpointer implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);
    private final Jdbi writer;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bloop-checkpoint");
        t.setDaemon(true);
        return t;
    });

    public WalCheckpointer(Database db) {
        this.writer = db.writer();
    }

    @Override
    public void start() {
        executor.scheduleWithFixedDelay(() -> checkpoint("PASSIVE"), 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        checkpoint("TRUNCATE");
    }

    private void checkpoint(String mode) {
        try {
            // The mode is one of two constants above; PRAGMA takes no bind parameters.
            writer.useHandle(h -> h.createQuery("PRAGMA wal_checkpoint(" + mode + ")").mapToMap().list());
        } catch (RuntimeException e) {
            LOG.warn("WAL checkpoint ({}) failed; SQLite's automatic checkpoint still bounds the WAL", mode, e);
        }
    }
}
