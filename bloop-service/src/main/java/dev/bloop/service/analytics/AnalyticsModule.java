package dev.bloop.service.analytics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.health.HealthCheck;
import dev.bloop.service.store.Database;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running module: DuckDB, the copy of the counts and the thread that refreshes it every
 * {@code analytics.refresh_interval}. DuckDB is opened on that thread, so a start of bloop never
 * waits for it: until the first copy is loaded the routes answer 503 with Retry-After.
 */
final class AnalyticsModule {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsModule.class);

    private final AnalyticsConfig config;
    private final LongSupplier clock;
    private final MetricRegistry metrics;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private ScheduledExecutorService refresher;
    private volatile DuckDb duck;
    private volatile Mirror mirror;
    private volatile AnalyticsService service;
    private volatile String lastFailure;
    private volatile long lastSuccess;

    AnalyticsModule(AnalyticsConfig config, LongSupplier clock, MetricRegistry metrics) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Opens DuckDB and starts refreshing from the core's database (called once the core is wired). */
    synchronized void start(Database db) {
        Path copy = Path.of(db.file() + ".analytics.duckdb");
        Path spill = Path.of(db.file() + ".analytics-tmp");
        Timer timer = metrics.timer("analytics.refresh");
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "analytics-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.execute(() -> {
            try {
                long t0 = System.nanoTime();
                duck = new DuckDb(config, copy, spill);
                mirror = new Mirror(db.reader(), db.dialect(), duck.writer(), clock);
                service = new AnalyticsService(db.reader(), duck, mirror, config);
                LOG.info("Analytics: DuckDB open in {} ms (memory_limit {}, threads {})",
                        (System.nanoTime() - t0) / 1_000_000, config.getMemoryLimit(), config.getThreads());
            } catch (Exception | LinkageError e) {
                lastFailure = "DuckDB could not start: " + e.getMessage();
                LOG.error("Analytics: DuckDB could not start; the analytics routes answer 503", e);
                loaded.countDown();
                return;
            }
            long interval = config.getRefreshInterval().toMilliseconds();
            refresher.scheduleWithFixedDelay(() -> refresh(timer), 0, interval, TimeUnit.MILLISECONDS);
        });
    }

    private void refresh(Timer timer) {
        try (Timer.Context ignored = timer.time()) {
            Mirror.Outcome o = mirror.refresh();
            if (o.changed()) {
                releaseQuietly();   // the refresh's blocks stay in the file, not in memory
            }
            boolean first = lastSuccess == 0;
            lastSuccess = clock.getAsLong();
            lastFailure = null;
            if (first) {
                LOG.info("Analytics: first copy loaded in {} ms ({} hours, {} hourly rows, {} per-release rows)",
                        o.millis(), o.hoursReplaced(), o.hourlyRows(), o.releaseRows());
            } else if (o.changed()) {
                LOG.debug("Analytics refresh: {} hours, {} hourly rows, {} per-release rows in {} ms",
                        o.hoursReplaced(), o.hourlyRows(), o.releaseRows(), o.millis());
            }
        } catch (Exception e) {
            lastFailure = e.getMessage();
            LOG.warn("Analytics refresh failed (the next one copies everything again): {}", e.toString());
        } finally {
            loaded.countDown();
        }
    }

    /** Giving DuckDB's buffer pool back is an economy, never a reason to call a refresh failed. */
    private void releaseQuietly() {
        try {
            duck.release();
        } catch (Exception e) {
            LOG.debug("Analytics: buffer pool not given back: {}", e.getMessage());
        }
    }

    /** The service once DuckDB is open; null before (or if it could not start). */
    AnalyticsService service() {
        return service;
    }

    AnalyticsConfig config() {
        return config;
    }

    /** Why DuckDB could not start, or null. */
    String failure() {
        return service == null ? lastFailure : null;
    }

    /** Waits for the first refresh (tests, and the health check's first answer). */
    boolean awaitLoaded(long timeout, TimeUnit unit) throws InterruptedException {
        return loaded.await(timeout, unit);
    }

    synchronized void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
            try {
                refresher.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (duck != null) {
            duck.close();
        }
    }

    /** Healthy while the copy is younger than three refresh intervals (plus a minute for the first load). */
    HealthCheck healthCheck() {
        long interval = config.getRefreshInterval().toMilliseconds();
        return new HealthCheck() {
            @Override
            protected Result check() {
                Mirror m = mirror;
                Mirror.Snapshot s = m == null ? null : m.snapshot();
                if (s == null) {
                    return lastFailure == null ? Result.healthy("loading the first copy of the counts")
                            : Result.unhealthy(lastFailure);
                }
                long age = clock.getAsLong() - s.asOf();
                if (age > 3 * interval + 60_000) {
                    return Result.unhealthy("analytics data is " + age / 1000 + " s old"
                            + (lastFailure == null ? "" : ": " + lastFailure));
                }
                return Result.healthy("data as of " + age / 1000 + " s ago");
            }
        };
    }
}
