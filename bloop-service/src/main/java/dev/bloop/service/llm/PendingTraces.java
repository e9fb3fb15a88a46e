package dev.bloop.service.llm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
}
