package dev.bloop.service.project;

import dev.bloop.service.store.Database;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/**
 * Deletes a project and everything it holds, also while its apps keep sending. First its ingest key
 * stops working (401 from the moment of the request), then the pipeline stops committing its events
 * (those still queued are dropped) and returns once no flush can write one; only then go the project
 * row (its tokens, source maps, alert rules, memberships and invites follow by foreign key) and its
 * events and aggregates, in small transactions, so a large project never holds the write lock long
 * enough to stall ingest of the others, and no orphan row is left behind.
 */
public final class ProjectDeletion {
    /** The pipeline's side: after this returns, no event of the project will be committed. */
    @FunctionalInterface
    public interface Pipeline {
        void dropProject(String projectId) throws InterruptedException;
    }

    private static final int CHUNK = 5_000;
    /** Tables keyed by project that have a rowid, deleted in chunks. */
    private static final List<String> ROW_TABLES = List.of("raw_events", "group_samples", "status_history",
            "issue_comments", "error_groups");
    /** Aggregate tables (WITHOUT ROWID, small per project): one statement each. */
    private static final List<String> AGGREGATE_TABLES = List.of("group_counts", "group_env_counts", "route_counts",
            "hourly_counts", "project_hourly_counts", "minute_counts", "ingest_ledger", "group_users");

    private final Jdbi writer;
    private final String rowId;
    private final ProjectKeys keys;
    private final Pipeline pipeline;
    private final Consumer<String> alsoDelete;

    /** @param alsoDelete removes what other features keep of a project outside these tables */
    public ProjectDeletion(Database db, ProjectKeys keys, Pipeline pipeline, Consumer<String> alsoDelete) {
        this.writer = db.writer();
        this.rowId = db.dialect().rowId();
        this.keys = keys;
        this.pipeline = pipeline;
        this.alsoDelete = alsoDelete;
    }

    /** Deletes the project; returns rows deleted per table, or null when there was no such project. */
    public Map<String, Integer> delete(String projectId) throws InterruptedException {
        keys.refuse(projectId);
        pipeline.dropProject(projectId);
        int gone = writer.withHandle(h -> h.createUpdate("DELETE FROM projects WHERE id = :id")
                .bind("id", projectId).execute());
        if (gone == 0) {
            return null;
        }
        // Other nodes read the keys again and find no project.
        keys.invalidateAll();
        Map<String, Integer> deleted = new LinkedHashMap<>();
        for (String table : ROW_TABLES) {
            int total = 0;
            int n;
            do {
                n = writer.withHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE " + rowId + " IN (SELECT "
                                + rowId + " FROM " + table + " WHERE project_id = :p LIMIT " + CHUNK + ")")
                        .bind("p", projectId).execute());
                total += n;
            } while (n == CHUNK);
            deleted.put(table, total);
        }
        for (String table : AGGREGATE_TABLES) {
            deleted.put(table, writer.withHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE project_id = :p")
                    .bind("p", projectId).execute()));
        }
        alsoDelete.accept(projectId);
        return deleted;
    }
}
