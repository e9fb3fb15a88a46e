package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.eval.Score;
import dev.bloop.api.llm.eval.ScoreIn;
import dev.bloop.service.web.ApiProblem;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Scores of traces and spans: checked, upserted per (trace, span, name), listed. */
final class ScoreStore {
    static final int MAX_NAME = 64;
    static final int MAX_CATEGORY = 100;
    static final Set<String> SOURCES = Set.of("api", "user", "auto");

    private final Jdbi writer;
    private final Jdbi reader;
    private final TraceLookup traces;

    ScoreStore(Jdbi writer, Jdbi reader, TraceLookup traces) {
        this.writer = writer;
        this.reader = reader;
        this.traces = traces;
    }

    /** Checks the score, then that the trace (and span) exist in the project (404), then stores it. */
    Score put(String projectId, String traceId, ScoreIn in, long now) {
        Checks.traceId(traceId);
        if (!Checks.word(in.name(), MAX_NAME)) {
            throw ApiProblem.badRequest("name must be 1 to " + MAX_NAME + " letters, digits, '_' or '-'", "name");
        }
        if (in.value() == null && in.category() == null) {
            throw ApiProblem.badRequest("value is required: a number from 0 to 1 (or give a category instead)", "value");
        }
        if (in.value() != null && in.category() != null) {
            throw ApiProblem.badRequest("a score has a value or a category, not both", "category");
        }
        if (in.value() != null && !(in.value() >= 0 && in.value() <= 1)) {
            throw ApiProblem.badRequest("value must be from 0 to 1, got " + in.value(), "value");
        }
        if (in.category() != null && (in.category().isBlank() || in.category().length() > MAX_CATEGORY)) {
            throw ApiProblem.badRequest("category must be 1 to " + MAX_CATEGORY + " characters", "category");
        }
        String source = in.source() == null ? "api" : in.source();
        if (!SOURCES.contains(source)) {
            throw ApiProblem.badRequest("source must be one of api, user, auto", "source");
        }
        String comment = Checks.comment(in.comment());
        String spanId = in.spanId() == null ? "" : in.spanId();
        if (in.spanId() != null && (spanId.isEmpty() || spanId.length() > Checks.MAX_ID_CHARS)) {
            throw ApiProblem.badRequest("span_id must be 1 to " + Checks.MAX_ID_CHARS + " characters", "span_id");
        }
        Set<String> spans = traces.spans(projectId, traceId);
        if (spans == null) {
            throw ApiProblem.notFound("no trace '" + traceId + "' in this project", "id");
        }
        if (!spanId.isEmpty() && !spans.contains(spanId)) {
            throw ApiProblem.notFound("trace '" + traceId + "' has no span '" + spanId + "'", "span_id");
        }
        writer.useHandle(h -> h.createUpdate("INSERT INTO llm_scores (project_id, trace_id, span_id, name, value, "
                        + "category, source, comment, created_at) VALUES (:p, :t, :s, :n, :v, :c, :src, :cm, :at) "
                        + "ON CONFLICT (project_id, trace_id, span_id, name) DO UPDATE SET value = excluded.value, "
                        + "category = excluded.category, source = excluded.source, comment = excluded.comment, "
                        + "created_at = excluded.created_at")
                .bind("p", projectId).bind("t", traceId).bind("s", spanId).bind("n", in.name())
                .bind("v", in.value()).bind("c", in.category()).bind("src", source).bind("cm", comment)
                .bind("at", now).execute());
        return new Score(traceId, spanId.isEmpty() ? null : spanId, in.name(), in.value(), in.category(), source,
                comment, now);
    }

    /** The trace's scores, newest first; 404 when the project has no such trace. */
    List<Score> list(String projectId, String traceId) {
        Checks.traceId(traceId);
        if (traces.spans(projectId, traceId) == null) {
            throw ApiProblem.notFound("no trace '" + traceId + "' in this project", "id");
        }
        return reader.withHandle(h -> h.createQuery("SELECT span_id, name, value, category, source, comment, created_at "
                        + "FROM llm_scores WHERE project_id = :p AND trace_id = :t ORDER BY created_at DESC, span_id, name")
                .bind("p", projectId).bind("t", traceId)
                .map((rs, ctx) -> {
                    double v = rs.getDouble(3);
                    Double value = rs.wasNull() ? null : v;
                    String span = rs.getString(1);
                    return new Score(traceId, span.isEmpty() ? null : span, rs.getString(2), value, rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getLong(7));
                }).list());
    }
}
