package dev.bloop.service.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.llm.LatencyRow;
import dev.bloop.api.llm.LlmOverview;
import dev.bloop.api.llm.ModelUsage;
import dev.bloop.api.llm.Money;
import dev.bloop.api.llm.SessionSummary;
import dev.bloop.api.llm.SpanNode;
import dev.bloop.api.llm.Tokens;
import dev.bloop.api.llm.TraceDetail;
import dev.bloop.api.llm.TraceSummary;
import dev.bloop.api.llm.UsageRow;
import dev.bloop.service.store.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.result.ResultIterator;
import org.jdbi.v3.core.statement.Query;

/**
 * The LLM query API's reads, on the query-only pool, always within one project. Windows are whole
 * hours of server receive time (the current hour and the {@code hours - 1} before it), read from the
 * writer's rollups, so that a window costs the same at a thousand spans as at a million; only the
 * trace list, trace detail and sessions read traces and spans.
 */
final class LlmQueries {
    static final long HOUR_MS = TraceWriter.HOUR_MS;

    private final Jdbi reader;
    private final Dialect dialect;
    private final ObjectMapper json;
    private final Policies policies;
    private final LatencyHistograms histograms;

    LlmQueries(Jdbi reader, Dialect dialect, ObjectMapper json, Policies policies, LatencyHistograms histograms) {
        this.dialect = dialect;
        this.reader = reader;
        this.json = json;
        this.policies = policies;
        this.histograms = histograms;
    }

    /** The first hour bucket of a window of {@code hours} whole hours ending with the current one. */
    static long since(long now, int hours) {
        return Math.floorDiv(now, HOUR_MS) * HOUR_MS - (hours - 1L) * HOUR_MS;
    }

    // ----------------------------------------------------------------------------------- overview

