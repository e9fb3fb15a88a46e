package dev.bloop.service.store;

import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Counters kept in memory and written every few seconds on their own daemon thread (the ingest ledger,
 * release health), so the hot path never waits for a write; a stop writes what is left.
 */
public final class PeriodicFlush implements Managed {
    private final String threadName;
    private final long everySeconds;
    private final Runnable flush;
    private ScheduledExecutorService flusher;

    public PeriodicFlush(String threadName, long everySeconds, Runnable flush) {
        this.threadName = threadName;
        this.everySeconds = everySeconds;
        this.flush = flush;
    }

    @Override
    public void start() {
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(flush, everySeconds, everySeconds, TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        flusher.shutdown();
        flusher.awaitTermination(5, TimeUnit.SECONDS);
        flush.run();
    }
}
