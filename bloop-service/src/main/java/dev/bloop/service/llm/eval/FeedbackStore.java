package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.eval.Feedback;
import dev.bloop.api.llm.eval.FeedbackIn;
import dev.bloop.service.web.ApiProblem;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** User feedback on traces: one vote per user and trace (a second replaces the first), and its counts. */
final class FeedbackStore {
    static final String ANONYMOUS = "anonymous";

    private final Jdbi writer;
    private final Jdbi reader;
    private final TraceLookup traces;

    FeedbackStore(Jdbi writer, Jdbi reader, TraceLookup traces) {
        this.writer = writer;
        this.reader = reader;
        this.traces = traces;
    }

    /** The vote, checked; it throws {@link ApiProblem} naming the field. */
    static Feedback check(String traceId, FeedbackIn in, long now) {
        Checks.traceId(traceId);
        if (in.value() == null || (in.value() != 1 && in.value() != -1)) {
            throw ApiProblem.badRequest("value must be 1 (thumbs up) or -1 (thumbs down)", "value");
        }
        String user = in.userId() == null ? ANONYMOUS : in.userId();
        if (user.isEmpty() || user.length() > Checks.MAX_ID_CHARS) {
            throw ApiProblem.badRequest("user_id must be 1 to " + Checks.MAX_ID_CHARS + " characters", "user_id");
        }
        return new Feedback(traceId, user, in.value(), Checks.comment(in.comment()), now);
    }

    /** Checks, then 404 unless the project has the trace (stored or queued), then stores the vote. */
    Feedback put(String projectId, String traceId, FeedbackIn in, long now) {
        Feedback f = check(traceId, in, now);
        if (traces.spans(projectId, traceId) == null) {
            throw ApiProblem.notFound("no trace '" + traceId + "' in this project", "id");
        }
        store(projectId, f);
        return f;
    }

    void store(String projectId, Feedback f) {
        writer.useHandle(h -> h.createUpdate("INSERT INTO llm_feedback (project_id, trace_id, user_id, value, comment, "
                        + "created_at) VALUES (:p, :t, :u, :v, :c, :at) ON CONFLICT (project_id, trace_id, user_id) "
                        + "DO UPDATE SET value = excluded.value, comment = excluded.comment, created_at = excluded.created_at")
                .bind("p", projectId).bind("t", f.traceId()).bind("u", f.userId()).bind("v", f.value())
                .bind("c", f.comment()).bind("at", f.createdAt()).execute());
    }

    List<Feedback> list(String projectId, String traceId) {
        Checks.traceId(traceId);
        if (traces.spans(projectId, traceId) == null) {
            throw ApiProblem.notFound("no trace '" + traceId + "' in this project", "id");
        }
        return reader.withHandle(h -> h.createQuery("SELECT user_id, value, comment, created_at FROM llm_feedback "
                        + "WHERE project_id = :p AND trace_id = :t ORDER BY created_at DESC, user_id")
                .bind("p", projectId).bind("t", traceId)
                .map((rs, ctx) -> new Feedback(traceId, rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4)))
                .list());
    }

    /** [positive, negative] votes given since {@code since}. */
    long[] counts(String projectId, long since) {
        return reader.withHandle(h -> h.createQuery("SELECT coalesce(sum(CASE WHEN value = 1 THEN 1 ELSE 0 END), 0), "
                        + "coalesce(sum(CASE WHEN value = -1 THEN 1 ELSE 0 END), 0) "
                        + "FROM llm_feedback WHERE project_id = :p AND created_at >= :since")
                .bind("p", projectId).bind("since", since)
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).one());
    }
}