    LlmOverview overview(String projectId, int hours, long now) {
        long since = since(now, hours);
        return reader.withHandle(h -> {
            long[] traces = h.createQuery("SELECT coalesce(sum(traces), 0), coalesce(sum(error_traces), 0) "
                            + "FROM llm_traces_hourly WHERE project_id = :p AND hour_bucket >= :since")
                    .bind("p", projectId).bind("since", since)
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).one();
            long spans = 0;
            long calls = 0;
            long callErrors = 0;
            long cost = 0;
            long unpriced = 0;
            Tokens tokens = Tokens.ZERO;
            for (long[] r : h.createQuery("SELECT CASE WHEN span_type = 'generation' THEN 1 ELSE 0 END, sum(spans), "
                            + "sum(errors), sum(input_uncached), "
                            + "sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), sum(output_tokens), "
                            + "sum(reasoning_tokens), sum(cost_nanos), sum(unpriced_spans) FROM llm_usage_hourly "
                            + "WHERE project_id = :p AND hour_bucket >= :since GROUP BY 1")
                    .bind("p", projectId).bind("since", since)
                    .map((rs, ctx) -> {
                        long[] v = new long[11];
                        for (int i = 0; i < 11; i++) {
                            v[i] = rs.getLong(i + 1);
                        }
                        return v;
                    }).list()) {
                spans += r[1];
                if (r[0] == 1) {
                    calls += r[1];
                    callErrors += r[2];
                }
                tokens = tokens.plus(Tokens.of(r[3], r[4], r[5], r[6], r[7], r[8]));
                cost += r[9];
                unpriced += r[10];
            }
            Percentiles latency = distribution(h, projectId, "l", since);
            Percentiles ttft = distribution(h, projectId, "t", since);
            return new LlmOverview(hours, since, traces[0], traces[1], spans, calls, callErrors,
                    calls == 0 ? 0 : (double) callErrors / calls, tokens, Money.dollars(cost), Money.micros(cost),
                    unpriced, latency.at(0.5), latency.at(0.99), ttft.at(0.5));
        });
    }

    private Percentiles distribution(Handle h, String projectId, String kind, long since) {
        return histograms.all(h, projectId, kind, since).percentiles();
    }

    // -------------------------------------------------------------------------------------- usage

    List<UsageRow> usage(String projectId, int hours, String model, String provider, long now) {
        long since = since(now, hours);
        record Key(String model, String provider) {
        }
        Map<Key, Map<Long, long[]>> byModel = new TreeMap<>(Comparator.comparing(Key::model)
                .thenComparing(Key::provider));
        reader.useHandle(h -> h.createQuery("SELECT model, provider, hour_bucket, sum(spans), sum(input_uncached), "
                        + "sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), sum(output_tokens), "
                        + "sum(reasoning_tokens), sum(cost_nanos), sum(unpriced_spans) FROM llm_usage_hourly "
                        + "WHERE project_id = :p AND hour_bucket >= :since"
                        + (model == null ? "" : " AND model = :m") + (provider == null ? "" : " AND provider = :prov")
                        + " GROUP BY model, provider, hour_bucket")
                .bind("p", projectId).bind("since", since).bind("m", model).bind("prov", provider)
                .map((rs, ctx) -> {
                    long[] v = new long[9];
                    for (int i = 0; i < 9; i++) {
                        v[i] = rs.getLong(i + 4);
                    }
                    // Spans without a model (tools, retrievals) are left out unless they carry tokens or cost.
                    if (!rs.getString(1).isEmpty() || v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7] > 0) {
                        byModel.computeIfAbsent(new Key(rs.getString(1), rs.getString(2)), k -> new HashMap<>())
                                .put(rs.getLong(3), v);
                    }
                    return Boolean.TRUE;
                }).list());
        List<UsageRow> out = new ArrayList<>();
        long current = Math.floorDiv(now, HOUR_MS) * HOUR_MS;
        for (long hour = since; hour <= current; hour += HOUR_MS) {
            for (Map.Entry<Key, Map<Long, long[]>> e : byModel.entrySet()) {
                long[] v = e.getValue().getOrDefault(hour, new long[9]);
                out.add(new UsageRow(hour, blankToNull(e.getKey().model()), blankToNull(e.getKey().provider()), v[0],
                        Tokens.of(v[1], v[2], v[3], v[4], v[5], v[6]), Money.dollars(v[7]), Money.micros(v[7]), v[8]));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------ latency

    List<LatencyRow> latency(String projectId, int hours, String model, long now) {
        long since = since(now, hours);
        return reader.withHandle(h -> {
            Map<String, Percentiles> latency = byModel(h, projectId, "l", since, model);
            Map<String, Percentiles> ttft = byModel(h, projectId, "t", since, model);
            List<LatencyRow> rows = new ArrayList<>();
            for (Map.Entry<String, Percentiles> e : latency.entrySet()) {
                Percentiles l = e.getValue();
                Percentiles t = ttft.getOrDefault(e.getKey(), Percentiles.of(new long[0], new long[0], 0));
                rows.add(new LatencyRow(blankToNull(e.getKey()), l.count(), l.at(0.5), l.at(0.9), l.at(0.99), t.count(),
                        t.at(0.5), t.at(0.9), t.at(0.99)));
            }
            rows.sort(Comparator.comparingLong(LatencyRow::calls).reversed().thenComparing(r -> r.model() == null ? ""
                    : r.model()));
            return rows;
        });
    }

    private Map<String, Percentiles> byModel(Handle h, String projectId, String kind, long since, String model) {
        Map<String, Percentiles> out = new LinkedHashMap<>();
        new TreeMap<>(histograms.byModel(h, projectId, kind, since, model)).forEach((m, hist) -> {
            Percentiles p = hist.percentiles();
            if (p.count() > 0) {
                out.put(m, p);
            }
        });
        return out;
    }

    // ------------------------------------------------------------------------------------- models

    List<ModelUsage> models(String projectId, int hours, String provider, long now) {
        long since = since(now, hours);
        PriceBook book = policies.book();
        List<ModelUsage> rows = reader.withHandle(h -> h.createQuery("SELECT model, provider, sum(spans), sum(errors), "
                        + "sum(input_uncached), sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), "
                        + "sum(output_tokens), sum(reasoning_tokens), sum(cost_nanos), sum(latency_sum_ms), "
                        + "sum(latency_count), sum(unpriced_spans) FROM llm_usage_hourly WHERE project_id = :p "
                        + "AND hour_bucket >= :since AND model <> ''" + (provider == null ? "" : " AND provider = :prov")
                        + " GROUP BY model, provider")
                .bind("p", projectId).bind("since", since).bind("prov", provider)
                .map((rs, ctx) -> {
                    long calls = rs.getLong(3);
                    long errors = rs.getLong(4);
                    long cost = rs.getLong(11);
                    long latencyCount = rs.getLong(13);
                    String model = rs.getString(1);
                    String prov = blankToNull(rs.getString(2));
                    return new ModelUsage(model, prov, calls, errors, calls == 0 ? 0 : (double) errors / calls,
                            Tokens.of(rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                                    rs.getLong(10)), Money.dollars(cost), Money.micros(cost),
                            latencyCount == 0 ? null : (double) rs.getLong(12) / latencyCount,
                            book.resolve(projectId, model, prov, now) != null, rs.getLong(14));
                }).list());
        List<ModelUsage> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(ModelUsage::cost, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Comparator.comparingLong(ModelUsage::calls).reversed())
                .thenComparing(ModelUsage::model));
        return sorted;
    }

    // ------------------------------------------------------------------------------------- traces

    /** Filters of the trace list; null fields do not filter. */
    record TraceFilter(String projectId, int hours, String model, String provider, String sessionId, String userId,
                       String status, String name, Tags tags, int limit, int offset) {
    }

    /** Prompt and experiment filters of the trace list; null fields do not filter. */
    record Tags(String promptName, String promptVersion, String experiment, String variant) {
    }

    record Page<T>(List<T> rows, long total) {
    }

    private static final String TRACE_COLUMNS = "t.id, t.name, t.session_id, t.user_id, t.status, t.started_at, "
            + "t.ended_at, t.received_at, t.span_count, t.error_spans, t.models, t.input_uncached, t.cache_read, "
            + "t.cache_write_5m, t.cache_write_1h, t.output_tokens, t.reasoning_tokens, t.cost_nanos, t.unpriced_spans, "
            + "t.prompt_name, t.prompt_version, t.experiment, t.variant";

    Page<TraceSummary> traces(TraceFilter f, long now) {
        long since = since(now, f.hours());
        StringBuilder where = new StringBuilder("t.project_id = :p AND t.received_at >= :since");
        if (f.sessionId() != null) {
            where.append(" AND t.session_id = :session");
        }
        if (f.userId() != null) {
            where.append(" AND t.user_id = :user");
        }
        if (f.status() != null) {
            where.append(" AND t.status = :status");
        }
        if (f.name() != null) {
            where.append(" AND t.name ").append(dialect.likeIgnoringCase()).append(" :name ESCAPE '\\'");
        }
        Tags tags = f.tags();
        if (tags.promptName() != null) {
            where.append(" AND t.prompt_name = :prompt_name");
        }
        if (tags.promptVersion() != null) {
            where.append(" AND t.prompt_version = :prompt_version");
        }
        if (tags.experiment() != null) {
            where.append(" AND t.experiment = :experiment");
        }
        if (tags.variant() != null) {
            where.append(" AND t.variant = :variant");
        }
        if (f.model() != null || f.provider() != null) {
            // Through the spans' model index (a span is never received before its trace), not a lookup per trace.
            where.append(" AND t.seq IN (SELECT s.trace_seq FROM llm_spans s WHERE s.project_id = :p")
                    .append(f.model() == null ? " AND s.model IS NOT NULL" : " AND s.model = :model")
                    .append(" AND s.received_at >= :since")
                    .append(f.provider() == null ? "" : " AND s.provider = :provider").append(')');
        }
        String name = f.name() == null ? null : "%" + f.name().replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%";
        return reader.withHandle(h -> {
            long total = bind(h.createQuery("SELECT count(*) FROM llm_traces t WHERE " + where), f, since, name)
                    .mapTo(Long.class).one();
            List<TraceSummary> rows = bind(h.createQuery("SELECT " + TRACE_COLUMNS + " FROM llm_traces t WHERE " + where
                            + " ORDER BY t.received_at DESC, t.id LIMIT :limit OFFSET :offset"), f, since, name)
                    .bind("limit", f.limit()).bind("offset", f.offset())
                    .map((rs, ctx) -> summary(rs)).list();
            return new Page<>(rows, total);
        });
    }

    private static Query bind(Query q, TraceFilter f, long since, String name) {
        return q.bind("p", f.projectId()).bind("since", since).bind("session", f.sessionId()).bind("user", f.userId())
                .bind("status", f.status()).bind("name", name).bind("model", f.model()).bind("provider", f.provider())
                .bind("prompt_name", f.tags().promptName()).bind("prompt_version", f.tags().promptVersion())
                .bind("experiment", f.tags().experiment()).bind("variant", f.tags().variant());
    }

    private static TraceSummary summary(ResultSet rs) throws SQLException {
        long startedAt = rs.getLong(6);
        Long endedAt = TraceWriter.optLong(rs, 7);
        String models = rs.getString(11);
        Tokens tokens = Tokens.of(rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16),
                rs.getLong(17));
        long cost = rs.getLong(18);
        return new TraceSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                startedAt, endedAt, endedAt == null ? null : endedAt - startedAt, rs.getLong(8), rs.getInt(9),
                rs.getInt(10), models == null ? List.of() : List.of(models.split(",")), tokens, tokens.inputTotal(),
                tokens.output(), Money.dollars(cost), Money.micros(cost), rs.getInt(19),
                rs.getString(20), rs.getString(21), rs.getString(22), rs.getString(23));
    }

    Optional<TraceDetail> trace(String projectId, String id) {
        // One read transaction: the trace's totals and its spans from the same commit of the writer (two
        // autocommit reads could show a span whose tokens the totals do not have yet).
        return reader.inTransaction(h -> {
            Optional<Object[]> row = h.createQuery("SELECT " + TRACE_COLUMNS + ", t.input, t.output, t.metadata, "
                            + "t.spans_dropped, t.seq FROM llm_traces t WHERE t.project_id = :p AND t.id = :id")
                    .bind("p", projectId).bind("id", id)
                    .map((rs, ctx) -> new Object[] {summary(rs), rs.getString(24), rs.getString(25), rs.getString(26),
                            rs.getInt(27), rs.getLong(28)})
                    .findOne();
            if (row.isEmpty()) {
                return Optional.empty();
            }
            TraceSummary s = (TraceSummary) row.get()[0];
            List<Flat> spans = h.createQuery("SELECT " + TraceWriter.SpanRow.COLUMNS + ", input, output, metadata "
                            + "FROM llm_spans WHERE trace_seq = :seq ORDER BY started_at, rowid")
                    .bind("seq", (Long) row.get()[5])
                    .map((rs, ctx) -> new Flat(TraceWriter.SpanRow.read(rs, 1), rs.getString(24), rs.getString(25),
                            rs.getString(26)))
                    .list();
            return Optional.of(new TraceDetail(s, projectId, node((String) row.get()[1]), node((String) row.get()[2]),
                    node((String) row.get()[3]), (Integer) row.get()[4], tree(spans, s.startedAt())));
        });
    }

    private record Flat(TraceWriter.SpanRow row, String input, String output, String metadata) {
    }

    /** Roots in start order, each with its children nested; subtree totals summed bottom-up. */
    private List<SpanNode> tree(List<Flat> spans, long traceStart) {
        Map<String, List<Flat>> children = new HashMap<>();
        List<Flat> roots = new ArrayList<>();
        Map<String, Flat> byId = new HashMap<>();
        spans.forEach(f -> byId.put(f.row().id(), f));
        for (Flat f : spans) {
            String parent = f.row().parentSpanId();
            if (parent != null && byId.containsKey(parent) && !parent.equals(f.row().id())) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(f);
            } else {
                roots.add(f);
            }
        }
        List<SpanNode> out = new ArrayList<>();
        for (Flat r : roots) {
            out.add(node(r, children, traceStart, 0).node());
        }
        return out;
    }

    private record Built(SpanNode node, long subtreeCostNanos) {
    }

    private Built node(Flat f, Map<String, List<Flat>> children, long traceStart, int depth) {
        TraceWriter.SpanRow s = f.row();
        List<SpanNode> kids = new ArrayList<>();
        Tokens own = Tokens.of(s.inputUncached(), s.cacheRead(), s.cacheWrite5m(), s.cacheWrite1h(), s.outputTokens(),
                s.reasoningTokens());
        Tokens subtree = own;
        long subtreeCost = s.costNanos() == null ? 0 : s.costNanos();
        // Parents were checked at ingest, so there is no cycle; the depth bound only guards the stack.
        if (depth < 200) {
            for (Flat c : children.getOrDefault(s.id(), List.of())) {
                Built k = node(c, children, traceStart, depth + 1);
                kids.add(k.node());
                subtree = subtree.plus(k.node().subtreeTokens());
                subtreeCost += k.subtreeCostNanos();
            }
        }
        Long cost = s.costNanos();
        String source = s.providedCostNanos() != null ? "provided" : s.computedCostNanos() != null ? "computed" : null;
        String reason = cost != null ? null : s.model() == null ? "no_model" : "unpriced_model";
        return new Built(new SpanNode(s.id(), s.parentSpanId(), s.spanType(), s.name(), s.model(), s.provider(),
                s.status(), s.errorMessage(), s.startedAt(), s.endedAt(), s.startedAt() - traceStart, s.latencyMs(),
                s.ttftMs(), own, own.inputTotal(), own.output(), Money.dollars(cost), Money.micros(cost), source, reason,
                Money.dollars(s.providedCostNanos()), Money.dollars(s.computedCostNanos()), node(f.input()),
                node(f.output()), node(f.metadata()), subtree, Money.dollars(subtreeCost), kids), subtreeCost);
    }

    private JsonNode node(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    // ----------------------------------------------------------------------------------- sessions

    /**
     * Sessions, the most recently active first (ties by id). That order is the order in which a walk
     * back through the window's traces first meets each session, so the walk stops as soon as it has
     * met the page's sessions and every session tied with the last of them; then only those sessions'
     * traces are summed, through the session index. Nothing groups the whole window (which cost half a
     * second of CPU per request at 1 M spans), and all three reads see the same commit.
     */
    Page<SessionSummary> sessions(String projectId, int hours, String userId, int limit, int offset, long now) {
        long since = since(now, hours);
        String user = userId == null ? "" : " AND user_id = :user";
        return reader.inTransaction(h -> {
            // With a user, the session index would be followed by a row lookup for every trace of every
            // session: the time index is then the shorter way.
            long total = h.createQuery("SELECT count(DISTINCT session_id) FROM llm_traces"
                            + (userId == null ? "" : dialect.indexedBy("llm_traces_by_time"))
                            + " WHERE project_id = :p AND session_id IS NOT NULL AND received_at >= :since" + user)
                    .bind("p", projectId).bind("since", since).bind("user", userId).mapTo(Long.class).one();
            List<String> ids = recentSessions(h, projectId, since, userId, offset, limit);
            if (ids.isEmpty()) {
                return new Page<>(List.of(), total);
            }
            Map<String, SessionSummary> byId = new HashMap<>();
            h.createQuery("SELECT session_id, min(user_id), count(*), "
                            + "sum(CASE WHEN status = 'error' THEN 1 ELSE 0 END), sum(span_count), min(started_at), "
                            + "max(started_at), "
                            + "sum(input_uncached), sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), "
                            + "sum(output_tokens), sum(reasoning_tokens), sum(cost_nanos), sum(unpriced_spans) "
                            + "FROM llm_traces WHERE project_id = :p AND session_id IN (<ids>) AND received_at >= :since"
                            + user + " GROUP BY session_id")
                    .bind("p", projectId).bindList("ids", ids).bind("since", since).bind("user", userId)
                    .map((rs, ctx) -> new SessionSummary(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), Tokens.of(rs.getLong(8), rs.getLong(9),
                            rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13)),
                            Money.dollars(rs.getLong(14)), Money.micros(rs.getLong(14)), rs.getLong(15)))
                    .forEach(s -> byId.put(s.sessionId(), s));
            return new Page<>(ids.stream().map(byId::get).toList(), total);
        });
    }

    /** The ids of the sessions on a page, in page order: last trace received first, then by id. */
    private List<String> recentSessions(Handle h, String projectId, long since, String userId, int offset,
                                        int limit) {
        record Trace(String session, long receivedAt) {
        }
        int wanted = offset + limit;
        Map<String, Long> lastSeen = new HashMap<>();
        try (ResultIterator<Trace> rows = h.createQuery("SELECT session_id, received_at FROM llm_traces"
                        + dialect.indexedBy("llm_traces_by_time") + " WHERE project_id = :p AND received_at >= :since "
                        + "AND session_id IS NOT NULL" + (userId == null ? "" : " AND user_id = :user")
                        + " ORDER BY received_at DESC")
                .bind("p", projectId).bind("since", since).bind("user", userId)
                .map((rs, ctx) -> new Trace(rs.getString(1), rs.getLong(2))).iterator()) {
            long boundary = Long.MIN_VALUE;
            while (rows.hasNext()) {
                Trace t = rows.next();
                if (t.receivedAt() < boundary) {
                    break; // every session not met yet was last active before the page's last one
                }
                if (lastSeen.putIfAbsent(t.session(), t.receivedAt()) == null && lastSeen.size() == wanted) {
                    boundary = t.receivedAt();
                }
            }
        }
        List<Map.Entry<String, Long>> ordered = new ArrayList<>(lastSeen.entrySet());
        ordered.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return ordered.subList(Math.min(offset, ordered.size()), Math.min(wanted, ordered.size())).stream()
                .map(Map.Entry::getKey).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

}
