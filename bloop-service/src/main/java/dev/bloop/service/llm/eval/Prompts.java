package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.Money;
import dev.bloop.api.llm.eval.PromptStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Prompt versions as traces report them ({@code prompt_name}, {@code prompt_version}): per prompt and per
 * version, the traces of the window with their cost, latency, errors, scores and votes, read through the
 * traces' per-prompt index. {@link #traces} gives one version's traces for a comparison.
 */
final class Prompts {
    private final Jdbi reader;

    Prompts(Jdbi reader) {
        this.reader = reader;
    }

    /** One trace of a version: what the comparison tests. latencyMs is null while it has not ended. */
    record Trace(String id, long costNanos, boolean error, Long latencyMs) {
    }

    /** A version's traces, their numeric trace scores per score name, and their votes. */
    record Version(List<Trace> traces, Map<String, double[]> scores, long votes, long positive) {
    }

    List<PromptStats> prompts(String projectId, int hours, long now) {
        return stats(projectId, null, Windows.since(now, hours));
    }

    List<PromptStats> versions(String projectId, String name, int hours, long now) {
        return stats(projectId, name, Windows.since(now, hours));
    }

    /** Per prompt (name null) or per version of one prompt. */
    private List<PromptStats> stats(String projectId, String name, long since) {
        boolean perVersion = name != null;
        String key = perVersion ? "coalesce(t.prompt_version, '')" : "t.prompt_name";
        String where = "t.project_id = :p AND t.prompt_name IS NOT NULL AND t.received_at >= :since"
                + (perVersion ? " AND t.prompt_name = :n" : "");
        return reader.withHandle(h -> {
            Map<String, PromptStats> rows = new LinkedHashMap<>();
            h.createQuery("SELECT " + key + ", count(DISTINCT coalesce(t.prompt_version, '')), count(*), "
                            + "sum(CASE WHEN t.status = 'error' THEN 1 ELSE 0 END), sum(t.cost_nanos), "
                            + "avg(t.ended_at - t.started_at), "
                            + "min(t.received_at), max(t.received_at) FROM llm_traces t WHERE " + where
                            + " GROUP BY 1 ORDER BY max(t.received_at) DESC")
                    .bind("p", projectId).bind("since", since).bind("n", name)
                    .map((rs, ctx) -> {
                        String k = rs.getString(1);
                        long calls = rs.getLong(3);
                        long errors = rs.getLong(4);
                        long cost = rs.getLong(5);
                        double latency = rs.getDouble(6);
                        Double meanLatency = rs.wasNull() ? null : latency;
                        rows.put(k, new PromptStats(perVersion ? name : k, perVersion ? (k.isEmpty() ? null : k) : null,
                                perVersion ? null : rs.getInt(2), calls, errors, (double) errors / calls,
                                Money.dollars(cost), Money.dollars(Math.round((double) cost / calls)), meanLatency, null,
                                List.of(), 0, 0, rs.getLong(7), rs.getLong(8)));
                        return Boolean.TRUE;
                    }).forEach(done -> { });
            Map<String, List<PromptStats.ScoreMean>> scores = new TreeMap<>();
            h.createQuery("SELECT " + key + ", s.name, count(*), avg(s.value) FROM llm_scores s JOIN llm_traces t "
                            + "ON t.project_id = s.project_id AND t.id = s.trace_id WHERE s.project_id = :p "
                            + "AND s.span_id = '' AND s.value IS NOT NULL AND " + where + " GROUP BY 1, 2 ORDER BY 2")
                    .bind("p", projectId).bind("since", since).bind("n", name)
                    .map((rs, ctx) -> scores.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new PromptStats.ScoreMean(rs.getString(2), rs.getLong(3), rs.getDouble(4))))
                    .forEach(done -> { });
            Map<String, long[]> votes = new TreeMap<>();
            h.createQuery("SELECT " + key + ", count(*), sum(CASE WHEN f.value = 1 THEN 1 ELSE 0 END) "
                            + "FROM llm_feedback f JOIN llm_traces t "
                            + "ON t.project_id = f.project_id AND t.id = f.trace_id WHERE f.project_id = :p AND " + where
                            + " GROUP BY 1")
                    .bind("p", projectId).bind("since", since).bind("n", name)
                    .map((rs, ctx) -> votes.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)}))
                    .forEach(done -> { });
            Map<String, Double> medians = perVersion ? medians(h, projectId, name, since) : Map.of();
            List<PromptStats> out = new ArrayList<>();
            rows.forEach((k, r) -> {
                long[] v = votes.getOrDefault(k, new long[2]);
                out.add(new PromptStats(r.name(), r.version(), r.versions(), r.calls(), r.errors(), r.errorRate(),
                        r.cost(), r.meanCost(), r.meanLatencyMs(), medians.get(k), scores.getOrDefault(k, List.of()),
                        v[0], v[1], r.firstSeen(), r.lastSeen()));
            });
            return out;
        });
    }

    private static Map<String, Double> medians(Handle h, String projectId, String name, long since) {
        Map<String, double[]> values = new TreeMap<>();
        Map<String, Integer> sizes = new TreeMap<>();
        h.createQuery("SELECT coalesce(prompt_version, ''), ended_at - started_at FROM llm_traces WHERE project_id = :p "
                        + "AND prompt_name = :n AND received_at >= :since AND ended_at IS NOT NULL")
                .bind("p", projectId).bind("n", name).bind("since", since)
                .map((rs, ctx) -> {
                    String k = rs.getString(1);
                    double[] a = values.computeIfAbsent(k, x -> new double[16]);
                    int n = sizes.getOrDefault(k, 0);
                    if (n == a.length) {
                        a = java.util.Arrays.copyOf(a, n * 2);
                        values.put(k, a);
                    }
                    a[n] = rs.getLong(2);
                    sizes.put(k, n + 1);
                    return Boolean.TRUE;
                }).forEach(done -> { });
        Map<String, Double> out = new TreeMap<>();
        values.forEach((k, a) -> out.put(k, Quantiles.of(a, sizes.get(k)).at(0.5)));
        return out;
    }

    /** The window's traces of one version, with their trace scores and votes. */
    Version traces(String projectId, String name, String version, long since) {
        return reader.withHandle(h -> {
            List<Trace> traces = h.createQuery("SELECT id, cost_nanos, status = 'error', ended_at - started_at "
                            + "FROM llm_traces WHERE project_id = :p AND prompt_name = :n AND prompt_version = :v "
                            + "AND received_at >= :since")
                    .bind("p", projectId).bind("n", name).bind("v", version).bind("since", since)
                    .map((rs, ctx) -> {
                        long latency = rs.getLong(4);
                        Long l = rs.wasNull() ? null : latency;
                        return new Trace(rs.getString(1), rs.getLong(2), rs.getBoolean(3), l);
                    }).list();
            Map<String, List<Double>> scores = new TreeMap<>();
            h.createQuery("SELECT s.name, s.value FROM llm_scores s JOIN llm_traces t ON t.project_id = s.project_id "
                            + "AND t.id = s.trace_id WHERE s.project_id = :p AND s.span_id = '' AND s.value IS NOT NULL "
                            + "AND t.prompt_name = :n AND t.prompt_version = :v AND t.received_at >= :since")
                    .bind("p", projectId).bind("n", name).bind("v", version).bind("since", since)
                    .map((rs, ctx) -> scores.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getDouble(2)))
                    .forEach(done -> { });
            long[] votes = h.createQuery("SELECT count(*), coalesce(sum(CASE WHEN f.value = 1 THEN 1 ELSE 0 END), 0) "
                            + "FROM llm_feedback f "
                            + "JOIN llm_traces t ON t.project_id = f.project_id AND t.id = f.trace_id "
                            + "WHERE f.project_id = :p AND t.prompt_name = :n AND t.prompt_version = :v "
                            + "AND t.received_at >= :since")
                    .bind("p", projectId).bind("n", name).bind("v", version).bind("since", since)
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).one();
            Map<String, double[]> arrays = new TreeMap<>();
            scores.forEach((k, v) -> arrays.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
            return new Version(traces, arrays, votes[0], votes[1]);
        });
    }
}
