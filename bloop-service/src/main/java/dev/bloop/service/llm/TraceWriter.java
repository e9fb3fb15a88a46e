package dev.bloop.service.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.pipeline.SingleWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import dev.bloop.service.store.Dialect;
import dev.bloop.service.store.FlushTurn;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a flush of traces inside the writer's transaction: trace rows, span rows with their
 * computed cost, and the rollups the queries and alerts read (usage per hour and model, traces per
 * hour, exact latency distributions), summed in memory first so that each key is one upsert.
 *
 * <p>A trace id that exists is replaced, and a span id that exists in its trace is replaced: what
 * the old row had added to the rollups is taken out before the new row's share goes in, so a client
 * that re-sends a trace (a retry) never counts it twice. Trace totals are then summed again from its
 * spans. An update ({@code PUT}) of a trace that is not there (it was dead-lettered, or its project
 * deleted) is dropped.
 *
 * <p>Costs: the client's cost is kept as sent; bloop's own is computed from the price book at write
 * time; a span's cost is the client's when given, else bloop's, else unknown (its model has no
 * price: counted as unpriced, never as $0). A price change queues a {@link #recompute} that goes
 * over the stored spans in bounded steps between flushes, on this same thread, moving the rollups by
 * the difference.
 */
final class TraceWriter implements SingleWriter.Target<QueuedTrace> {
    private static final Logger LOG = LoggerFactory.getLogger(TraceWriter.class);
    static final long HOUR_MS = 3_600_000L;
    /** Rowids looked at per recompute step: bounds how long one step holds the write lock. */
    private static final int RECOMPUTE_STEP = 20_000;

    private final Jdbi db;
    private final Dialect dialect;
    private final Policies policies;
    private final ObjectMapper json;
    private final PendingTraces pending;
    private final int maxSpans;
    private final List<Consumer<List<SpanFact>>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<LatencyHistograms.Change>>> latencyListeners = new CopyOnWriteArrayList<>();
    /** Recomputes waiting or under way, in order; a project's newer request replaces its older one. */
    private final List<Recompute> recomputes = new CopyOnWriteArrayList<>();

    /** Costs of stored spans to compute again: one project's, or (null) every project's. */
    private static final class Recompute {
        final String projectId;
        volatile long cursor;

        Recompute(String projectId) {
            this.projectId = projectId;
        }
    }

    TraceWriter(Jdbi db, Dialect dialect, Policies policies, ObjectMapper json, PendingTraces pending, int maxSpans) {
        this.db = db;
        this.dialect = dialect;
        this.policies = policies;
        this.json = json;
        this.pending = pending;
        this.maxSpans = maxSpans;
    }

    void addListener(Consumer<List<SpanFact>> listener) {
        listeners.add(listener);
    }

    /** Told after each commit what it changed in the latency rows. */
    void onLatencyWritten(Consumer<List<LatencyHistograms.Change>> listener) {
        latencyListeners.add(listener);
    }

    /** Queues a recompute of the project's costs ({@code null}: all projects'). */
    void recompute(String projectId) {
        recomputes.removeIf(r -> projectId != null && projectId.equals(r.projectId));
        recomputes.add(new Recompute(projectId));
    }

    boolean recomputing(String projectId) {
        return recomputes.stream().anyMatch(r -> r.projectId == null || r.projectId.equals(projectId));
    }

    @Override
    public String describe(QueuedTrace t) {
        return "A trace of project " + t.projectId() + " (id " + t.id() + (t.update() ? ", update" : "") + ")";
    }

    /** Keeps the trace as queued, with the error, in {@code llm_dead_letters}; its own transaction. */
    @Override
    public void deadLetter(QueuedTrace t, Throwable failure, long now) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String error = root.getClass().getSimpleName() + ": " + root.getMessage();
        String text = error.length() > 2_000 ? error.substring(0, 2_000) : error;
        db.useHandle(h -> h.createUpdate("INSERT INTO llm_dead_letters (project_id, received_at, failed_at, error, item) "
                        + "VALUES (:p, :r, :f, :e, :i)")
                .bind("p", t.projectId()).bind("r", t.receivedAt()).bind("f", now).bind("e", text)
                .bind("i", encode(t)).execute());
        pending.release(t);
    }

    @Override
    public Runnable write(Handle handle, List<QueuedTrace> part, long now) throws SQLException {
        Connection c = handle.getConnection();
        // Parts of one trace may reach several nodes: each widens what the one before it committed.
        FlushTurn.TRACES.take(c, dialect);
        PriceBook book = policies.book();
        Rollups rollups = new Rollups();
        List<SpanFact> facts = new ArrayList<>();
        try (Statements st = new Statements(c)) {
            // New traces in bulk (consecutive ones between updates, so that order is kept), updates one by one.
            List<QueuedTrace> run = new ArrayList<>();
            for (QueuedTrace t : part) {
                if (t.update()) {
                    creates(st, run, book, rollups, facts, now);
                    run.clear();
                    update(st, t, book, rollups, facts, now);
                } else {
                    run.add(t);
                }
            }
            creates(st, run, book, rollups, facts, now);
        }
        rollups.write(c);
        List<LatencyHistograms.Change> latencyChanges = rollups.latencyChanges();
        return () -> {
            pending.release(part);
            if (!latencyChanges.isEmpty()) {
                for (Consumer<List<LatencyHistograms.Change>> l : latencyListeners) {
                    try {
                        l.accept(latencyChanges);
                    } catch (RuntimeException e) {
                        LOG.error("LLM latency listener failed", e);
                    }
                }
            }
            if (!facts.isEmpty()) {
                for (Consumer<List<SpanFact>> l : listeners) {
                    try {
                        l.accept(facts);
                    } catch (RuntimeException e) {
                        LOG.error("LLM flush listener failed", e);
                    }
                }
            }
        };
    }

    // ------------------------------------------------------------------------------------- traces

    /**
     * Whole traces: inserted in one batch each of traces and spans, numbered by the writer. An id the
     * project already has (a re-send, or the same trace twice in the run) is not inserted; it is then
     * replaced, after the batch and in order.
     */
    private void creates(Statements st, List<QueuedTrace> run, PriceBook book, Rollups r, List<SpanFact> facts,
                         long now) throws SQLException {
        if (run.isEmpty()) {
            return;
        }
        long seq = st.nextSeq();
        List<List<SpanRow>> rows = new ArrayList<>(run.size());
        for (QueuedTrace t : run) {
            long traceSeq = seq++;
            List<SpanRow> spans = new ArrayList<>(t.spans().size());
            Totals totals = new Totals();
            for (QueuedTrace.QueuedSpan s : t.spans()) {
                SpanRow row = SpanRow.of(t.projectId(), traceSeq, s, t.receivedAt(), book);
                spans.add(row);
                totals.add(row);
            }
            rows.add(spans);
            st.addTrace(t, traceSeq, totals, now);
        }
        int[] inserted = st.insertTraces();
        List<QueuedTrace> existing = new ArrayList<>();
        for (int i = 0; i < run.size(); i++) {
            QueuedTrace t = run.get(i);
            if (inserted[i] == 0) {
                existing.add(t);
                continue;
            }
            for (SpanRow row : rows.get(i)) {
                st.addSpan(row);
                r.add(row, 1);
                facts.add(row.fact());
            }
            r.trace(t.projectId(), t.receivedAt(), 1, "error".equals(t.status()) ? 1 : 0);
        }
        st.insertSpans();
        for (QueuedTrace t : existing) {
            replace(st, t, book, r, facts, now);
        }
    }

    /** A trace id that exists, sent again: fields replaced, spans replaced or added, totals summed again. */
    private void replace(Statements st, QueuedTrace t, PriceBook book, Rollups r, List<SpanFact> facts, long now)
            throws SQLException {
        StoredTrace existing = st.trace(t.projectId(), t.id());
        int wasError = "error".equals(existing.status) ? 1 : 0;
        int isError = "error".equals(t.status()) ? 1 : 0;
        if (wasError != isError) {
            r.trace(t.projectId(), existing.receivedAt, 0, isError - wasError);
        }
        st.replaceTraceFields(t, now);
        int dropped = upsertSpans(st, t, book, r, facts, existing);
        st.retotal(existing.seq, dropped);
    }

    private void update(Statements st, QueuedTrace t, PriceBook book, Rollups r, List<SpanFact> facts, long now)
            throws SQLException {
        StoredTrace existing = st.trace(t.projectId(), t.id());
        if (existing == null) {
            LOG.info("Update of trace {} of project {} dropped: the trace is not stored", t.id(), t.projectId());
            return;
        }
        if (t.status() != null) {
            int wasError = "error".equals(existing.status) ? 1 : 0;
            int isError = "error".equals(t.status()) ? 1 : 0;
            if (wasError != isError) {
                r.trace(t.projectId(), existing.receivedAt, 0, isError - wasError);
            }
        }
        st.updateTraceFields(t, now);
        int dropped = upsertSpans(st, t, book, r, facts, existing);
        st.retotal(existing.seq, dropped);
    }

    /** Replaces or adds the spans; returns how many new ones did not fit under max_spans_per_trace. */
    private int upsertSpans(Statements st, QueuedTrace t, PriceBook book, Rollups r, List<SpanFact> facts,
                            StoredTrace existing) throws SQLException {
        int count = st.spanCount(existing.seq);
        int dropped = 0;
        for (QueuedTrace.QueuedSpan s : t.spans()) {
            SpanRow old = st.span(existing.seq, s.id());
            if (old == null && count >= maxSpans) {
                dropped++;
                continue;
            }
            SpanRow row = SpanRow.of(t.projectId(), existing.seq, s, t.receivedAt(), book);
            if (old != null) {
                r.add(old, -1);
                st.deleteSpan(existing.seq, s.id());
            } else {
                count++;
                facts.add(row.fact());
            }
            st.addSpan(row);
            st.insertSpans();
            r.add(row, 1);
        }
        return dropped;
    }

    // --------------------------------------------------------------------------------- recompute

    @Override
    public void between(Jdbi db) {
        if (recomputes.isEmpty()) {
            return;
        }
        Recompute job = recomputes.get(0);
        boolean done;
        try {
            done = db.inTransaction(h -> recomputeStep(h.getConnection(), job));
        } catch (SQLException e) {
            throw new IllegalStateException("recomputing costs failed", e);
        }
        if (done) {
            recomputes.remove(job);
            LOG.info("Costs recomputed with the current prices for {}", job.projectId == null ? "every project"
                    : "project " + job.projectId);
        }
    }

    /** Goes over the next {@link #RECOMPUTE_STEP} rowids; true when the job has seen every span. */
    private boolean recomputeStep(Connection c, Recompute job) throws SQLException {
        PriceBook book = policies.book();
        long from = job.cursor;
        long to = from + RECOMPUTE_STEP;
        Rollups r = new Rollups();
        Map<Long, long[]> traces = new HashMap<>();
        long max;
        try (PreparedStatement q = c.prepareStatement("SELECT max(rowid) FROM llm_spans");
             ResultSet rs = q.executeQuery()) {
            max = rs.next() ? rs.getLong(1) : 0;
        }
        String sql = "SELECT rowid, " + SpanRow.COLUMNS + " FROM llm_spans WHERE rowid > ? AND rowid <= ? "
                + "AND model IS NOT NULL" + (job.projectId == null ? "" : " AND project_id = ?");
        try (PreparedStatement q = c.prepareStatement(sql);
             PreparedStatement u = c.prepareStatement("UPDATE llm_spans SET computed_cost_nanos = ? WHERE rowid = ?")) {
            q.setLong(1, from);
            q.setLong(2, to);
            if (job.projectId != null) {
                q.setString(3, job.projectId);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long rowid = rs.getLong(1);
                    SpanRow old = SpanRow.read(rs, 2);
                    Long computed = SpanRow.computed(book, old.projectId, old.model, old.provider, old.startedAt,
                            old.inputUncached, old.cacheRead, old.cacheWrite5m, old.cacheWrite1h, old.outputTokens,
                            old.reasoningTokens);
                    if (java.util.Objects.equals(computed, old.computedCostNanos)) {
                        continue;
                    }
                    SpanRow now = old.withComputed(computed);
                    if (computed == null) {
                        u.setNull(1, Types.INTEGER);
                    } else {
                        u.setLong(1, computed);
                    }
                    u.setLong(2, rowid);
                    u.executeUpdate();
                    r.add(old, -1);
                    r.add(now, 1);
                    long[] d = traces.computeIfAbsent(old.traceSeq, k -> new long[2]);
                    d[0] += nz(now.costNanos()) - nz(old.costNanos());
                    d[1] += (now.unpriced() ? 1 : 0) - (old.unpriced() ? 1 : 0);
                }
            }
        }
        r.write(c);
        try (PreparedStatement t = c.prepareStatement("UPDATE llm_traces SET cost_nanos = cost_nanos + ?, "
                + "unpriced_spans = unpriced_spans + ? WHERE seq = ?")) {
            for (Map.Entry<Long, long[]> e : traces.entrySet()) {
                t.setLong(1, e.getValue()[0]);
                t.setLong(2, e.getValue()[1]);
                t.setLong(3, e.getKey());
                t.executeUpdate();
            }
        }
        job.cursor = to;
        return to >= max;
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

    // ------------------------------------------------------------------------------------- rows

    /** A trace as stored, the little the writer needs of it. */
    private record StoredTrace(long seq, String status, long receivedAt) {
    }

    /** Sums of a new trace's spans. */
    private static final class Totals {
        int spans;
        int errors;
        long uncached;
        long read;
        long write5m;
        long write1h;
        long output;
        long reasoning;
        long cost;
        int unpriced;
        final TreeSet<String> models = new TreeSet<>();

        void add(SpanRow s) {
            spans++;
            errors += "error".equals(s.status) ? 1 : 0;
            uncached += s.inputUncached;
            read += s.cacheRead;
            write5m += s.cacheWrite5m;
            write1h += s.cacheWrite1h;
            output += s.outputTokens;
            reasoning += s.reasoningTokens;
            cost += nz(s.costNanos());
            unpriced += s.unpriced() ? 1 : 0;
            if (s.model != null) {
                models.add(s.model);
            }
        }
    }

    /** One span row: what is inserted, read back to replace it, and what it adds to the rollups. */
    record SpanRow(String projectId, long traceSeq, String id, String parentSpanId, String spanType, String name,
                   String model, String provider, String status, String errorMessage, long startedAt, Long endedAt,
                   Long latencyMs, Long ttftMs, long inputUncached, long cacheRead, long cacheWrite5m,
                   long cacheWrite1h, long outputTokens, long reasoningTokens, Long providedCostNanos,
                   Long computedCostNanos, String input, String output, String metadata, long receivedAt) {

        static final String COLUMNS = "project_id, trace_seq, id, parent_span_id, span_type, name, model, provider, "
                + "status, error_message, started_at, ended_at, latency_ms, ttft_ms, input_uncached, cache_read, "
                + "cache_write_5m, cache_write_1h, output_tokens, reasoning_tokens, provided_cost_nanos, "
                + "computed_cost_nanos, received_at";

        static SpanRow of(String projectId, long traceSeq, QueuedTrace.QueuedSpan s, long receivedAt, PriceBook book) {
            Long computed = computed(book, projectId, s.model(), s.provider(), s.startedAt(), s.inputUncached(),
                    s.cacheRead(), s.cacheWrite5m(), s.cacheWrite1h(), s.outputTokens(), s.reasoningTokens());
            return new SpanRow(projectId, traceSeq, s.id(), s.parentSpanId(), s.spanType(), s.name(), s.model(),
                    s.provider(), s.status(), s.errorMessage(), s.startedAt(), s.endedAt(), s.latencyMs(), s.ttftMs(),
                    s.inputUncached(), s.cacheRead(), s.cacheWrite5m(), s.cacheWrite1h(), s.outputTokens(),
                    s.reasoningTokens(), s.providedCostNanos(), computed, s.input(), s.output(), s.metadata(),
                    receivedAt);
        }

        static Long computed(PriceBook book, String projectId, String model, String provider, long startedAt,
                             long uncached, long read, long write5m, long write1h, long output, long reasoning) {
            Price p = book.resolve(projectId, model, provider, startedAt);
            return p == null ? null : p.costNanos(uncached, read, write5m, write1h, output, reasoning);
        }

        /** Reads {@link #COLUMNS} from {@code first} on (content columns are not read). */
        static SpanRow read(ResultSet rs, int first) throws SQLException {
            int i = first;
            return new SpanRow(rs.getString(i), rs.getLong(i + 1), rs.getString(i + 2), rs.getString(i + 3),
                    rs.getString(i + 4), rs.getString(i + 5), rs.getString(i + 6), rs.getString(i + 7),
                    rs.getString(i + 8), rs.getString(i + 9), rs.getLong(i + 10), optLong(rs, i + 11),
                    optLong(rs, i + 12), optLong(rs, i + 13), rs.getLong(i + 14), rs.getLong(i + 15),
                    rs.getLong(i + 16), rs.getLong(i + 17), rs.getLong(i + 18), rs.getLong(i + 19),
                    optLong(rs, i + 20), optLong(rs, i + 21), null, null, null, rs.getLong(i + 22));
        }

        SpanRow withComputed(Long computed) {
            return new SpanRow(projectId, traceSeq, id, parentSpanId, spanType, name, model, provider, status,
                    errorMessage, startedAt, endedAt, latencyMs, ttftMs, inputUncached, cacheRead, cacheWrite5m,
                    cacheWrite1h, outputTokens, reasoningTokens, providedCostNanos, computed, input, output, metadata,
                    receivedAt);
        }

        /** The client's cost when it sent one, else bloop's; null when neither is known. */
        Long costNanos() {
            return providedCostNanos != null ? providedCostNanos : computedCostNanos;
        }

        /** A model call whose cost nobody knows: counted, never summed as $0. */
        boolean unpriced() {
            return model != null && providedCostNanos == null && computedCostNanos == null;
        }

        boolean generation() {
            return "generation".equals(spanType);
        }

        SpanFact fact() {
            return new SpanFact(projectId, model, receivedAt, generation(), "error".equals(status), latencyMs,
                    costNanos());
        }
    }

    static Long optLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    // ---------------------------------------------------------------------------------- rollups

    /** The rollup changes of a flush, summed per key and written once each. */
    static final class Rollups {
        private record UsageKey(String projectId, long hour, String spanType, String model, String provider) {
        }

        private record HourKey(String projectId, long hour) {
        }

        private record LatencyKey(String projectId, String kind, long hour, String model, long value) {
        }

        private final Map<UsageKey, long[]> usage = new HashMap<>();
        private final Map<HourKey, long[]> traces = new HashMap<>();
        private final Map<LatencyKey, long[]> latency = new HashMap<>();

        /** Adds ({@code sign} 1) or takes out (-1) what a span row contributes. */
        void add(SpanRow s, int sign) {
            long hour = Math.floorDiv(s.receivedAt, HOUR_MS) * HOUR_MS;
            String model = s.model == null ? "" : s.model;
            long[] u = usage.computeIfAbsent(new UsageKey(s.projectId, hour, s.spanType, model,
                    s.provider == null ? "" : s.provider), k -> new long[12]);
            u[0] += sign;
            u[1] += "error".equals(s.status) ? sign : 0;
            u[2] += sign * s.inputUncached;
            u[3] += sign * s.cacheRead;
            u[4] += sign * s.cacheWrite5m;
            u[5] += sign * s.cacheWrite1h;
            u[6] += sign * s.outputTokens;
            u[7] += sign * s.reasoningTokens;
            u[8] += sign * nz(s.costNanos());
            u[9] += s.unpriced() ? sign : 0;
            if (s.latencyMs != null) {
                u[10] += sign * s.latencyMs;
                u[11] += sign;
            }
            if (s.generation()) {
                if (s.latencyMs != null) {
                    latency.computeIfAbsent(new LatencyKey(s.projectId, "l", hour, model, s.latencyMs),
                            k -> new long[1])[0] += sign;
                }
                if (s.ttftMs != null) {
                    latency.computeIfAbsent(new LatencyKey(s.projectId, "t", hour, model, s.ttftMs),
                            k -> new long[1])[0] += sign;
                }
            }
        }

        /** What this flush changes in the latency rows. */
        List<LatencyHistograms.Change> latencyChanges() {
            List<LatencyHistograms.Change> out = new ArrayList<>();
            latency.forEach((k, v) -> {
                if (v[0] != 0) {
                    out.add(new LatencyHistograms.Change(k.projectId(), k.kind(), k.hour(), k.model(), k.value(), v[0]));
                }
            });
            return out;
        }

        void trace(String projectId, long receivedAt, int traces, int errors) {
            long[] t = this.traces.computeIfAbsent(new HourKey(projectId, Math.floorDiv(receivedAt, HOUR_MS) * HOUR_MS),
                    k -> new long[2]);
            t[0] += traces;
            t[1] += errors;
        }

        void write(Connection c) throws SQLException {
            if (!usage.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO llm_usage_hourly (project_id, hour_bucket, "
                        + "span_type, model, provider, spans, errors, input_uncached, cache_read, cache_write_5m, "
                        + "cache_write_1h, output_tokens, reasoning_tokens, cost_nanos, unpriced_spans, latency_sum_ms, "
                        + "latency_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (project_id, hour_bucket, span_type, model, provider) DO UPDATE SET "
                        + "spans = llm_usage_hourly.spans + excluded.spans, "
                        + "errors = llm_usage_hourly.errors + excluded.errors, "
                        + "input_uncached = llm_usage_hourly.input_uncached + excluded.input_uncached, "
                        + "cache_read = llm_usage_hourly.cache_read + excluded.cache_read, "
                        + "cache_write_5m = llm_usage_hourly.cache_write_5m + excluded.cache_write_5m, "
                        + "cache_write_1h = llm_usage_hourly.cache_write_1h + excluded.cache_write_1h, "
                        + "output_tokens = llm_usage_hourly.output_tokens + excluded.output_tokens, "
                        + "reasoning_tokens = llm_usage_hourly.reasoning_tokens + excluded.reasoning_tokens, "
                        + "cost_nanos = llm_usage_hourly.cost_nanos + excluded.cost_nanos, "
                        + "unpriced_spans = llm_usage_hourly.unpriced_spans + excluded.unpriced_spans, "
                        + "latency_sum_ms = llm_usage_hourly.latency_sum_ms + excluded.latency_sum_ms, "
                        + "latency_count = llm_usage_hourly.latency_count + excluded.latency_count")) {
                    for (Map.Entry<UsageKey, long[]> e : usage.entrySet()) {
                        UsageKey k = e.getKey();
                        p.setString(1, k.projectId());
                        p.setLong(2, k.hour());
                        p.setString(3, k.spanType());
                        p.setString(4, k.model());
                        p.setString(5, k.provider());
                        long[] v = e.getValue();
                        for (int i = 0; i < v.length; i++) {
                            p.setLong(6 + i, v[i]);
                        }
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
            if (!traces.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO llm_traces_hourly (project_id, hour_bucket, "
                        + "traces, error_traces) VALUES (?, ?, ?, ?) ON CONFLICT (project_id, hour_bucket) DO UPDATE "
                        + "SET traces = llm_traces_hourly.traces + excluded.traces, "
                        + "error_traces = llm_traces_hourly.error_traces + excluded.error_traces")) {
                    for (Map.Entry<HourKey, long[]> e : traces.entrySet()) {
                        p.setString(1, e.getKey().projectId());
                        p.setLong(2, e.getKey().hour());
                        p.setLong(3, e.getValue()[0]);
                        p.setLong(4, e.getValue()[1]);
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
            if (!latency.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO llm_latency_hourly (project_id, kind, "
                        + "hour_bucket, model, value_ms, count) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, kind, "
                        + "hour_bucket, model, value_ms) DO UPDATE SET count = llm_latency_hourly.count + excluded.count")) {
                    for (Map.Entry<LatencyKey, long[]> e : latency.entrySet()) {
                        if (e.getValue()[0] == 0) {
                            continue;
                        }
                        LatencyKey k = e.getKey();
                        p.setString(1, k.projectId());
                        p.setString(2, k.kind());
                        p.setLong(3, k.hour());
                        p.setString(4, k.model());
                        p.setLong(5, k.value());
                        p.setLong(6, e.getValue()[0]);
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------- statements

    /** The statements of one flush, prepared once each; inserts go in batches. */
    private final class Statements implements AutoCloseable {
        private final Connection c;
        private PreparedStatement insertSpan;
        private PreparedStatement insertTrace;
        private PreparedStatement findTrace;
        private int spansBatched;

        Statements(Connection c) {
            this.c = c;
        }

        /** The next trace number: the writer holds the write lock, so nobody else takes it. */
        long nextSeq() throws SQLException {
            try (PreparedStatement p = c.prepareStatement("SELECT coalesce(max(seq), 0) + 1 FROM llm_traces");
                 ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 1;
            }
        }

        StoredTrace trace(String projectId, String id) throws SQLException {
            if (findTrace == null) {
                findTrace = c.prepareStatement("SELECT seq, status, received_at FROM llm_traces "
                        + "WHERE project_id = ? AND id = ?");
            }
            findTrace.setString(1, projectId);
            findTrace.setString(2, id);
            try (ResultSet rs = findTrace.executeQuery()) {
                return rs.next() ? new StoredTrace(rs.getLong(1), rs.getString(2), rs.getLong(3)) : null;
            }
        }

        void addSpan(SpanRow s) throws SQLException {
            if (insertSpan == null) {
                insertSpan = c.prepareStatement("INSERT INTO llm_spans (" + SpanRow.COLUMNS + ", input, output, metadata) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            }
            PreparedStatement p = insertSpan;
            p.setString(1, s.projectId);
            p.setLong(2, s.traceSeq);
            p.setString(3, s.id);
            p.setString(4, s.parentSpanId);
            p.setString(5, s.spanType);
            p.setString(6, s.name);
            p.setString(7, s.model);
            p.setString(8, s.provider);
            p.setString(9, s.status);
            p.setString(10, s.errorMessage);
            p.setLong(11, s.startedAt);
            setLong(p, 12, s.endedAt);
            setLong(p, 13, s.latencyMs);
            setLong(p, 14, s.ttftMs);
            p.setLong(15, s.inputUncached);
            p.setLong(16, s.cacheRead);
            p.setLong(17, s.cacheWrite5m);
            p.setLong(18, s.cacheWrite1h);
            p.setLong(19, s.outputTokens);
            p.setLong(20, s.reasoningTokens);
            setLong(p, 21, s.providedCostNanos);
            setLong(p, 22, s.computedCostNanos);
            p.setLong(23, s.receivedAt);
            p.setString(24, s.input);
            p.setString(25, s.output);
            p.setString(26, s.metadata);
            p.addBatch();
            spansBatched++;
        }

        void insertSpans() throws SQLException {
            if (spansBatched > 0) {
                insertSpan.executeBatch();
                spansBatched = 0;
            }
        }

        void addTrace(QueuedTrace t, long seq, Totals x, long now) throws SQLException {
            if (insertTrace == null) {
                insertTrace = c.prepareStatement("INSERT INTO llm_traces (seq, project_id, id, session_id, user_id, "
                        + "name, status, input, output, metadata, started_at, ended_at, received_at, updated_at, "
                        + "span_count, error_spans, models, input_uncached, cache_read, cache_write_5m, cache_write_1h, "
                        + "output_tokens, reasoning_tokens, cost_nanos, unpriced_spans, prompt_name, prompt_version, experiment, "
                        + "variant) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "?) ON CONFLICT (project_id, id) DO NOTHING");
            }
            PreparedStatement p = insertTrace;
            p.setLong(1, seq);
            p.setString(2, t.projectId());
            p.setString(3, t.id());
            p.setString(4, t.sessionId());
            p.setString(5, t.userId());
            p.setString(6, t.name());
            p.setString(7, t.status());
            p.setString(8, t.input());
            p.setString(9, t.output());
            p.setString(10, t.metadata());
            p.setLong(11, t.startedAt());
            setLong(p, 12, t.endedAt());
            p.setLong(13, t.receivedAt());
            p.setLong(14, now);
            p.setInt(15, x.spans);
            p.setInt(16, x.errors);
            p.setString(17, x.models.isEmpty() ? null : String.join(",", x.models));
            p.setLong(18, x.uncached);
            p.setLong(19, x.read);
            p.setLong(20, x.write5m);
            p.setLong(21, x.write1h);
            p.setLong(22, x.output);
            p.setLong(23, x.reasoning);
            p.setLong(24, x.cost);
            p.setInt(25, x.unpriced);
            p.setString(26, t.promptName());
            p.setString(27, t.promptVersion());
            p.setString(28, t.experiment());
            p.setString(29, t.variant());
            p.addBatch();
        }

        /** Rows changed per added trace: 0 for an id the project already has. */
        int[] insertTraces() throws SQLException {
            return insertTrace.executeBatch();
        }

        void replaceTraceFields(QueuedTrace t, long now) throws SQLException {
            try (PreparedStatement p = c.prepareStatement("UPDATE llm_traces SET session_id = ?, user_id = ?, name = ?, "
                    + "status = ?, input = ?, output = ?, metadata = ?, started_at = ?, ended_at = ?, updated_at = ?, "
                    + "prompt_name = ?, prompt_version = ?, experiment = ?, variant = ? WHERE project_id = ? AND id = ?")) {
                p.setString(1, t.sessionId());
                p.setString(2, t.userId());
                p.setString(3, t.name());
                p.setString(4, t.status());
                p.setString(5, t.input());
                p.setString(6, t.output());
                p.setString(7, t.metadata());
                p.setLong(8, t.startedAt());
                setLong(p, 9, t.endedAt());
                p.setLong(10, now);
                p.setString(11, t.promptName());
                p.setString(12, t.promptVersion());
                p.setString(13, t.experiment());
                p.setString(14, t.variant());
                p.setString(15, t.projectId());
                p.setString(16, t.id());
                p.executeUpdate();
            }
        }

        void updateTraceFields(QueuedTrace t, long now) throws SQLException {
            if (t.startedAt() != null) {
                widenTrace(t, now);
                return;
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE llm_traces SET status = coalesce(?, status), "
                    + "ended_at = coalesce(?, ended_at), output = coalesce(?, output), metadata = coalesce(?, metadata), "
                    + "updated_at = ? WHERE project_id = ? AND id = ?")) {
                p.setString(1, t.status());
                setLong(p, 2, t.endedAt());
                p.setString(3, t.output());
                p.setString(4, t.metadata());
                p.setLong(5, now);
                p.setString(6, t.projectId());
                p.setString(7, t.id());
                p.executeUpdate();
            }
        }

        /**
         * A part of a trace sent in parts: the window covers both, what the trace already has is kept.
         * {@code CASE} rather than SQLite's two-argument {@code min}/{@code max}: SQL both databases speak.
         */
        private void widenTrace(QueuedTrace t, long now) throws SQLException {
            try (PreparedStatement p = c.prepareStatement("UPDATE llm_traces SET status = coalesce(?, status), "
                    + "name = coalesce(?, name), session_id = coalesce(session_id, ?), user_id = coalesce(user_id, ?), "
                    + "started_at = CASE WHEN ? < started_at THEN ? ELSE started_at END, "
                    + "ended_at = CASE WHEN ended_at IS NULL OR ? > ended_at THEN coalesce(?, ended_at) "
                    + "ELSE ended_at END, output = coalesce(?, output), "
                    + "metadata = coalesce(?, metadata), prompt_name = coalesce(prompt_name, ?), "
                    + "prompt_version = coalesce(prompt_version, ?), experiment = coalesce(experiment, ?), "
                    + "variant = coalesce(variant, ?), updated_at = ? WHERE project_id = ? AND id = ?")) {
                p.setString(1, t.status());
                p.setString(2, t.name());
                p.setString(3, t.sessionId());
                p.setString(4, t.userId());
                p.setLong(5, t.startedAt());
                p.setLong(6, t.startedAt());
                setLong(p, 7, t.endedAt());
                setLong(p, 8, t.endedAt());
                p.setString(9, t.output());
                p.setString(10, t.metadata());
                p.setString(11, t.promptName());
                p.setString(12, t.promptVersion());
                p.setString(13, t.experiment());
                p.setString(14, t.variant());
                p.setLong(15, now);
                p.setString(16, t.projectId());
                p.setString(17, t.id());
                p.executeUpdate();
            }
        }

        int spanCount(long traceSeq) throws SQLException {
            try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM llm_spans WHERE trace_seq = ?")) {
                p.setLong(1, traceSeq);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        }

        SpanRow span(long traceSeq, String id) throws SQLException {
            try (PreparedStatement p = c.prepareStatement("SELECT " + SpanRow.COLUMNS + " FROM llm_spans "
                    + "WHERE trace_seq = ? AND id = ?")) {
                p.setLong(1, traceSeq);
                p.setString(2, id);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? SpanRow.read(rs, 1) : null;
                }
            }
        }

        void deleteSpan(long traceSeq, String id) throws SQLException {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM llm_spans WHERE trace_seq = ? AND id = ?")) {
                p.setLong(1, traceSeq);
                p.setString(2, id);
                p.executeUpdate();
            }
        }

        /** Sums the trace's totals again from its spans. */
        void retotal(long traceSeq, int dropped) throws SQLException {
            Totals x = new Totals();
            try (PreparedStatement p = c.prepareStatement("SELECT " + SpanRow.COLUMNS + " FROM llm_spans "
                    + "WHERE trace_seq = ?")) {
                p.setLong(1, traceSeq);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        x.add(SpanRow.read(rs, 1));
                    }
                }
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE llm_traces SET span_count = ?, error_spans = ?, "
                    + "input_uncached = ?, cache_read = ?, cache_write_5m = ?, cache_write_1h = ?, output_tokens = ?, "
                    + "reasoning_tokens = ?, cost_nanos = ?, unpriced_spans = ?, models = ?, "
                    + "spans_dropped = spans_dropped + ? WHERE seq = ?")) {
                p.setInt(1, x.spans);
                p.setInt(2, x.errors);
                p.setLong(3, x.uncached);
                p.setLong(4, x.read);
                p.setLong(5, x.write5m);
                p.setLong(6, x.write1h);
                p.setLong(7, x.output);
                p.setLong(8, x.reasoning);
                p.setLong(9, x.cost);
                p.setInt(10, x.unpriced);
                p.setString(11, x.models.isEmpty() ? null : String.join(",", x.models));
                p.setInt(12, dropped);
                p.setLong(13, traceSeq);
                p.executeUpdate();
            }
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement p : new PreparedStatement[] {insertSpan, insertTrace, findTrace}) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    private static void setLong(PreparedStatement p, int i, Long v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.INTEGER);
        } else {
            p.setLong(i, v);
        }
    }

    String encode(QueuedTrace t) {
        try {
            return json.writeValueAsString(t);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a queued trace", e);
        }
    }
}
