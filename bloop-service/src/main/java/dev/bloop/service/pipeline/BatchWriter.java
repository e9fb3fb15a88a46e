package dev.bloop.service.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.ErrorEvent;
import dev.bloop.service.fingerprint.GroupingKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * Writes one flush inside the caller's transaction: raw events, then per-group, per-release,
 * per-environment and hourly aggregates pre-summed in memory (one upsert per key, not per event),
 * then the most recent samples, then regression history. The in-memory pre-aggregation is what lets
 * one writer thread keep up with tens of thousands of events per second.
 */
final class BatchWriter {
    static final String UNRESOLVED = "unresolved";
    static final String RESOLVED = "resolved";
    static final String SYSTEM_ACTOR = "system";
    private static final long HOUR_MS = 3_600_000L;
    private static final int LOOKUP_CHUNK = 400;

    private final ObjectMapper json;
    private final int sampleLimit;

    BatchWriter(ObjectMapper json, int sampleLimit) {
        this.json = json;
        this.sampleLimit = sampleLimit;
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
        final ArrayDeque<AcceptedEvent> samples = new ArrayDeque<>();

        GroupTally(AcceptedEvent first) {
            this.first = first;
            this.latest = first;
        }
    }

    private record GroupId(String projectId, String fingerprint) {
    }

    private record SubKey(String projectId, String fingerprint, String value) {
    }

    private record HourKey(String projectId, String fingerprint, long hour, String release, String environment) {
    }

    FlushOutcome write(Handle h, List<AcceptedEvent> batch, long now) {
        insertRawEvents(h, batch);

        Map<GroupId, GroupTally> groups = new LinkedHashMap<>();
        Map<SubKey, Tally> releases = new HashMap<>();
        Map<SubKey, Tally> environments = new HashMap<>();
        Map<HourKey, Tally> hours = new HashMap<>();
        for (AcceptedEvent e : batch) {
            ErrorEvent ev = e.event();
            GroupTally g = groups.computeIfAbsent(new GroupId(e.projectId(), e.fingerprint()), k -> new GroupTally(e));
            g.tally.add(e.receivedAt());
            if (e.receivedAt() >= g.latest.receivedAt()) {
                g.latest = e;
            }
            g.samples.addLast(e);
            if (g.samples.size() > sampleLimit) {
                g.samples.removeFirst();
            }
            releases.computeIfAbsent(new SubKey(e.projectId(), e.fingerprint(), ev.release()), k -> new Tally())
                    .add(e.receivedAt());
            environments.computeIfAbsent(new SubKey(e.projectId(), e.fingerprint(), ev.environment()), k -> new Tally())
                    .add(e.receivedAt());
            long hour = Math.floorDiv(e.receivedAt(), HOUR_MS) * HOUR_MS;
            hours.computeIfAbsent(new HourKey(e.projectId(), e.fingerprint(), hour, ev.release(), ev.environment()),
                    k -> new Tally()).add(e.receivedAt());
        }

        Map<GroupId, String> statuses = currentStatuses(h, groups.keySet());
        List<FlushOutcome.GroupChange> changes = upsertGroups(h, groups, statuses, now);
        upsertCounts(h, "group_release_counts", "release", releases);
        upsertCounts(h, "group_environment_counts", "environment", environments);
        upsertHours(h, hours);
        writeSamples(h, groups);
        return new FlushOutcome(batch.size(), now, changes);
    }

