package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.eval.ScoreSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /v1/llm/scores/summary}: the scores of one name given in the window, with the model they
 * scored (a span score: the span's model; a trace score: the trace's models) and the trace's prompt version.
 */
final class ScoreSummaries {
    private final Jdbi reader;

    ScoreSummaries(Jdbi reader) {
        this.reader = reader;
    }

    private record Row(Double value, String category, String model, String promptName, String promptVersion) {
    }

    ScoreSummary summary(String projectId, String name, int hours, long now) {
        long since = Windows.since(now, hours);
        List<Row> rows = reader.withHandle(h -> h.createQuery("SELECT s.value, s.category, "
                        + "CASE WHEN s.span_id <> '' THEN sp.model ELSE t.models END, t.prompt_name, t.prompt_version "
                        + "FROM llm_scores s LEFT JOIN llm_traces t ON t.project_id = s.project_id AND t.id = s.trace_id "
                        + "LEFT JOIN llm_spans sp ON s.span_id <> '' AND sp.trace_seq = t.seq AND sp.id = s.span_id "
                        + "WHERE s.project_id = :p AND s.name = :n AND s.created_at >= :since")
                .bind("p", projectId).bind("n", name).bind("since", since)
                .map((rs, ctx) -> {
                    double v = rs.getDouble(1);
                    Double value = rs.wasNull() ? null : v;
                    return new Row(value, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
                }).list());
        return summarize(name, hours, rows);
    }

    private static ScoreSummary summarize(String name, int hours, List<Row> rows) {
        double[] values = new double[rows.size()];
        int n = 0;
        long[] buckets = new long[5];
        Map<String, Long> categories = new TreeMap<>();
        Map<String, double[]> byModel = new TreeMap<>();
        Map<List<String>, double[]> byVersion = new TreeMap<>(Comparator.<List<String>, String>comparing(k -> k.get(0))
                .thenComparing(k -> k.get(1)));
        for (Row r : rows) {
            if (r.value() == null) {
                if (r.category() != null) {
                    categories.merge(r.category(), 1L, Long::sum);
                }
                continue;
            }
            double v = r.value();
            values[n++] = v;
            buckets[bucket(v)]++;
            if (r.model() != null) {
                add(byModel.computeIfAbsent(r.model(), k -> new double[2]), v);
            }
            if (r.promptName() != null) {
                add(byVersion.computeIfAbsent(List.of(r.promptName(), r.promptVersion() == null ? ""
                        : r.promptVersion()), k -> new double[2]), v);
            }
        }
        Quantiles q = Quantiles.of(values, n);
        List<ScoreSummary.Bucket> distribution = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            distribution.add(new ScoreSummary.Bucket(i / 5.0, (i + 1) / 5.0, buckets[i]));
        }
        return new ScoreSummary(name, hours, n, q.mean(), q.at(0.1), q.at(0.5), q.at(0.9), distribution,
                categories.entrySet().stream().map(e -> new ScoreSummary.Category(e.getKey(), e.getValue())).toList(),
                byModel.entrySet().stream().map(e -> new ScoreSummary.Group(e.getKey(), null, null,
                        (long) e.getValue()[0], e.getValue()[1] / e.getValue()[0])).toList(),
                byVersion.entrySet().stream().map(e -> new ScoreSummary.Group(null, e.getKey().get(0),
                        e.getKey().get(1).isEmpty() ? null : e.getKey().get(1), (long) e.getValue()[0],
                        e.getValue()[1] / e.getValue()[0])).toList());
    }

    /** [0, 0.2) → 0, ..., [0.8, 1.0] → 4. */
    static int bucket(double v) {
        return Math.min(4, (int) Math.floor(v * 5));
    }

    private static void add(double[] countAndSum, double v) {
        countAndSum[0]++;
        countAndSum[1] += v;
    }
}
