package dev.bloop.service.retention;

import dev.bloop.api.PurgeReport;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.Database;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies retention: raw events and samples older than their project's days, and hourly counts older
 * than the global days, all by server receive time. Deletes run in transactions of
 * {@code retention.batch_size} rows with a pause between them, so the pipeline's writer gets the lock
 * between any two of them; then the freed pages go back to the file system in small
 * {@code incremental_vacuum} steps. Groups keep their aggregate rows (totals, first and last seen)
 * even when every raw event is gone. Shared by the scheduler, the admin API and the purge command.
 */
public final class PurgeService {
    private static final Logger LOG = LoggerFactory.getLogger(PurgeService.class);
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    /** Each incremental_vacuum step holds the write lock: steps are sized to take about this long. */
    private static final long VACUUM_STEP_TARGET_MS = 50;
    private static final int VACUUM_STEP_MIN_PAGES = 64;
    private static final int VACUUM_STEP_MAX_PAGES = 8_192;
    /** Space is returned for at most this long per purge; the rest waits for the next one (SQLite reuses free pages meanwhile). */
    private static final long VACUUM_BUDGET_MS = 30_000;
    private static final long PROGRESS_EVERY = 100_000;

    /**
     * What to purge.
     *
     * @param projectId     only this project (null: all)
     * @param olderThanDays raw events and samples older than this many days, instead of the policy
     * @param dryRun        count only
     */
    public record Options(String projectId, Integer olderThanDays, boolean dryRun) {
        public static Options policy() {
            return new Options(null, null, false);
        }
    }

    private final Jdbi writer;
    private final Jdbi reader;
    private final boolean sqlite;
    private final ProjectStore projects;
    private final RetentionStore store;
    private final RetentionConfig config;

    public PurgeService(Database db, ProjectStore projects, RetentionConfig config) {
        this.writer = db.writer();
        this.reader = db.reader();
        this.sqlite = db.dialect() == dev.bloop.service.store.Dialect.SQLITE;
        this.projects = projects;
        this.store = new RetentionStore(db);
        this.config = config;
    }

    RetentionStore store() {
        return store;
    }

    RetentionConfig config() {
        return config;
    }

    /** Runs one purge; one at a time per process. {@code progress} receives lines for a human. */
    public synchronized PurgeReport purge(Options options, String trigger, Consumer<String> progress) {
        long started = System.currentTimeMillis();
        RetentionStore.Policy policy = store.policy(config);
        List<Project> scope = options.projectId() == null ? projects.list()
                : projects.findById(options.projectId()).map(List::of).orElse(List.of());
        List<PurgeReport.ProjectPart> parts = new ArrayList<>();
        long raw = 0;
        long samples = 0;
        for (Project p : scope) {
            int days = options.olderThanDays() != null ? options.olderThanDays() : policy.rawDaysFor(p.id());
            long cutoff = started - days * DAY_MS;
            String label = "raw events of " + p.slug() + " older than " + days + " days";
            long r = options.dryRun() ? count(p.id(), "raw_events", cutoff)
                    : deleteInBatches(p.id(), "raw_events", cutoff, label, progress);
            long s = options.dryRun() ? count(p.id(), "group_samples", cutoff)
                    : deleteInBatches(p.id(), "group_samples", cutoff, "samples of " + p.slug(), progress);
            if (r > 0 || s > 0) {
                progress.accept((options.dryRun() ? "would delete " : "deleted ") + r + " " + label + " and " + s
                        + " samples");
            }
            raw += r;
            samples += s;
            parts.add(new PurgeReport.ProjectPart(p.id(), p.slug(), days, r, s));
        }
        long hourlyCutoff = started - policy.hourlyCountsDays() * DAY_MS;
        long hourly = options.dryRun() ? countHourly(options.projectId(), hourlyCutoff)
                : deleteHourly(options.projectId(), hourlyCutoff);
        if (hourly > 0) {
            progress.accept((options.dryRun() ? "would delete " : "deleted ") + hourly + " hourly counts older than "
                    + policy.hourlyCountsDays() + " days");
        }
        long freed = options.dryRun() || raw + samples + hourly == 0 ? 0 : reclaimSpace(progress);
        PurgeReport report = new PurgeReport(options.dryRun(), raw, samples, hourly, freed,
                System.currentTimeMillis() - started, parts);
        if (!options.dryRun()) {
            store.recordRun(trigger, started, report);
            if (raw + samples + hourly > 0) {
                LOG.info("Purge ({}): {} raw events, {} samples, {} hourly counts deleted, {} bytes freed in {} ms",
                        trigger, raw, samples, hourly, freed, report.durationMs());
            }
        }
        return report;
    }

