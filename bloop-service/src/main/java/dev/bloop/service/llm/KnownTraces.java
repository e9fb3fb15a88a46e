package dev.bloop.service.llm;

import dev.bloop.service.llm.eval.TraceLookup;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * A project's trace as stored and as still queued for the writer: an update, a score or a vote sent a
 * moment after its trace must find it before the writer has committed it.
 *
 * <p>Whoever decides from {@link #find} whether to create a trace or add to it (OTLP import, the
 * proxy's recorder) holds this object's lock until the result is queued: two requests that both
 * found a new trace unknown would each create it, and the second would replace the first's spans.
 */
final class KnownTraces implements TraceLookup {
    private final PendingTraces pending;
    private final Jdbi reader;

    KnownTraces(PendingTraces pending, Jdbi reader) {
        this.pending = pending;
        this.reader = reader;
    }

    /** The trace's spans (id → parent) as stored and still queued, or null when it is neither. */
    PendingTraces.Seen find(String projectId, String id) {
        PendingTraces.Seen queued = pending.find(projectId, id);
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
        return new PendingTraces.Seen(startedAt != null ? startedAt : queued.startedAt(), parents);
    }

    @Override
    public Set<String> spans(String projectId, String traceId) {
        PendingTraces.Seen seen = find(projectId, traceId);
        return seen == null ? null : seen.parents().keySet();
    }
}
