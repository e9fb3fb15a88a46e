package dev.bloop.service.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Exact latency (and time-to-first-token) distributions per model over a window of whole hours. A
 * busy hour holds a row per model and distinct millisecond (tens of thousands), so a day's window
 * is a million rows to group: the hours that can no longer change are read once and kept, merged in
 * memory with the rows of the hours that still can. An hour is settled {@link #SETTLE_MS} after it
 * ends (a span is bucketed by the hour it was received, and the writer flushes within seconds);
 * should the writer still change a settled hour (a trace replaced, the spill journal replayed at
 * start), it says so through {@link #written} and the project's kept hours are read again. The
 * hours that can still change are read from {@link LiveHours} when this node alone writes them.
 */
final class LatencyHistograms {
    static final long SETTLE_MS = 2 * 60_000L;
    /** At most this much kept, in bytes of the arrays (16 per distinct value). */
    private static final long MAX_BYTES = 16L * 1024 * 1024;

    /** A commit added {@code count} (less than 0: took out) at {@code value} of the hour's row. */
    record Change(String projectId, String kind, long hour, String model, long value, long count) {
    }

    /** Ascending values with their counts. */
    record Hist(long[] values, long[] counts) {
        Percentiles percentiles() {
            return Percentiles.of(values, counts, values.length);
        }
    }

    private record Key(String projectId, String kind, long since, long settled, String model) {
    }

    private final Cache<Key, Map<String, Hist>> settledHours = Caffeine.newBuilder()
            .maximumWeight(MAX_BYTES)
            .weigher((Key k, Map<String, Hist> m) -> (int) Math.min(Integer.MAX_VALUE,
                    64 + m.values().stream().mapToLong(h -> 16L * h.values().length + 64).sum()))
            .expireAfterWrite(Duration.ofMinutes(10))
            .build();
    /** Per project, bumped when the writer changes a settled hour: a read begun before it is not kept. */
    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final LiveHours live;

    LatencyHistograms(LongSupplier clock) {
        this(clock, LiveHours.MAX_VALUES);
    }

    LatencyHistograms(LongSupplier clock, long maxLiveValues) {
        this.clock = clock;
        this.live = new LiveHours(maxLiveValues);
    }

    /**
     * From now on the live hours are kept in memory: only where this node is the database's one
     * writer, and before its LLM writer starts (every change after this is told to {@link #written}).
     */
    void keepLiveHours(Handle h) {
        try {
            live.prime(h.getConnection(), settledBefore(clock.getAsLong()));
        } catch (SQLException e) {
            throw new ConnectionException(e);
        }
    }

    /** The project's rows were deleted: nothing kept of them is read again. */
    void forget(String projectId) {
        live.drop(projectId);
        generations.computeIfAbsent(projectId, p -> new AtomicLong()).incrementAndGet();
        settledHours.asMap().keySet().removeIf(k -> k.projectId().equals(projectId));
    }

    /** The hour buckets before this one are settled at {@code now}. */
    static long settledBefore(long now) {
        return Math.floorDiv(now - SETTLE_MS, LlmQueries.HOUR_MS) * LlmQueries.HOUR_MS;
    }

    /**
     * The writer committed these changes to latency rows (on its thread, after the commit). Only a
     * change to a settled hour drops what is kept of the settled hours.
     */
    void written(List<Change> changes) {
        long settled = settledBefore(clock.getAsLong());
        Map<String, Long> oldestHour = new HashMap<>();
        for (Change c : changes) {
            oldestHour.merge(c.projectId(), c.hour(), Math::min);
        }
        live.apply(changes, settled);
        oldestHour.forEach((projectId, hour) -> {
            if (hour < settled) {
                generations.computeIfAbsent(projectId, p -> new AtomicLong()).incrementAndGet();
                settledHours.asMap().keySet().removeIf(k -> k.projectId().equals(projectId));
            }
        });
    }

    /** Per model ('' for spans without one), the distribution of {@code kind} ("l" latency, "t" TTFT) since the hour. */
    Map<String, Hist> byModel(Handle h, String projectId, String kind, long since, String model) {
        long settled = settledBefore(clock.getAsLong());
        Map<String, Hist> old = Map.of();
        if (since < settled) {
            Key key = new Key(projectId, kind, since, settled, model);
            old = settledHours.getIfPresent(key);
            if (old == null) {
                AtomicLong generation = generations.computeIfAbsent(projectId, p -> new AtomicLong());
                long before = generation.get();
                old = read(h, projectId, kind, since, settled, model);
                if (generation.get() == before) {
                    settledHours.put(key, old);
                }
            }
        }
        Map<String, Hist> recent = live.read(projectId, kind, Math.max(since, settled), model);
        if (recent == null) {
            recent = readRecent(h, projectId, kind, Math.max(since, settled), model);
        }
        Map<String, Hist> out = new LinkedHashMap<>(old);
        recent.forEach((m, hist) -> out.merge(m, hist, LatencyHistograms::merge));
        return out;
    }

    /** Every model's values together. */
    Hist all(Handle h, String projectId, String kind, long since) {
        Hist out = new Hist(new long[0], new long[0]);
        for (Hist hist : byModel(h, projectId, kind, since, null).values()) {
            out = merge(out, hist);
        }
        return out;
    }

    private static Map<String, Hist> read(Handle h, String projectId, String kind, long from, long before, String model) {
        return collect(h.createQuery("SELECT model, value_ms, sum(count) FROM llm_latency_hourly WHERE project_id = :p "
                        + "AND kind = :k AND hour_bucket >= :from AND hour_bucket < :before"
                        + (model == null ? "" : " AND model = :m") + " GROUP BY model, value_ms ORDER BY model, value_ms")
                .bind("p", projectId).bind("k", kind).bind("from", from).bind("before", before).bind("m", model));
    }

    /**
     * The hours that can still change, read one hour at a time: within an hour the rows come in key
     * order (model, value) and are unique, so SQLite neither groups nor sorts them. Grouping the range
     * went through a temporary B-tree and took two to three times as long for a busy hour (25,000 rows:
     * 27-52 against 11-18 ms), and the overview reads this twice per request.
     */
    private Map<String, Hist> readRecent(Handle h, String projectId, String kind, long from, String model) {
        long current = Math.floorDiv(clock.getAsLong(), LlmQueries.HOUR_MS) * LlmQueries.HOUR_MS;
        Map<String, Hist> out = new LinkedHashMap<>();
        for (long hour = from; hour <= current; hour += LlmQueries.HOUR_MS) {
            collect(h.createQuery("SELECT model, value_ms, count FROM llm_latency_hourly WHERE project_id = :p "
                            + "AND kind = :k AND hour_bucket = :h" + (model == null ? "" : " AND model = :m")
                            + " ORDER BY model, value_ms")
                    .bind("p", projectId).bind("k", kind).bind("h", hour).bind("m", model))
                    .forEach((m, hist) -> out.merge(m, hist, LatencyHistograms::merge));
        }
        // Rows of a later hour exist only if the clock went back since they were written.
        read(h, projectId, kind, Math.max(from, current + LlmQueries.HOUR_MS), Long.MAX_VALUE, model)
                .forEach((m, hist) -> out.merge(m, hist, LatencyHistograms::merge));
        return out;
    }

    /** Rows of (model, value, count), ordered by model and value, as one histogram per model. */
    private static Map<String, Hist> collect(Query query) {
        Map<String, List<long[]>> rows = new HashMap<>();
        query.map((rs, ctx) -> rows.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new long[] {rs.getLong(2), rs.getLong(3)}))
                .list();
        Map<String, Hist> out = new LinkedHashMap<>();
        rows.forEach((m, list) -> {
            long[] values = new long[list.size()];
            long[] counts = new long[list.size()];
            for (int i = 0; i < list.size(); i++) {
                values[i] = list.get(i)[0];
                counts[i] = list.get(i)[1];
            }
            out.put(m, new Hist(values, counts));
        });
        return out;
    }

    /** Two ascending histograms into one, equal values summed. */
    static Hist merge(Hist a, Hist b) {
        long[] values = new long[a.values().length + b.values().length];
        long[] counts = new long[values.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.values().length || j < b.values().length) {
            boolean takeA = j == b.values().length || (i < a.values().length && a.values()[i] <= b.values()[j]);
            long v = takeA ? a.values()[i] : b.values()[j];
            long c = takeA ? a.counts()[i++] : b.counts()[j++];
            if (n > 0 && values[n - 1] == v) {
                counts[n - 1] += c;
            } else {
                values[n] = v;
                counts[n++] = c;
            }
        }
        return new Hist(java.util.Arrays.copyOf(values, n), java.util.Arrays.copyOf(counts, n));
    }
}