    private long count(String projectId, String table, long cutoff) {
        return reader.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table
                        + " WHERE project_id = :p AND received_at < :cutoff")
                .bind("p", projectId).bind("cutoff", cutoff).mapTo(Long.class).one());
    }

    /** Deletes in small transactions; table is one of our constants. */
    private long deleteInBatches(String projectId, String table, long cutoff, String label, Consumer<String> progress) {
        long total = 0;
        long reported = 0;
        int n;
        do {
            n = writer.withHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
                            + " WHERE project_id = :p AND received_at < :cutoff LIMIT :n)")
                    .bind("p", projectId).bind("cutoff", cutoff).bind("n", config.getBatchSize()).execute());
            total += n;
            if (total - reported >= PROGRESS_EVERY) {
                progress.accept("... " + total + " " + label + " deleted");
                reported = total;
            }
            pause(n);
        } while (n == config.getBatchSize());
        return total;
    }

    private long countHourly(String projectId, long cutoff) {
        return reader.withHandle(h -> h.createQuery("SELECT count(*) FROM hourly_counts WHERE hour_bucket < :cutoff"
                        + " AND (:p IS NULL OR project_id = :p)")
                .bind("cutoff", cutoff).bind("p", projectId).mapTo(Long.class).one());
    }

    private long deleteHourly(String projectId, long cutoff) {
        String only = " AND (:p IS NULL OR project_id = :p)";
        long total = 0;
        int n;
        do {
            n = writer.withHandle(h -> h.createUpdate("DELETE FROM hourly_counts WHERE (project_id, fingerprint, "
                            + "hour_bucket, environment) IN (SELECT project_id, fingerprint, hour_bucket, environment "
                            + "FROM hourly_counts WHERE hour_bucket < :cutoff" + only + " LIMIT :n)")
                    .bind("cutoff", cutoff).bind("p", projectId).bind("n", config.getBatchSize()).execute());
            total += n;
            pause(n);
        } while (n == config.getBatchSize());
        writer.useHandle(h -> h.createUpdate("DELETE FROM project_hourly_counts WHERE hour_bucket < :cutoff" + only)
                .bind("cutoff", cutoff).bind("p", projectId).execute());
        return total;
    }

    /**
     * Returns free pages to the file system in steps sized to hold the write lock about
     * {@link #VACUUM_STEP_TARGET_MS}, for at most {@link #VACUUM_BUDGET_MS} per purge (only files created
     * with auto_vacuum). A fixed large step held the lock for seconds under concurrent ingest.
     */
    private long reclaimSpace(Consumer<String> progress) {
        if (!sqlite) {
            progress.accept("PostgreSQL's autovacuum makes the deleted rows' space reusable");
            return 0;
        }
        long pageSize = reader.withHandle(h -> h.createQuery("PRAGMA page_size").mapTo(Long.class).one());
        int autoVacuum = reader.withHandle(h -> h.createQuery("PRAGMA auto_vacuum").mapTo(Integer.class).one());
        if (autoVacuum != 2) {
            progress.accept("free pages stay in the file for reuse (auto_vacuum is off for this database)");
            return 0;
        }
        long freed = 0;
        long deadline = System.currentTimeMillis() + VACUUM_BUDGET_MS;
        int step = VACUUM_STEP_MIN_PAGES;
        while (System.currentTimeMillis() < deadline) {
            long free = writer.withHandle(h -> h.createQuery("PRAGMA freelist_count").mapTo(Long.class).one());
            if (free == 0) {
                break;
            }
            int pages = step;
            long t0 = System.nanoTime();
            writer.useHandle(h -> {
                // executeUpdate steps the pragma to the end; a plain execute() returns after its first
                // row, which frees one page only.
                try (java.sql.Statement st = h.getConnection().createStatement()) {
                    st.executeUpdate("PRAGMA incremental_vacuum(" + pages + ")");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException("incremental vacuum failed: " + e.getMessage(), e);
                }
            });
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            // Grow while a step is quick, shrink when one held the lock too long (e.g. waiting on ingest).
            step = tookMs < VACUUM_STEP_TARGET_MS / 2 ? Math.min(step * 2, VACUUM_STEP_MAX_PAGES)
                    : tookMs > VACUUM_STEP_TARGET_MS * 2 ? Math.max(step / 2, VACUUM_STEP_MIN_PAGES) : step;
            long after = writer.withHandle(h -> h.createQuery("PRAGMA freelist_count").mapTo(Long.class).one());
            if (after >= free) {
                break;
            }
            freed += (free - after) * pageSize;
            pause(1);
        }
        return freed;
    }

    private void pause(int deleted) {
        long ms = config.getBatchPause().toMilliseconds();
        if (deleted > 0 && ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("purge interrupted", e);
            }
        }
    }
}
