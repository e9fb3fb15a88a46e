package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.eval.Score;
import dev.bloop.api.llm.eval.TraceEvaluation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The trace-level scores and vote counts of a page of traces, in two reads. */
final class Evaluations {
    private final Jdbi reader;

    Evaluations(Jdbi reader) {
        this.reader = reader;
    }

    List<TraceEvaluation> of(String projectId, List<String> traceIds) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(traceIds));
        Map<String, List<Score>> scores = new LinkedHashMap<>();
        Map<String, long[]> votes = new LinkedHashMap<>();
        reader.useHandle(h -> {
            h.createQuery("SELECT trace_id, name, value, category, source, comment, created_at FROM llm_scores "
                            + "WHERE project_id = :p AND span_id = '' AND trace_id IN (<ids>) ORDER BY name")
                    .bind("p", projectId).bindList("ids", ids)
                    .map((rs, ctx) -> {
                        double v = rs.getDouble(3);
                        Double value = rs.wasNull() ? null : v;
                        return scores.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Score(
                                rs.getString(1), null, rs.getString(2), value, rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getLong(7)));
                    }).forEach(done -> { });
            h.createQuery("SELECT trace_id, sum(CASE WHEN value = 1 THEN 1 ELSE 0 END), "
                            + "sum(CASE WHEN value = -1 THEN 1 ELSE 0 END) FROM llm_feedback WHERE project_id = :p "
                            + "AND trace_id IN (<ids>) GROUP BY trace_id")
                    .bind("p", projectId).bindList("ids", ids)
                    .map((rs, ctx) -> votes.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)}))
                    .forEach(done -> { });
        });
        List<TraceEvaluation> out = new ArrayList<>();
        for (String id : ids) {
            if (scores.containsKey(id) || votes.containsKey(id)) {
                long[] v = votes.getOrDefault(id, new long[2]);
                out.add(new TraceEvaluation(id, scores.getOrDefault(id, List.of()), v[0], v[1]));
            }
        }
        return out;
    }
}
