package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.Money;
import dev.bloop.api.llm.eval.RagRow;
import dev.bloop.api.llm.eval.ToolRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.bloop.service.store.Dialect;
import org.jdbi.v3.core.Jdbi;

/**
 * The tools and retrieval tables: tool spans ({@code span_type: tool}) per name, retrieval spans
 * ({@code span_type: retrieval}) per source (their name), over the window, through a partial index of
 * those spans only. Retrieval spans may carry {@code documents} (how many were returned: a number, or the
 * list itself) and {@code relevance} (0..1) in their metadata, which the project's content storage keeps
 * unless it is {@code none}.
 */
final class SpanTables {
    private final Jdbi reader;

    private final Dialect dialect;

    SpanTables(Jdbi reader, Dialect dialect) {
        this.dialect = dialect;
        this.reader = reader;
    }

    private static final class Acc {
        long calls;
        long errors;
        long cost;
        double[] latencies = new double[16];
        int n;
        long documents;
        long withDocuments;
        long empty;
        double relevance;
        long withRelevance;

        void latency(long ms) {
            if (n == latencies.length) {
                latencies = java.util.Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = ms;
        }
    }

    List<ToolRow> tools(String projectId, int hours, long now) {
        Map<String, Acc> by = read(projectId, "tool", Windows.since(now, hours));
        List<ToolRow> rows = new ArrayList<>();
        by.forEach((name, a) -> {
            Quantiles q = Quantiles.of(a.latencies, a.n);
            rows.add(new ToolRow(name.isEmpty() ? null : name, a.calls, a.errors, (double) a.errors / a.calls,
                    q.at(0.5), q.at(0.99), Money.dollars(a.cost)));
        });
        rows.sort(Comparator.comparingLong(ToolRow::calls).reversed());
        return rows;
    }

    List<RagRow> rag(String projectId, int hours, long now) {
        Map<String, Acc> by = read(projectId, "retrieval", Windows.since(now, hours));
        List<RagRow> rows = new ArrayList<>();
        by.forEach((name, a) -> {
            Quantiles q = Quantiles.of(a.latencies, a.n);
            rows.add(new RagRow(name.isEmpty() ? null : name, a.calls, a.errors, q.at(0.5), q.at(0.99), a.documents,
                    a.withDocuments == 0 ? null : (double) a.documents / a.withDocuments, a.empty,
                    a.withRelevance == 0 ? null : a.relevance / a.withRelevance));
        });
        rows.sort(Comparator.comparingLong(RagRow::calls).reversed());
        return rows;
    }

    /**
     * Two columns from a span's metadata: {@code documents} (an integer, or an array's length) and
     * {@code relevance} (a number), each null when absent or of another type.
     */
    private String documentsAndRelevance() {
        if (dialect == Dialect.SQLITE) {
            return "CASE json_type(metadata, '$.documents') WHEN 'integer' THEN json_extract(metadata, '$.documents') "
                    + "WHEN 'array' THEN json_array_length(metadata, '$.documents') END, "
                    + "CASE WHEN json_type(metadata, '$.relevance') IN ('integer', 'real') "
                    + "THEN json_extract(metadata, '$.relevance') END ";
        }
        return "CASE WHEN jsonb_typeof(metadata::jsonb -> 'documents') = 'array' "
                + "THEN jsonb_array_length(metadata::jsonb -> 'documents') "
                + "WHEN (metadata::jsonb ->> 'documents') ~ '^-?[0-9]+$' "
                + "THEN (metadata::jsonb ->> 'documents')::bigint END, "
                + "CASE WHEN jsonb_typeof(metadata::jsonb -> 'relevance') = 'number' "
                + "THEN (metadata::jsonb ->> 'relevance')::double precision END ";
    }

    private Map<String, Acc> read(String projectId, String type, long since) {
        Map<String, Acc> by = new LinkedHashMap<>();
        reader.useHandle(h -> h.createQuery("SELECT coalesce(name, ''), status, latency_ms, "
                        + "coalesce(provided_cost_nanos, computed_cost_nanos), "
                        + documentsAndRelevance()
                        + "FROM llm_spans WHERE project_id = :p AND span_type = :t AND received_at >= :since")
                .bind("p", projectId).bind("t", type).bind("since", since)
                .map((rs, ctx) -> {
                    Acc a = by.computeIfAbsent(rs.getString(1), k -> new Acc());
                    a.calls++;
                    a.errors += "error".equals(rs.getString(2)) ? 1 : 0;
                    long latency = rs.getLong(3);
                    if (!rs.wasNull()) {
                        a.latency(latency);
                    }
                    a.cost += rs.getLong(4);
                    long docs = rs.getLong(5);
                    if (!rs.wasNull()) {
                        a.documents += docs;
                        a.withDocuments++;
                        a.empty += docs == 0 ? 1 : 0;
                    }
                    double relevance = rs.getDouble(6);
                    if (!rs.wasNull()) {
                        a.relevance += relevance;
                        a.withRelevance++;
                    }
                    return Boolean.TRUE;
                }).forEach(done -> { }));
        return by;
    }
}
