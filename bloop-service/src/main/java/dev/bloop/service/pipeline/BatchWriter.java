package dev.bloop.service.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.GroupingKey;
import dev.bloop.service.store.Dialect;
import dev.bloop.service.store.FlushTurn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayDeque;
import java.util.ArrayList;
import dev.bloop.service.errors.ReleaseOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * Writes one flush inside the caller's transaction: raw events, then per-group, per-(release,
 * environment) and hourly aggregates pre-summed in memory (one upsert per key, not per event),
 * then samples, then regression history.
 *
 * <p>Plain JDBC prepared statements rather than Jdbi: this is the one place where per-row binding
 * overhead decides the throughput of the whole service, and the profile showed Jdbi's argument
 * resolution costing more than SQLite's own work.
 *
 * <p>Samples: a group gets a sample when it is created or re-opened, and otherwise at most once per
 * {@code sampleEveryMs}, so a hot group costs one sample row per interval instead of one per event,
 * while its kept samples still span its recent history. At most {@code sampleLimit} are kept.
 */
final class BatchWriter {
    static final String UNRESOLVED = "unresolved";
    static final String RESOLVED = "resolved";
    static final String SYSTEM_ACTOR = "system";
    private static final long HOUR_MS = 3_600_000L;
    private static final long MINUTE_MS = 60_000L;
    private static final int MAX_TRACKED_GROUPS = 100_000;

