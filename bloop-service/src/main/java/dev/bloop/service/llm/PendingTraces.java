package dev.bloop.service.llm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Traces accepted but not yet committed, with their span ids and parents. An SDK may send a
 * running trace and update it a moment later, before the writer has committed it: the update must
 * find it (and its spans) all the same. Entries go once the writer has committed (or dead-lettered)
 * everything queued for that trace; the database has them from then on.
 */
final class PendingTraces {
    /** What is queued of one trace. */
    static final class Entry {
        int queued;
        final long startedAt;
        final Map<String, String> parents = new HashMap<>();

        Entry(long startedAt) {
            this.startedAt = startedAt;
        }
    }

    /** A snapshot for validating an update. */
    record Seen(long startedAt, Map<String, String> parents) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    private static String key(String projectId, String traceId) {
        return projectId + '\u0000' + traceId;
    }

    /** Before offering to the queue; undone by {@link #release} if the offer fails. */
    void add(QueuedTrace t, long startedAt) {
        entries.compute(key(t.projectId(), t.id()), (k, e) -> {
            Entry entry = e != null ? e : new Entry(startedAt);
            entry.queued++;
            t.spans().forEach(s -> entry.parents.put(s.id(), s.parentSpanId()));
            return entry;
        });
    }

    void release(List<QueuedTrace> traces) {
        for (QueuedTrace t : traces) {
            release(t);
        }
    }

    void release(QueuedTrace t) {
        entries.computeIfPresent(key(t.projectId(), t.id()), (k, e) -> --e.queued <= 0 ? null : e);
    }

    /** The queued spans of a trace (id → parent id, null for a root), or null when nothing of it is queued. */
    Seen find(String projectId, String traceId) {
        Seen[] seen = new Seen[1];
        // Read under the same lock the writers of the entry hold.
        entries.computeIfPresent(key(projectId, traceId), (k, e) -> {
            seen[0] = new Seen(e.startedAt, new HashMap<>(e.parents));
            return e;
        });
        return seen[0];
    }

    /** The trace's spans (id → parent) as stored and still queued, or null when it is neither. */
    Seen existing(Jdbi reader, String projectId, String id) {
        Seen queued = find(projectId, id);
        long[] stored = reader.withHandle(h -> h.createQuery("SELECT seq, started_at FROM llm_traces "
                        + "WHERE project_id = :p AND id = :id").bind("p", projectId).bind("id", id)
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).findOne().orElse(null));
        if (stored == null && queued == null) {
            return null;
        }
        Long startedAt = stored == null ? null : stored[1];
        Map<String, String> parents = new HashMap<>();
        if (stored != null) {
            reader.useHandle(h -> h.createQuery("SELECT id, parent_span_id FROM llm_spans WHERE trace_seq = :seq")
                    .bind("seq", stored[0])
                    .map((rs, ctx) -> {
                        parents.put(rs.getString(1), rs.getString(2));
                        return Boolean.TRUE;
                    }).list());
        }
        if (queued != null) {
            parents.putAll(queued.parents());
        }
        return new Seen(startedAt != null ? startedAt : queued.startedAt(), parents);
    }
}
