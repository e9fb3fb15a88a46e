package dev.bloop.service.retention;

import dev.bloop.service.store.Database;
import java.time.Duration;

/**
 * Puts events, samples and hourly counts into the database as if they had been received some days
 * ago: retention works on the server's receive time, which ingest always sets to now.
 */
public final class OldEvents {
    public static final long DAY = Duration.ofDays(1).toMillis();

    private OldEvents() {
    }

    /** {@code count} raw events (plus one sample each) of one group, received {@code daysAgo} days ago. */
    public static void add(Database db, String projectId, String fingerprint, double daysAgo, int count) {
        long at = System.currentTimeMillis() - (long) (daysAgo * DAY);
        String padding = "x".repeat(400);
        db.writer().useHandle(h -> {
            h.execute("INSERT INTO error_groups (project_id, fingerprint, error_type, message, source, status, "
                    + "total_count, first_seen, last_seen, last_release, grouping_version, grouping_kind) "
                    + "VALUES (?, ?, 'TypeError', 'old failure', 'api', 'unresolved', 0, ?, ?, '1.0.0', 1, 'message') "
                    + "ON CONFLICT DO NOTHING",
                    projectId, fingerprint, at, at);
            h.execute("UPDATE error_groups SET total_count = total_count + ? WHERE project_id = ? AND fingerprint = ?",
                    count, projectId, fingerprint);
            for (int i = 0; i < count; i++) {
                h.execute("INSERT INTO raw_events (project_id, fingerprint, received_at, timestamp, source, environment, "
                        + "release, error_type, message) VALUES (?, ?, ?, ?, 'api', 'prod', '1.0.0', 'TypeError', ?)",
                        projectId, fingerprint, at, at, "old failure " + i + " " + padding);
            }
            h.execute("INSERT INTO group_samples (project_id, fingerprint, received_at, event) VALUES (?, ?, ?, '{}')",
                    projectId, fingerprint, at);
            long hour = at - at % 3_600_000;
            h.execute("INSERT INTO hourly_counts (project_id, fingerprint, hour_bucket, environment, count) "
                    + "VALUES (?, ?, ?, 'prod', ?) ON CONFLICT DO NOTHING", projectId, fingerprint, hour, count);
        });
    }

    public static long count(Database db, String sql) {
        return db.reader().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