    private void insertRawEvents(Handle h, List<AcceptedEvent> batch) {
        PreparedBatch insert = h.prepareBatch("INSERT INTO raw_events (project_id, fingerprint, received_at, "
                + "timestamp, source, environment, release, error_type, message, app_version, build_number, "
                + "route_or_procedure, screen, stack, http_status, request_id, user_id_hash, device_id_hash, "
                + "client_fingerprint, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (AcceptedEvent e : batch) {
            ErrorEvent ev = e.event();
            insert.bind(0, e.projectId()).bind(1, e.fingerprint()).bind(2, e.receivedAt())
                    .bind(3, e.timestampMs()).bind(4, ev.source()).bind(5, ev.environment())
                    .bind(6, ev.release()).bind(7, ev.errorType()).bind(8, ev.message())
                    .bind(9, ev.appVersion()).bind(10, ev.buildNumber()).bind(11, ev.routeOrProcedure())
                    .bind(12, ev.screen()).bind(13, ev.stack()).bind(14, ev.httpStatus())
                    .bind(15, ev.requestId()).bind(16, ev.userIdHash()).bind(17, ev.deviceIdHash())
                    .bind(18, ev.fingerprint()).bind(19, e.metadataJson())
                    .add();
        }
        insert.execute();
    }

    /** One query per chunk of groups instead of one per group. */
    private static Map<GroupId, String> currentStatuses(Handle h, java.util.Collection<GroupId> ids) {
        Map<GroupId, String> statuses = new HashMap<>();
        List<GroupId> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += LOOKUP_CHUNK) {
            List<GroupId> chunk = all.subList(from, Math.min(all.size(), from + LOOKUP_CHUNK));
            StringBuilder sql = new StringBuilder(
                    "SELECT project_id, fingerprint, status FROM error_groups WHERE (project_id, fingerprint) IN (VALUES ");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
            }
            sql.append(')');
            Query q = h.createQuery(sql.toString());
            int p = 0;
            for (GroupId id : chunk) {
                q.bind(p++, id.projectId()).bind(p++, id.fingerprint());
            }
            q.map((rs, ctx) -> Map.entry(new GroupId(rs.getString(1), rs.getString(2)), rs.getString(3)))
                    .forEach(entry -> statuses.put(entry.getKey(), entry.getValue()));
        }
        return statuses;
    }

    private static List<FlushOutcome.GroupChange> upsertGroups(Handle h, Map<GroupId, GroupTally> groups,
                                                               Map<GroupId, String> statuses, long now) {
        PreparedBatch insert = h.prepareBatch("INSERT INTO error_groups (project_id, fingerprint, error_type, "
                + "message, source, route_or_procedure, screen, status, total_count, first_seen, last_seen, "
                + "last_release, grouping_version, grouping_kind, grouping_message, grouping_frame, grouping_route) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, 'unresolved', ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedBatch update = h.prepareBatch("UPDATE error_groups SET total_count = total_count + ?, "
                + "last_seen = max(last_seen, ?), last_release = ?, "
                + "status = CASE WHEN status = 'resolved' THEN 'unresolved' ELSE status END "
                + "WHERE project_id = ? AND fingerprint = ?");
        PreparedBatch history = h.prepareBatch("INSERT INTO status_history (project_id, fingerprint, old_status, "
                + "new_status, actor, changed_at) VALUES (?, ?, ?, ?, ?, ?)");
        List<FlushOutcome.GroupChange> changes = new ArrayList<>(groups.size());
        for (Map.Entry<GroupId, GroupTally> entry : groups.entrySet()) {
            GroupId id = entry.getKey();
            GroupTally g = entry.getValue();
            String status = statuses.get(id);
            ErrorEvent first = g.first.event();
            GroupingKey key = g.first.grouping();
            boolean created = status == null;
            boolean regressed = RESOLVED.equals(status);
            if (created) {
                insert.bind(0, id.projectId()).bind(1, id.fingerprint()).bind(2, first.errorType())
                        .bind(3, first.message()).bind(4, first.source()).bind(5, first.routeOrProcedure())
                        .bind(6, first.screen()).bind(7, g.tally.count).bind(8, g.tally.first)
                        .bind(9, g.tally.last).bind(10, g.latest.event().release()).bind(11, key.version())
                        .bind(12, key.kind()).bind(13, key.normalizedMessage()).bind(14, key.frame())
                        .bind(15, key.route())
                        .add();
            } else {
                update.bind(0, g.tally.count).bind(1, g.tally.last).bind(2, g.latest.event().release())
                        .bind(3, id.projectId()).bind(4, id.fingerprint())
                        .add();
            }
            if (regressed) {
                history.bind(0, id.projectId()).bind(1, id.fingerprint()).bind(2, RESOLVED).bind(3, UNRESOLVED)
                        .bind(4, SYSTEM_ACTOR).bind(5, now)
                        .add();
            }
            String after = created || regressed ? UNRESOLVED : status;
            changes.add(new FlushOutcome.GroupChange(id.projectId(), id.fingerprint(), created, regressed,
                    g.tally.count, g.latest, after));
        }
        executeIfAny(insert);
        executeIfAny(update);
        executeIfAny(history);
        return changes;
    }

    private static void upsertCounts(Handle h, String table, String column, Map<SubKey, Tally> tallies) {
        PreparedBatch upsert = h.prepareBatch("INSERT INTO " + table + " (project_id, fingerprint, " + column
                + ", count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (project_id, fingerprint, " + column + ") DO UPDATE SET "
                + "count = count + excluded.count, last_seen = max(last_seen, excluded.last_seen)");
        for (Map.Entry<SubKey, Tally> e : tallies.entrySet()) {
            SubKey k = e.getKey();
            Tally t = e.getValue();
            upsert.bind(0, k.projectId()).bind(1, k.fingerprint()).bind(2, k.value())
                    .bind(3, t.count).bind(4, t.first).bind(5, t.last)
                    .add();
        }
        executeIfAny(upsert);
    }

    private static void upsertHours(Handle h, Map<HourKey, Tally> hours) {
        PreparedBatch upsert = h.prepareBatch("INSERT INTO hourly_counts (project_id, fingerprint, hour_bucket, "
                + "release, environment, count) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (project_id, fingerprint, hour_bucket, release, environment) DO UPDATE SET "
                + "count = count + excluded.count");
        for (Map.Entry<HourKey, Tally> e : hours.entrySet()) {
            HourKey k = e.getKey();
            upsert.bind(0, k.projectId()).bind(1, k.fingerprint()).bind(2, k.hour()).bind(3, k.release())
                    .bind(4, k.environment()).bind(5, e.getValue().count)
                    .add();
        }
        executeIfAny(upsert);
    }

    private void writeSamples(Handle h, Map<GroupId, GroupTally> groups) {
        PreparedBatch insert = h.prepareBatch(
                "INSERT INTO group_samples (project_id, fingerprint, received_at, event) VALUES (?, ?, ?, ?)");
        // Keep the newest N rows of each group: delete everything older than the Nth newest id.
        PreparedBatch trim = h.prepareBatch("DELETE FROM group_samples WHERE project_id = ? AND fingerprint = ? "
                + "AND id < (SELECT id FROM group_samples WHERE project_id = ? AND fingerprint = ? "
                + "ORDER BY id DESC LIMIT 1 OFFSET ?)");
        for (Map.Entry<GroupId, GroupTally> entry : groups.entrySet()) {
            GroupId id = entry.getKey();
            for (AcceptedEvent e : entry.getValue().samples) {
                insert.bind(0, id.projectId()).bind(1, id.fingerprint()).bind(2, e.receivedAt())
                        .bind(3, sampleJson(e))
                        .add();
            }
            trim.bind(0, id.projectId()).bind(1, id.fingerprint()).bind(2, id.projectId())
                    .bind(3, id.fingerprint()).bind(4, sampleLimit - 1)
                    .add();
        }
        executeIfAny(insert);
        executeIfAny(trim);
    }

    /** The full event as received, plus the server's receive time and the normalized timestamp. */
    private String sampleJson(AcceptedEvent e) {
        ObjectNode node = json.valueToTree(e.event());
        node.put("timestamp", e.timestampMs());
        node.put("received_at", e.receivedAt());
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialize a validated event", ex);
        }
    }

    private static void executeIfAny(PreparedBatch batch) {
        if (batch.size() > 0) {
            batch.execute();
        }
    }
}
