package dev.bloop.service.llm;

import dev.bloop.service.llm.LatencyHistograms.Change;
import dev.bloop.service.llm.LatencyHistograms.Hist;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latency rows of the hours that can still change, kept in memory beside the database by the node
 * that alone writes them (one node on SQLite). Under trace ingest the live hour changes with every
 * flush, so a cache of what was read would never be valid; reading its rows instead cost each
 * {@code /v1/llm/overview} and {@code /latency} request tens of thousands of rows (35 ms of CPU at
 * 1 M spans, over 100 ms at p99 while ingest ran). Here the writer adds what each commit changed, and
 * a request copies a few arrays.
 *
 * <p>Complete from {@link #prime}: the rows of every hour from one before the settled boundary on are
 * read once before the writer starts, and from then on every committed change is added. Hours falling
 * behind the boundary are let go (their reads come from the settled-hours cache). Not used where
 * another node writes too, for a project deleted since the start (its rows went behind the writer's
 * back), or once more than {@link #MAX_VALUES} values would be held: reads then go to the database.
 */
final class LiveHours {
    private static final Logger LOG = LoggerFactory.getLogger(LiveHours.class);
    /** Distinct (project, kind, hour, model, value) entries held at most: 16 bytes each, 8 MB. */
    static final long MAX_VALUES = 500_000;

    private record Key(String projectId, String kind) {
    }

    /** One model's counts in one hour, ascending by value: added to by the writer, copied by readers. */
    private static final class Counts {
        private long[] values = new long[16];
        private long[] counts = new long[16];
        private int size;

        /** Adds {@code count} at {@code value}; returns how many entries were added (0 or 1). */
        synchronized int add(long value, long count) {
            int i = Arrays.binarySearch(values, 0, size, value);
            if (i >= 0) {
                counts[i] += count;
                return 0;
            }
            int at = -i - 1;
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            System.arraycopy(values, at, values, at + 1, size - at);
            System.arraycopy(counts, at, counts, at + 1, size - at);
            values[at] = value;
            counts[at] = count;
            size++;
            return 1;
        }

        synchronized int size() {
            return size;
        }

        synchronized Hist copy() {
            return new Hist(Arrays.copyOf(values, size), Arrays.copyOf(counts, size));
        }
    }

    private final long maxValues;
    private final Map<Key, NavigableMap<Long, Map<String, Counts>>> hours = new ConcurrentHashMap<>();
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    private volatile boolean kept;
    /** The first hour held; every change to it and to later hours since {@link #prime} is in. */
    private volatile long from = Long.MAX_VALUE;
    /** Entries held; changed only by the thread that primes and then the writer's. */
    private long held;

    LiveHours(long maxValues) {
        this.maxValues = maxValues;
    }

    /** Reads every project's rows from the hour before {@code settled} on. Before the writer starts. */
    void prime(Connection c, long settled) throws SQLException {
        long first = settled - LlmQueries.HOUR_MS;
        List<String> projects = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM projects"); ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                projects.add(rs.getString(1));
            }
        }
        // Per project and kind, so that the primary key's prefix bounds the read to the live hours.
        try (PreparedStatement p = c.prepareStatement("SELECT hour_bucket, model, value_ms, count FROM llm_latency_hourly "
                + "WHERE project_id = ? AND kind = ? AND hour_bucket >= ?")) {
            for (String project : projects) {
                for (String kind : List.of("l", "t")) {
                    p.setString(1, project);
                    p.setString(2, kind);
                    p.setLong(3, first);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            held += counts(new Key(project, kind), rs.getLong(1), rs.getString(2))
                                    .add(rs.getLong(3), rs.getLong(4));
                        }
                    }
                }
            }
        }
        from = first;
        kept = true;
        checkBound();
    }

    /** What a commit changed, told on the writer's thread after it. */
    void apply(List<Change> changes, long settled) {
        if (!kept) {
            return;
        }
        long first = from;
        for (Change ch : changes) {
            if (ch.hour() >= first && !dropped.contains(ch.projectId())) {
                held += counts(new Key(ch.projectId(), ch.kind()), ch.hour(), ch.model()).add(ch.value(), ch.count());
            }
        }
        long boundary = settled - LlmQueries.HOUR_MS;
        if (boundary > first) {
            // Readers never ask for hours before the settled boundary: it only moves forward.
            from = boundary;
            for (NavigableMap<Long, Map<String, Counts>> byHour : hours.values()) {
                Map<Long, Map<String, Counts>> gone = byHour.headMap(boundary);
                for (Map<String, Counts> models : gone.values()) {
                    for (Counts c : models.values()) {
                        held -= c.size();
                    }
                }
                gone.clear();
            }
        }
        checkBound();
    }

    /** A project's rows were deleted behind the writer: its reads go to the database from now on. */
    void drop(String projectId) {
        dropped.add(projectId);
        hours.keySet().removeIf(k -> k.projectId().equals(projectId));
    }

    /**
     * Per model (only {@code model} when given), the distribution of {@code kind} over the hours from
     * {@code first} on; null when that is not held here.
     */
    Map<String, Hist> read(String projectId, String kind, long first, String model) {
        if (!kept || first < from || dropped.contains(projectId)) {
            return null;
        }
        Map<String, Hist> out = new TreeMap<>();
        NavigableMap<Long, Map<String, Counts>> byHour = hours.get(new Key(projectId, kind));
        if (byHour != null) {
            for (Map<String, Counts> models : byHour.tailMap(first, true).values()) {
                models.forEach((m, c) -> {
                    if (model == null || model.equals(m)) {
                        out.merge(m, c.copy(), LatencyHistograms::merge);
                    }
                });
            }
        }
        // Let go meanwhile (over the bound, or the project deleted): what was copied may be partial.
        if (!kept || dropped.contains(projectId)) {
            return null;
        }
        return new LinkedHashMap<>(out);
    }

    private Counts counts(Key key, long hour, String model) {
        return hours.computeIfAbsent(key, k -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(hour, h -> new ConcurrentHashMap<>())
                .computeIfAbsent(model, m -> new Counts());
    }

    private void checkBound() {
        if (held > maxValues) {
            kept = false;
            hours.clear();
            LOG.info("LLM latency: more than {} distinct values in the live hours; they are read from the database "
                    + "from now on", maxValues);
        }
    }
}
