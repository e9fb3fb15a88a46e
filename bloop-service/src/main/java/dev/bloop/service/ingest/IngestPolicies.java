package dev.bloop.service.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.IngestEvent;
import dev.bloop.api.IngestPolicy;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.Nodes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Every project's ingest policy, held in memory (the table is read once at start and written
 * through on change), so the hot path checks quotas and filters without touching the database.
 */
public final class IngestPolicies {
    private static final long DAY_MS = 86_400_000L;
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** Why an event was dropped by a filter: the ledger's reason. */
    enum Filtered {
        RELEASE("filtered_release", "release is not in the project's release allow-list"),
        ENVIRONMENT("filtered_environment", "environment is not in the project's environment allow-list"),
        TOO_OLD("filtered_too_old", "the event's timestamp is older than the project's maximum event age");

        final String reason;
        final String text;

        Filtered(String reason, String text) {
            this.reason = reason;
            this.text = text;
        }
    }

    /** A policy ready for the hot path. */
    private record Active(IngestPolicy policy, Set<String> releases, Set<String> environments, long maxAgeMs,
                          TokenBucket bucket) {
        static Active of(IngestPolicy p) {
            TokenBucket bucket = p.eventsPerMinute() == null ? null
                    : new TokenBucket(p.eventsPerMinute(), p.burst() == null ? p.eventsPerMinute() : p.burst());
            return new Active(p, p.releases() == null ? null : Set.copyOf(p.releases()),
                    p.environments() == null ? null : Set.copyOf(p.environments()),
                    p.maxAgeDays() == null ? 0 : p.maxAgeDays() * DAY_MS, bucket);
        }
    }

    private static final String TOPIC = "ingest_policies";

    private final Jdbi writer;
    private final Jdbi reader;
    private final Nodes nodes;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Active> byProject = new ConcurrentHashMap<>();

    public IngestPolicies(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
        this.nodes = db.nodes();
        load();
        nodes.onChange(TOPIC, this::load);
    }

    /** Every policy as stored: at start, and when another node changed one. */
    private void load() {
        Map<String, Active> stored = new HashMap<>();
        reader.useHandle(h -> h.createQuery("SELECT project_id, events_per_minute, burst, releases, environments, "
                + "max_age_days FROM ingest_policies").map((rs, ctx) -> {
                    IngestPolicy p = new IngestPolicy(intOrNull(rs, "events_per_minute"), intOrNull(rs, "burst"),
                            list(rs.getString("releases")), list(rs.getString("environments")),
                            intOrNull(rs, "max_age_days"));
                    stored.put(rs.getString("project_id"), Active.of(p));
                    return p;
                }).list());
        byProject.keySet().retainAll(stored.keySet());
        // An unchanged policy keeps its bucket: only a changed one starts its quota afresh.
        stored.forEach((project, active) -> byProject.merge(project, active,
                (old, fresh) -> old.policy().equals(fresh.policy()) ? old : fresh));
    }

    /** SQLite hands an INTEGER column back as an Integer, PostgreSQL a BIGINT as a Long. */
    private static Integer intOrNull(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    public IngestPolicy get(String projectId) {
        Active a = byProject.get(projectId);
        return a == null ? IngestPolicy.NONE : a.policy();
    }

    /** Saves a validated policy; it applies to the next request. */
    public void put(String projectId, IngestPolicy p, long now) {
        writer.useHandle(h -> h.createUpdate("INSERT INTO ingest_policies (project_id, events_per_minute, burst, "
                        + "releases, environments, max_age_days, updated_at) VALUES (:p, :epm, :b, :r, :e, :age, :now) "
                        + "ON CONFLICT (project_id) DO UPDATE SET events_per_minute = excluded.events_per_minute, "
                        + "burst = excluded.burst, releases = excluded.releases, environments = excluded.environments, "
                        + "max_age_days = excluded.max_age_days, updated_at = excluded.updated_at")
                .bind("p", projectId).bind("epm", p.eventsPerMinute()).bind("b", p.burst())
                .bind("r", text(p.releases())).bind("e", text(p.environments())).bind("age", p.maxAgeDays())
                .bind("now", now).execute());
        byProject.put(projectId, Active.of(p));
        nodes.changed(TOPIC);
    }

    /** A deleted project's policy (its row goes with the project by foreign key). */
    public void forget(String projectId) {
        byProject.remove(projectId);
    }

    /**
     * Takes {@code events} from the project's quota, all or none.
     *
     * @return 0 when admitted, else the seconds after which they would be (-1: never, more than the burst)
     */
    long admit(String projectId, int events) {
        Active a = byProject.get(projectId);
        return a == null || a.bucket() == null ? 0 : a.bucket().take(events);
    }

    /** Null when the event is kept, else the filter that drops it. */
    Filtered filter(String projectId, IngestEvent e, long timestampMs, long now) {
        Active a = byProject.get(projectId);
        if (a == null) {
            return null;
        }
        if (a.releases() != null && !a.releases().contains(e.release())) {
            return Filtered.RELEASE;
        }
        if (a.environments() != null && !a.environments().contains(e.environment())) {
            return Filtered.ENVIRONMENT;
        }
        if (a.maxAgeMs() > 0 && timestampMs < now - a.maxAgeMs()) {
            return Filtered.TOO_OLD;
        }
        return null;
    }

    private String text(List<String> values) {
        try {
            return values == null ? null : json.writeValueAsString(new HashSet<>(values).stream().sorted().toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> list(String text) {
        try {
            return text == null ? null : json.readValue(text, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable ingest policy list: " + text, e);
        }
    }

    /** Events per minute with a burst; refilled continuously. */
    static final class TokenBucket {
        private final double perNano;
        private final double capacity;
        private double tokens;
        private long last = System.nanoTime();

        TokenBucket(int perMinute, int burst) {
            this.perNano = perMinute / 60e9;
            this.capacity = Math.max(1, burst);
            this.tokens = capacity;
        }

        synchronized long take(int n) {
            if (n > capacity) {
                return -1;
            }
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= n) {
                tokens -= n;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((n - tokens) / perNano / 1e9));
        }
    }
}
