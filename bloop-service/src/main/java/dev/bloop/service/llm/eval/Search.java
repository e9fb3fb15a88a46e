package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.eval.SearchHit;
import dev.bloop.service.errors.SearchQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import dev.bloop.service.store.Dialect;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /v1/llm/search?q=}: full-text search over trace names and content and over span names, error
 * messages and content, as error search does (FTS5 external-content tables kept by triggers, every word a
 * prefix, only letters and digits reach FTS5). Content is found only where the project's content storage
 * kept it. Newest first.
 */
final class Search {
    /** Hits of one kind read at most, before the merge. */
    private static final int MAX_READ = 1_000;

    private final Jdbi reader;

    private final Dialect dialect;

    Search(Jdbi reader, Dialect dialect) {
        this.dialect = dialect;
        this.reader = reader;
    }

    record Page(List<SearchHit> rows, long total) {
    }

    /** Null match: no word in q. */
    Page search(String projectId, String q, int hours, int limit, int offset, long now) {
        String match = SearchQuery.of(dialect, q);
        if (match == null) {
            return new Page(List.of(), 0);
        }
        long since = Windows.since(now, hours);
        List<SearchHit> hits = new ArrayList<>(reader.withHandle(h -> h.createQuery("SELECT t.id, t.name, t.status, "
                        + "t.received_at FROM llm_traces t WHERE "
                        + dialect.matches("t.seq", "llm_traces_fts", "t.search", "m")
                        + " AND t.project_id = :p AND t.received_at >= :since "
                        + "ORDER BY t.received_at DESC LIMIT :max")
                .bind("m", match).bind("p", projectId).bind("since", since).bind("max", MAX_READ)
                .map((rs, ctx) -> new SearchHit(rs.getString(1), rs.getString(2), null, null, null, rs.getString(3),
                        rs.getLong(4))).list()));
        hits.addAll(reader.withHandle(h -> h.createQuery("SELECT t.id, t.name, s.id, s.name, s.error_message, s.status, "
                        + "s.received_at FROM llm_spans s JOIN llm_traces t ON t.seq = s.trace_seq "
                        + "WHERE " + dialect.matches("s.rowid", "llm_spans_fts", "s.search", "m")
                        + " AND s.project_id = :p AND s.received_at >= :since ORDER BY s.received_at DESC LIMIT :max")
                .bind("m", match).bind("p", projectId).bind("since", since).bind("max", MAX_READ)
                .map((rs, ctx) -> new SearchHit(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getLong(7))).list()));
        hits.sort(Comparator.comparingLong(SearchHit::receivedAt).reversed()
                .thenComparing(SearchHit::traceId).thenComparing(x -> x.spanId() == null ? "" : x.spanId()));
        int from = Math.min(offset, hits.size());
        return new Page(hits.subList(from, Math.min(hits.size(), from + limit)), hits.size());
    }
}