    private final ObjectMapper json;
    private final Dialect dialect;
    private final int sampleLimit;
    private final long sampleEveryMs;
    /** Group → when it was last sampled; insertion-ordered and bounded so memory stays flat. */
    private final LinkedHashMap<GroupId, Long> lastSampled = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<GroupId, Long> eldest) {
            return size() > MAX_TRACKED_GROUPS;
        }
    };

    BatchWriter(ObjectMapper json, int sampleLimit, long sampleEveryMs, Dialect dialect) {
        this.dialect = dialect;
        this.json = json;
        this.sampleLimit = sampleLimit;
        this.sampleEveryMs = sampleEveryMs;
    }

    /** Sums of one key within a flush. */
    private static final class Tally {
        int count;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        void add(long at) {
            count++;
            first = Math.min(first, at);
            last = Math.max(last, at);
        }
    }

    private static final class GroupTally {
        final AcceptedEvent first;
        AcceptedEvent latest;
        final Tally tally = new Tally();
        final ArrayDeque<AcceptedEvent> recent = new ArrayDeque<>();
        /** The releases of this flush's events, in arrival order (a resolved group may reopen on one of them). */
        final Set<String> releases = new LinkedHashSet<>();
        /** The distinct user_id_hash values of this flush's events. */
        final Set<String> users = new HashSet<>();

        GroupTally(AcceptedEvent first) {
            this.first = first;
            this.latest = first;
        }
    }

    private record GroupId(String projectId, String fingerprint) {
    }

    private record CountKey(String projectId, String fingerprint, String release, String environment) {
    }

    private record HourKey(String projectId, String fingerprint, long hour, String environment) {
    }

    FlushOutcome write(Connection c, List<AcceptedEvent> batch, long now) throws SQLException {
        FlushTurn.EVENTS.take(c, dialect);
        insertRawEvents(c, batch);

        Map<GroupId, GroupTally> groups = new LinkedHashMap<>();
        Map<CountKey, Tally> counts = new HashMap<>();
        Map<CountKey, Tally> envCounts = new HashMap<>();
        Map<Map.Entry<String, String>, Integer> routes = new HashMap<>();
        Map<HourKey, Tally> minutes = new HashMap<>();
        Map<HourKey, Tally> hours = new HashMap<>();
        for (AcceptedEvent e : batch) {
            IngestEvent ev = e.event();
            GroupTally g = groups.computeIfAbsent(new GroupId(e.projectId(), e.fingerprint()), k -> new GroupTally(e));
            g.tally.add(e.receivedAt());
            if (e.receivedAt() >= g.latest.receivedAt()) {
                g.latest = e;
            }
            g.recent.addLast(e);
            g.releases.add(ev.release());
            if (ev.userIdHash() != null && !ev.userIdHash().isEmpty()) {
                g.users.add(ev.userIdHash());
            }
            if (g.recent.size() > sampleLimit) {
                g.recent.removeFirst();
            }
            counts.computeIfAbsent(new CountKey(e.projectId(), e.fingerprint(), ev.release(), ev.environment()),
                    k -> new Tally()).add(e.receivedAt());
            envCounts.computeIfAbsent(new CountKey(e.projectId(), e.fingerprint(), null, ev.environment()),
                    k -> new Tally()).add(e.receivedAt());
            if (ev.routeOrProcedure() != null) {
                routes.merge(Map.entry(e.projectId(), ev.routeOrProcedure()), 1, Integer::sum);
            }
            minutes.computeIfAbsent(new HourKey(e.projectId(), e.fingerprint(),
                    Math.floorDiv(e.receivedAt(), MINUTE_MS) * MINUTE_MS, ev.environment()), k -> new Tally())
                    .add(e.receivedAt());
            long hour = Math.floorDiv(e.receivedAt(), HOUR_MS) * HOUR_MS;
            hours.computeIfAbsent(new HourKey(e.projectId(), e.fingerprint(), hour, ev.environment()),
                    k -> new Tally()).add(e.receivedAt());
        }

        Map<GroupId, Integer> newUsers = addUsers(c, groups);
        List<FlushOutcome.GroupChange> changes = upsertGroups(c, groups, newUsers, now);
        upsertCounts(c, counts);
        upsertEnvCounts(c, envCounts);
        upsertRoutes(c, routes);
        upsertHours(c, hours);
        upsertProjectHours(c, hours);
        upsertMinutes(c, minutes);
        writeSamples(c, groups, changes, now);
        return new FlushOutcome(batch.size(), now, changes, batch);
    }

    private static void insertRawEvents(Connection c, List<AcceptedEvent> batch) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO raw_events (project_id, fingerprint, "
                + "received_at, timestamp, source, environment, release, error_type, message, app_version, "
                + "build_number, route_or_procedure, screen, stack, http_status, request_id, user_id_hash, "
                + "device_id_hash, client_fingerprint, metadata) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AcceptedEvent e : batch) {
                IngestEvent ev = e.event();
                insert.setString(1, e.projectId());
                insert.setString(2, e.fingerprint());
                insert.setLong(3, e.receivedAt());
                insert.setLong(4, e.timestampMs());
                insert.setString(5, ev.source());
                insert.setString(6, ev.environment());
                insert.setString(7, ev.release());
                insert.setString(8, ev.errorType());
                insert.setString(9, ev.message());
                insert.setString(10, ev.appVersion());
                insert.setString(11, ev.buildNumber());
                insert.setString(12, ev.routeOrProcedure());
                insert.setString(13, ev.screen());
                insert.setString(14, ev.stack());
                setInt(insert, 15, ev.httpStatus());
                insert.setString(16, ev.requestId());
                insert.setString(17, ev.userIdHash());
                insert.setString(18, ev.deviceIdHash());
                insert.setString(19, ev.fingerprint());
                insert.setString(20, e.metadataJson());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** A stored group's status and the release it was resolved in (null: resolved for any release). */
    private record Stored(String status, String resolvedIn) {
    }

    /**
     * The stored status of this flush's groups (absent: new). SQLite answers a lookup per group from
     * its own memory; PostgreSQL is a round trip away, so there one query per project reads them all.
     */
    private Map<GroupId, Stored> storedGroups(Connection c, Set<GroupId> ids) throws SQLException {
        Map<GroupId, Stored> out = new HashMap<>();
        if (dialect == Dialect.SQLITE) {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT status, resolved_in_release FROM error_groups WHERE project_id = ? AND fingerprint = ?")) {
                for (GroupId id : ids) {
                    select.setString(1, id.projectId());
                    select.setString(2, id.fingerprint());
                    try (ResultSet rs = select.executeQuery()) {
                        if (rs.next()) {
                            out.put(id, new Stored(rs.getString(1), rs.getString(2)));
                        }
                    }
                }
            }
            return out;
        }
        Map<String, List<String>> byProject = new HashMap<>();
        ids.forEach(id -> byProject.computeIfAbsent(id.projectId(), k -> new ArrayList<>()).add(id.fingerprint()));
        try (PreparedStatement select = c.prepareStatement("SELECT fingerprint, status, resolved_in_release "
                + "FROM error_groups WHERE project_id = ? AND fingerprint = ANY (?)")) {
            for (Map.Entry<String, List<String>> e : byProject.entrySet()) {
                select.setString(1, e.getKey());
                select.setArray(2, c.createArrayOf("text", e.getValue().toArray()));
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        out.put(new GroupId(e.getKey(), rs.getString(1)), new Stored(rs.getString(2), rs.getString(3)));
                    }
                }
            }
        }
        return out;
    }

    private List<FlushOutcome.GroupChange> upsertGroups(Connection c, Map<GroupId, GroupTally> groups,
                                                        Map<GroupId, Integer> newUsers, long now)
            throws SQLException {
        List<FlushOutcome.GroupChange> changes = new ArrayList<>(groups.size());
        Map<GroupId, Stored> stored = storedGroups(c, groups.keySet());
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO error_groups (project_id, fingerprint, "
                     + "error_type, message, source, route_or_procedure, screen, status, total_count, first_seen, "
                     + "last_seen, last_release, grouping_version, grouping_kind, grouping_message, grouping_frame, "
                     + "grouping_route, grouping_frame_reason, grouping_rules_version, users_affected) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, 'unresolved', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     // Another node's writer may create the group between this one's read and insert (on
                     // PostgreSQL): then this insert does nothing, and the group is updated below instead.
                     + "ON CONFLICT (project_id, fingerprint) DO NOTHING");
             PreparedStatement update = c.prepareStatement("UPDATE error_groups SET total_count = total_count + ?, "
                     + "last_seen = CASE WHEN last_seen > ? THEN last_seen ELSE ? END, last_release = ?, "
                     + "users_affected = users_affected + ?, "
                     + "status = CASE WHEN ? THEN 'unresolved' ELSE status END, "
                     + "resolved_in_release = CASE WHEN ? THEN NULL ELSE resolved_in_release END "
                     + "WHERE project_id = ? AND fingerprint = ?");
             PreparedStatement history = c.prepareStatement("INSERT INTO status_history (project_id, fingerprint, "
                     + "old_status, new_status, actor, changed_at, release) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            List<Integer> inserted = new ArrayList<>();
            boolean updates = false;
            boolean regressions = false;
            for (Map.Entry<GroupId, GroupTally> entry : groups.entrySet()) {
                GroupId id = entry.getKey();
                GroupTally g = entry.getValue();
                Stored known = stored.get(id);
                String status = known == null ? null : known.status();
                String resolvedIn = known == null ? null : known.resolvedIn();
                boolean created = status == null;
                // Resolved: any event brings it back; resolved in the next release: only an event of a newer one.
                boolean regressed = false;
                String reopenedBy = null;
                if (RESOLVED.equals(status) && resolvedIn == null) {
                    regressed = true;
                    reopenedBy = g.first.event().release();
                } else if (RESOLVED.equals(status)) {
                    reopenedBy = reopeningRelease(c, id.projectId(), resolvedIn, g);
                    regressed = reopenedBy != null;
                }
                if (created) {
                    IngestEvent first = g.first.event();
                    GroupingKey key = g.first.grouping();
                    insert.setString(1, id.projectId());
                    insert.setString(2, id.fingerprint());
                    insert.setString(3, first.errorType());
                    insert.setString(4, first.message());
                    insert.setString(5, first.source());
                    insert.setString(6, first.routeOrProcedure());
                    insert.setString(7, first.screen());
                    insert.setInt(8, g.tally.count);
                    insert.setLong(9, g.tally.first);
                    insert.setLong(10, g.tally.last);
                    insert.setString(11, g.latest.event().release());
                    insert.setInt(12, key.version());
                    insert.setString(13, key.kind());
                    insert.setString(14, key.normalizedMessage());
                    insert.setString(15, key.frame());
                    insert.setString(16, key.route());
                    insert.setString(17, key.frameReason());
                    insert.setInt(18, key.rulesVersion());
                    insert.setInt(19, newUsers.getOrDefault(id, 0));
                    insert.addBatch();
                    inserted.add(changes.size());
                } else {
                    addUpdate(update, id, g, newUsers.getOrDefault(id, 0), regressed);
                    updates = true;
                }
                if (regressed) {
                    history.setString(1, id.projectId());
                    history.setString(2, id.fingerprint());
                    history.setString(3, RESOLVED);
                    history.setString(4, UNRESOLVED);
                    history.setString(5, SYSTEM_ACTOR);
                    history.setLong(6, now);
                    history.setString(7, reopenedBy);
                    history.addBatch();
                    regressions = true;
                }
                String after = created || regressed ? UNRESOLVED : status;
                changes.add(new FlushOutcome.GroupChange(id.projectId(), id.fingerprint(), created, regressed,
                        g.tally.count, g.latest, after));
            }
            if (!inserted.isEmpty()) {
                int[] rows = insert.executeBatch();
                for (int i = 0; i < rows.length; i++) {
                    if (rows[i] == 0) {
                        // Created by another node meanwhile: this flush's events count into it, and the
                        // "new issue" is that node's to announce, once.
                        int at = inserted.get(i);
                        FlushOutcome.GroupChange lost = changes.get(at);
                        GroupId id = new GroupId(lost.projectId(), lost.fingerprint());
                        addUpdate(update, id, groups.get(id), newUsers.getOrDefault(id, 0), false);
                        updates = true;
                        changes.set(at, new FlushOutcome.GroupChange(lost.projectId(), lost.fingerprint(), false,
                                false, lost.count(), lost.latest(), UNRESOLVED));
                    }
                }
            }
            if (updates) {
                update.executeBatch();
            }
            if (regressions) {
                history.executeBatch();
            }
        }
        return changes;
    }

    private static void addUpdate(PreparedStatement update, GroupId id, GroupTally g, int newUsers, boolean regressed)
            throws SQLException {
        update.setInt(1, g.tally.count);
        update.setLong(2, g.tally.last);
        update.setLong(3, g.tally.last);
        update.setString(4, g.latest.event().release());
        update.setInt(5, newUsers);
        update.setBoolean(6, regressed);
        update.setBoolean(7, regressed);
        update.setString(8, id.projectId());
        update.setString(9, id.fingerprint());
        update.addBatch();
    }

    /**
     * The release of this flush that re-opens a group resolved in the next release after
     * {@code resolvedIn}: the first of its events' releases that is newer ({@link ReleaseOrder}); null
     * when none is.
     */
    private static String reopeningRelease(Connection c, String projectId, String resolvedIn, GroupTally g)
            throws SQLException {
        for (String release : g.releases) {
            if (ReleaseOrder.isNewer(release, resolvedIn, r -> releaseFirstSeen(c, projectId, r))) {
                return release;
            }
        }
        return null;
    }

    /** When the project first saw a release (null: never, so far: this flush's counts come after). */
    private static Long releaseFirstSeen(Connection c, String projectId, String release) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT min(first_seen) FROM group_counts WHERE project_id = ? AND release = ?")) {
            st.setString(1, projectId);
            st.setString(2, release);
            try (ResultSet rs = st.executeQuery()) {
                long v = rs.next() ? rs.getLong(1) : 0;
                return rs.wasNull() ? null : v;
            }
        }
    }

    /**
     * Adds this flush's users to each group's set (one batch) and returns how many were new to each
     * group, which the group's own upsert adds to users_affected (so the list reads the count from the
     * group's row, and the row is written once per flush).
     */
    private static Map<GroupId, Integer> addUsers(Connection c, Map<GroupId, GroupTally> groups) throws SQLException {
        List<GroupId> rows = new ArrayList<>();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO group_users (project_id, "
                + "fingerprint, user_id_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Map.Entry<GroupId, GroupTally> e : groups.entrySet()) {
                for (String user : e.getValue().users) {
                    insert.setString(1, e.getKey().projectId());
                    insert.setString(2, e.getKey().fingerprint());
                    insert.setString(3, user);
                    insert.addBatch();
                    rows.add(e.getKey());
                }
            }
            if (rows.isEmpty()) {
                return Map.of();
            }
            int[] inserted = insert.executeBatch();
            Map<GroupId, Integer> added = new HashMap<>();
            for (int i = 0; i < inserted.length; i++) {
                if (inserted[i] > 0) {
                    added.merge(rows.get(i), inserted[i], Integer::sum);
                }
            }
            return added;
        }
    }

    /** Binds one row of a batched statement. */
    @FunctionalInterface
    private interface RowBinder<T> {
        void bind(PreparedStatement statement, T row) throws SQLException;
    }

    /** One prepared statement, one batch, one execution: how every aggregate of a flush is written. */
    private static <T> void executeBatch(Connection c, String sql, Iterable<T> rows, RowBinder<T> binder)
            throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            boolean any = false;
            for (T row : rows) {
                binder.bind(statement, row);
                statement.addBatch();
                any = true;
            }
            if (any) {
                statement.executeBatch();
            }
        }
    }

    private static void upsertCounts(Connection c, Map<CountKey, Tally> tallies) throws SQLException {
        executeBatch(c, "INSERT INTO group_counts (project_id, release, environment, fingerprint, count, "
                + "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (project_id, release, environment, fingerprint) DO UPDATE SET "
                + "count = group_counts.count + excluded.count, last_seen = CASE WHEN excluded.last_seen > "
                + "group_counts.last_seen THEN excluded.last_seen ELSE group_counts.last_seen END",
                tallies.entrySet(), (st, e) -> {
                    st.setString(1, e.getKey().projectId());
                    st.setString(2, e.getKey().release());
                    st.setString(3, e.getKey().environment());
                    st.setString(4, e.getKey().fingerprint());
                    st.setInt(5, e.getValue().count);
                    st.setLong(6, e.getValue().first);
                    st.setLong(7, e.getValue().last);
                });
    }

    private static void upsertEnvCounts(Connection c, Map<CountKey, Tally> tallies) throws SQLException {
        executeBatch(c, "INSERT INTO group_env_counts (project_id, environment, fingerprint, count, first_seen, "
                + "last_seen) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, environment, fingerprint) DO UPDATE "
                + "SET count = group_env_counts.count + excluded.count, last_seen = CASE WHEN excluded.last_seen > "
                + "group_env_counts.last_seen THEN excluded.last_seen ELSE group_env_counts.last_seen END",
                tallies.entrySet(), (st, e) -> {
                    st.setString(1, e.getKey().projectId());
                    st.setString(2, e.getKey().environment());
                    st.setString(3, e.getKey().fingerprint());
                    st.setInt(4, e.getValue().count);
                    st.setLong(5, e.getValue().first);
                    st.setLong(6, e.getValue().last);
                });
    }

    private static void upsertRoutes(Connection c, Map<Map.Entry<String, String>, Integer> routes) throws SQLException {
        executeBatch(c, "INSERT INTO route_counts (project_id, route, count) VALUES (?, ?, ?) "
                + "ON CONFLICT (project_id, route) DO UPDATE SET count = route_counts.count + excluded.count",
                routes.entrySet(), (st, e) -> {
                    st.setString(1, e.getKey().getKey());
                    st.setString(2, e.getKey().getValue());
                    st.setInt(3, e.getValue());
                });
    }

    private static void upsertHours(Connection c, Map<HourKey, Tally> hours) throws SQLException {
        executeBatch(c, "INSERT INTO hourly_counts (project_id, fingerprint, hour_bucket, environment, count) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, fingerprint, hour_bucket, environment) "
                + "DO UPDATE SET count = hourly_counts.count + excluded.count",
                hours.entrySet(), (st, e) -> {
                    st.setString(1, e.getKey().projectId());
                    st.setString(2, e.getKey().fingerprint());
                    st.setLong(3, e.getKey().hour());
                    st.setString(4, e.getKey().environment());
                    st.setInt(5, e.getValue().count);
                });
    }

    /** Alert windows shorter than an hour read these; the key's "hour" holds the minute here. */
    private static void upsertMinutes(Connection c, Map<HourKey, Tally> minutes) throws SQLException {
        executeBatch(c, "INSERT INTO minute_counts (project_id, minute_bucket, fingerprint, environment, count) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, minute_bucket, fingerprint, environment) "
                + "DO UPDATE SET count = minute_counts.count + excluded.count",
                minutes.entrySet(), (st, e) -> {
                    st.setString(1, e.getKey().projectId());
                    st.setLong(2, e.getKey().hour());
                    st.setString(3, e.getKey().fingerprint());
                    st.setString(4, e.getKey().environment());
                    st.setInt(5, e.getValue().count);
                });
    }

    private static void upsertProjectHours(Connection c, Map<HourKey, Tally> hours) throws SQLException {
        Map<Map.Entry<String, Long>, Integer> totals = new HashMap<>();
        hours.forEach((k, t) -> totals.merge(Map.entry(k.projectId(), k.hour()), t.count, Integer::sum));
        executeBatch(c, "INSERT INTO project_hourly_counts (project_id, hour_bucket, count) VALUES (?, ?, ?) "
                + "ON CONFLICT (project_id, hour_bucket) DO UPDATE SET count = project_hourly_counts.count + excluded.count",
                totals.entrySet(), (st, e) -> {
                    st.setString(1, e.getKey().getKey());
                    st.setLong(2, e.getKey().getValue());
                    st.setInt(3, e.getValue());
                });
    }

    private void writeSamples(Connection c, Map<GroupId, GroupTally> groups, List<FlushOutcome.GroupChange> changes,
                              long now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO group_samples (project_id, fingerprint, received_at, event) VALUES (?, ?, ?, ?)");
             // Keep the newest N rows of a group: delete everything older than its Nth newest id.
             PreparedStatement trim = c.prepareStatement("DELETE FROM group_samples WHERE project_id = ? "
                     + "AND fingerprint = ? AND id < (SELECT id FROM group_samples WHERE project_id = ? "
                     + "AND fingerprint = ? ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
            boolean any = false;
            int i = 0;
            for (Map.Entry<GroupId, GroupTally> entry : groups.entrySet()) {
                FlushOutcome.GroupChange change = changes.get(i++);
                GroupId id = entry.getKey();
                GroupTally g = entry.getValue();
                Long last = lastSampled.get(id);
                boolean fresh = change.created() || change.regressed();
                if (!fresh && last != null && now - last < sampleEveryMs) {
                    continue;
                }
                lastSampled.put(id, now);
                Iterable<AcceptedEvent> picked = fresh ? g.recent : List.of(g.latest);
                for (AcceptedEvent e : picked) {
                    insert.setString(1, id.projectId());
                    insert.setString(2, id.fingerprint());
                    insert.setLong(3, e.receivedAt());
                    insert.setString(4, sampleJson(e));
                    insert.addBatch();
                }
                trim.setString(1, id.projectId());
                trim.setString(2, id.fingerprint());
                trim.setString(3, id.projectId());
                trim.setString(4, id.fingerprint());
                trim.setInt(5, sampleLimit - 1);
                trim.addBatch();
                any = true;
            }
            if (any) {
                insert.executeBatch();
                trim.executeBatch();
            }
        }
    }

    /** The full event as received (timestamp in ms, metadata included), plus the server's receive time. */
    private String sampleJson(AcceptedEvent e) {
        try {
            String event = json.writeValueAsString(e.event().withTimestamp(e.timestampMs()));
            String metadata = e.metadataJson() == null ? "" : "\"metadata\":" + e.metadataJson() + ",";
            return "{\"received_at\":" + e.receivedAt() + "," + metadata + event.substring(1);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialize a validated event", ex);
        }
    }

    private static void setInt(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }
}
