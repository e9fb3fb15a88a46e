package dev.bloop.service.retention;

import dev.bloop.service.store.Nodes;
import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the purge every {@code retention.purge_interval}, the first time a minute after start. */
public final class RetentionScheduler implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionScheduler.class);
    private final PurgeService purge;
    private final Nodes nodes;
    private ScheduledExecutorService executor;

    /** @param nodes with other nodes on the database, only the one leading "retention" purges */
    public RetentionScheduler(PurgeService purge, Nodes nodes) {
        this.purge = purge;
        this.nodes = nodes;
    }

    @Override
    public void start() {
        if (!purge.config().isEnabled()) {
            LOG.info("Scheduled retention is off (retention.enabled: false)");
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bloop-retention");
            t.setDaemon(true);
            return t;
        });
        long every = purge.config().getPurgeInterval().toMilliseconds();
        executor.scheduleWithFixedDelay(this::runOnce, Math.min(60_000, every), every, TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        try {
            if (!nodes.leads("retention")) {
                return;
            }
            purge.purge(PurgeService.Options.policy(), "scheduled", line -> LOG.debug(line));
        } catch (RuntimeException e) {
            LOG.warn("Scheduled purge failed; it runs again at the next interval", e);
        }
    }

    /** A purge in progress is interrupted between two batches: each batch is its own transaction. */
    @Override
    public void stop() throws InterruptedException {
        if (executor != null) {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
