package dev.bloop.service.retention;

import dev.bloop.api.PurgeReport;
import dev.bloop.api.Retention;
import dev.bloop.service.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** SQL for retention settings, purge history and storage figures. */
final class RetentionStore {
    static final String RAW_EVENTS_DAYS = "raw_events_days";
    static final String HOURLY_COUNTS_DAYS = "hourly_counts_days";

    private final Jdbi writer;
    private final Jdbi reader;
    private final Path file;
    private final boolean sqlite;

    RetentionStore(Database db) {
        this.sqlite = db.dialect() == dev.bloop.service.store.Dialect.SQLITE;
        this.writer = db.writer();
        this.reader = db.reader();
        this.file = db.file();
    }

    /** The policy in force: values set through the API, else the config file's. */
    Policy policy(RetentionConfig defaults) {
        Map<String, Integer> global = new LinkedHashMap<>();
        reader.useHandle(h -> h.createQuery("SELECT key, value FROM retention_settings")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(e -> global.put(e.getKey(), e.getValue())));
        Map<String, Integer> perProject = new LinkedHashMap<>();
        reader.useHandle(h -> h.createQuery("SELECT project_id, raw_events_days FROM project_retention ORDER BY project_id")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(e -> perProject.put(e.getKey(), e.getValue())));
        return new Policy(global.getOrDefault(RAW_EVENTS_DAYS, defaults.getRawEventsDays()),
                global.getOrDefault(HOURLY_COUNTS_DAYS, defaults.getHourlyCountsDays()), perProject);
    }

    void setGlobal(String key, int days) {
        writer.useHandle(h -> h.createUpdate("INSERT INTO retention_settings (key, value, updated_at) VALUES (:k, :v, :now) "
                        + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
                .bind("k", key).bind("v", days).bind("now", System.currentTimeMillis()).execute());
    }

    /** Sets a project's raw-event days; null removes the override. */
    void setProject(String projectId, Integer days) {
        writer.useHandle(h -> {
            if (days == null) {
                h.createUpdate("DELETE FROM project_retention WHERE project_id = :p").bind("p", projectId).execute();
            } else {
                h.createUpdate("INSERT INTO project_retention (project_id, raw_events_days, updated_at) VALUES "
                                + "(:p, :d, :now) ON CONFLICT (project_id) DO UPDATE SET raw_events_days = "
                                + "excluded.raw_events_days, updated_at = excluded.updated_at")
                        .bind("p", projectId).bind("d", days).bind("now", System.currentTimeMillis()).execute();
            }
        });
    }

    void recordRun(String trigger, long startedAt, PurgeReport r) {
        writer.useHandle(h -> h.createUpdate("INSERT INTO purge_runs (trigger, started_at, finished_at, raw_events_deleted, "
                        + "samples_deleted, hourly_counts_deleted, freed_bytes) VALUES (:t, :s, :f, :raw, :samples, "
                        + ":hourly, :freed)")
                .bind("t", trigger).bind("s", startedAt).bind("f", System.currentTimeMillis())
                .bind("raw", r.rawEventsDeleted()).bind("samples", r.samplesDeleted())
                .bind("hourly", r.hourlyCountsDeleted()).bind("freed", r.freedBytes()).execute());
        writer.useHandle(h -> h.execute("DELETE FROM purge_runs WHERE id <= (SELECT max(id) - 100 FROM purge_runs)"));
    }

    Optional<Retention.PurgeRun> lastRun() {
        return reader.withHandle(h -> h.createQuery("SELECT trigger, started_at, finished_at, raw_events_deleted, "
                        + "samples_deleted, hourly_counts_deleted, freed_bytes FROM purge_runs ORDER BY id DESC LIMIT 1")
                .registerRowMapper(ConstructorMapper.factory(Retention.PurgeRun.class))
                .mapTo(Retention.PurgeRun.class).findOne());
    }

    /** Size of the database and what it holds. */
    Retention.Storage storage() {
        return reader.withHandle(h -> {
            if (!sqlite) {
                // The whole database's size; free space inside it is autovacuum's, and the WAL the server's.
                long size = h.createQuery("SELECT pg_database_size(current_database())").mapTo(Long.class).one();
                return new Retention.Storage(size, 0, 0, count(h, "raw_events"), count(h, "error_groups"),
                        count(h, "group_samples"), count(h, "hourly_counts"));
            }
            long pageSize = h.createQuery("PRAGMA page_size").mapTo(Long.class).one();
            long pages = h.createQuery("PRAGMA page_count").mapTo(Long.class).one();
            long free = h.createQuery("PRAGMA freelist_count").mapTo(Long.class).one();
            return new Retention.Storage(pages * pageSize, free * pageSize, fileSize(Path.of(file + "-wal")),
                    count(h, "raw_events"), count(h, "error_groups"), count(h, "group_samples"),
                    count(h, "hourly_counts"));
        });
    }

    /** Raw events per project. */
    Map<String, Long> rawEventsByProject() {
        Map<String, Long> out = new LinkedHashMap<>();
        reader.useHandle(h -> h.createQuery("SELECT project_id, count(*) AS n FROM raw_events GROUP BY project_id")
                .map((rs, ctx) -> Map.entry(rs.getString("project_id"), rs.getLong("n")))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    private static long count(org.jdbi.v3.core.Handle h, String table) {
        // Table names are our constants, never input.
        return h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one();
    }

    private static long fileSize(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The policy: global day counts and per-project raw-event overrides (project id → days). */
    record Policy(int rawEventsDays, int hourlyCountsDays, Map<String, Integer> perProject) {
        int rawDaysFor(String projectId) {
            return perProject.getOrDefault(projectId, rawEventsDays);
        }
    }

    static List<String> keys() {
        return List.of(RAW_EVENTS_DAYS, HOURLY_COUNTS_DAYS);
    }
}
