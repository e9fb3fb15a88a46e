package dev.bloop.service.releases;

import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.bloop.api.ReleaseHealth;
import dev.bloop.api.ReleaseSummary;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.PeriodicFlush;
import io.dropwizard.lifecycle.Managed;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Release health: sessions per project, release and environment, as SDKs report them (started,
 * crashed, ended abnormally, with errors) and their distinct users. Counted in memory as updates
 * arrive and written every few seconds in one small transaction, like the ingest ledger, so a burst
 * of session updates costs no write each. Distinct users and errored sessions are UltraLogLog
 * sketches, merged on write and on read: bounded in size whatever the number of users.
 */
public final class ReleaseHealthStore implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseHealthStore.class);
    /** 2^10 one-byte registers: 1 KB per sketch, about 2 % error, exact in practice for small counts. */
    static final int SKETCH_P = 10;
    private static final long FLUSH_SECONDS = 5;
    /** Releases and environments waiting for the next write at most; beyond it updates are dropped (and logged). */
    private static final int MAX_PENDING = 2_000;
    private static final Hasher64 HASH = Hashing.xxh3_64();

    /** How a session update left the session (Sentry's statuses). */
    public enum Status { OK, EXITED, CRASHED, ABNORMAL, ERRORED }

    /**
     * One update of a single session.
     *
     * @param init      the session's first update: it is counted as started
     * @param sessionId the SDK's {@code sid}, to count sessions with errors once
     * @param userId    the SDK's {@code did} (user or device), or null
     */
    public record Update(String release, String environment, String sessionId, String userId, boolean init,
                         Status status, long errors, long at) {
    }

    /** Sessions pre-aggregated by the SDK (server-mode SDKs: one bucket per minute and user). */
    public record Aggregate(String release, String environment, String userId, long exited, long errored,
                            long abnormal, long crashed, long at) {
    }

    private record Key(String projectId, String release, String environment) {
    }

    /** What arrived for one key since the last write. */
    private static final class Pending {
        long sessions;
        long crashed;
        long abnormal;
        long errored;
        UltraLogLog erroredSessions;
        UltraLogLog users;
        UltraLogLog crashedUsers;
        long firstSeen = Long.MAX_VALUE;
        long lastSeen;
        /** Taken by a write: later updates go to a new entry. */
        boolean taken;
    }

    private final Jdbi writer;
    private final Jdbi reader;
    private final Map<Key, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final PeriodicFlush periodic = new PeriodicFlush("bloop-release-health", FLUSH_SECONDS, this::flush);

    public ReleaseHealthStore(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
    }

    public void record(String projectId, Update u) {
        update(projectId, u.release(), u.environment(), u.at(), p -> {
            if (u.init()) {
                p.sessions++;
                if (u.userId() != null) {
                    p.users = add(p.users, u.userId());
                }
            }
            if (u.status() == Status.CRASHED) {
                p.crashed++;
                if (u.userId() != null) {
                    p.crashedUsers = add(p.crashedUsers, u.userId());
                }
            } else if (u.status() == Status.ABNORMAL) {
                p.abnormal++;
            }
            if ((u.errors() > 0 || u.status() == Status.CRASHED || u.status() == Status.ERRORED)
                    && u.sessionId() != null) {
                p.erroredSessions = add(p.erroredSessions, u.sessionId());
            }
        });
    }

    public void record(String projectId, Aggregate a) {
        update(projectId, a.release(), a.environment(), a.at(), p -> {
            long total = a.exited() + a.errored() + a.abnormal() + a.crashed();
            p.sessions += total;
            p.crashed += a.crashed();
            p.abnormal += a.abnormal();
            p.errored += a.errored() + a.crashed();
            if (a.userId() != null && total > 0) {
                p.users = add(p.users, a.userId());
                if (a.crashed() > 0) {
                    p.crashedUsers = add(p.crashedUsers, a.userId());
                }
            }
        });
    }

    /** Applies a change to the key's pending counts; one that a write has taken meanwhile is replaced. */
    private void update(String projectId, String release, String environment, long at,
                        java.util.function.Consumer<Pending> change) {
        Key key = new Key(projectId, release, environment);
        while (true) {
            Pending p = pending.get(key);
            if (p == null) {
                if (pending.size() >= MAX_PENDING) {
                    if (dropped.getAndIncrement() % 10_000 == 0) {
                        LOG.warn("Release health: more than {} releases and environments reported sessions within "
                                + "{} s; updates beyond them are not counted", MAX_PENDING, FLUSH_SECONDS);
                    }
                    return;
                }
                p = pending.computeIfAbsent(key, k -> new Pending());
            }
            synchronized (p) {
                if (p.taken) {
                    continue;
                }
                change.accept(p);
                p.firstSeen = Math.min(p.firstSeen, at);
                p.lastSeen = Math.max(p.lastSeen, at);
                return;
            }
        }
    }

    private static UltraLogLog add(UltraLogLog sketch, String id) {
        UltraLogLog s = sketch == null ? UltraLogLog.create(SKETCH_P) : sketch;
        return s.add(HASH.hashCharsToLong(id));
    }

    /**
     * The release list of {@code GET /v1/releases} (newest activity first) with each release's {@code health},
     * including releases whose sessions are not written yet.
     */
    public List<ReleaseSummary> withHealth(String projectId, List<ReleaseSummary> releases, int limit) {
        Map<String, ReleaseSummary> byName = new LinkedHashMap<>();
        releases.forEach(r -> byName.put(r.release(), r));
        pending.forEach((k, p) -> {
            if (!k.projectId().equals(projectId)) {
                return;
            }
            long first;
            long last;
            synchronized (p) {
                first = p.firstSeen;
                last = p.lastSeen;
            }
            ReleaseSummary r = byName.get(k.release());
            byName.put(k.release(), r == null ? new ReleaseSummary(k.release(), 0, 0, 0, first, last)
                    : r.seenBetween(first, last));
        });
        List<ReleaseSummary> out = new ArrayList<>(byName.values());
        out.sort((a, b) -> Long.compare(b.lastSeen(), a.lastSeen()));
        if (out.size() > limit) {
            out = new ArrayList<>(out.subList(0, limit));
        }
        Map<String, ReleaseHealth> health = forReleases(projectId, out.stream().map(ReleaseSummary::release).toList());
        return out.stream().map(r -> health.containsKey(r.release()) ? r.withHealth(health.get(r.release())) : r)
                .toList();
    }

    /** Health of each of {@code releases} that has sessions, all environments together (unwritten updates included). */
    public Map<String, ReleaseHealth> forReleases(String projectId, Collection<String> releases) {
        Map<String, Merged> merged = new LinkedHashMap<>();
        if (releases.isEmpty()) {
            return Map.of();
        }
        List<String> names = List.copyOf(releases);
        reader.useHandle(h -> h.createQuery("SELECT release, sessions, crashed, abnormal, errored, errored_sessions, "
                        + "users, crashed_users FROM release_health WHERE project_id = :p AND release IN (<r>)")
                .bind("p", projectId).bindList("r", names)
                .map((rs, ctx) -> {
                    Merged m = merged.computeIfAbsent(rs.getString(1), r -> new Merged());
                    m.sessions += rs.getLong(2);
                    m.crashed += rs.getLong(3);
                    m.abnormal += rs.getLong(4);
                    m.errored += rs.getLong(5);
                    m.erroredSessions = merge(m.erroredSessions, rs.getBytes(6));
                    m.users = merge(m.users, rs.getBytes(7));
                    m.crashedUsers = merge(m.crashedUsers, rs.getBytes(8));
                    return m;
                }).list());
        pending.forEach((k, p) -> {
            if (k.projectId().equals(projectId) && releases.contains(k.release())) {
                Merged m = merged.computeIfAbsent(k.release(), r -> new Merged());
                synchronized (p) {
                    m.sessions += p.sessions;
                    m.crashed += p.crashed;
                    m.abnormal += p.abnormal;
                    m.errored += p.errored;
                    m.erroredSessions = merge(m.erroredSessions, p.erroredSessions);
                    m.users = merge(m.users, p.users);
                    m.crashedUsers = merge(m.crashedUsers, p.crashedUsers);
                }
            }
        });
        Map<String, ReleaseHealth> out = new HashMap<>();
        merged.forEach((release, m) -> {
            if (m.sessions > 0 || m.crashed > 0) {
                out.put(release, m.figures());
            }
        });
        return out;
    }

    /** Sums for one release across environments. */
    private static final class Merged {
        long sessions;
        long crashed;
        long abnormal;
        long errored;
        UltraLogLog erroredSessions;
        UltraLogLog users;
        UltraLogLog crashedUsers;

        ReleaseHealth figures() {
            long erroredTotal = errored + estimate(erroredSessions);
            long userCount = estimate(users);
            long crashedUserCount = Math.min(estimate(crashedUsers), userCount);
            Double crashFree = sessions == 0 ? null : share(1.0 - Math.min(crashed, sessions) / (double) sessions);
            Double usersCrashFree = userCount == 0 ? null : share(1.0 - crashedUserCount / (double) userCount);
            return new ReleaseHealth(sessions, crashed, abnormal, erroredTotal, crashFree, userCount, crashedUserCount,
                    usersCrashFree);
        }
    }

    private static double share(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    private static long estimate(UltraLogLog sketch) {
        return sketch == null ? 0 : Math.round(sketch.getDistinctCountEstimate());
    }

    private static UltraLogLog merge(UltraLogLog into, byte[] state) {
        return state == null ? into : merge(into, UltraLogLog.wrap(state));
    }

    private static UltraLogLog merge(UltraLogLog into, UltraLogLog other) {
        if (other == null) {
            return into;
        }
        return into == null ? other.copy() : into.add(other);
    }

    @Override
    public void start() {
        periodic.start();
    }

    @Override
    public void stop() throws InterruptedException {
        periodic.stop();
    }

    /** Writes what arrived since the last write, merged into the stored rows. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<Key, Pending> taken = new LinkedHashMap<>();
        for (Key k : pending.keySet()) {
            Pending p = pending.remove(k);
            if (p != null) {
                synchronized (p) {
                    p.taken = true;
                }
                taken.put(k, p);
            }
        }
        try {
            writer.useTransaction(h -> {
                for (Map.Entry<Key, Pending> e : taken.entrySet()) {
                    Key k = e.getKey();
                    Pending p = e.getValue();
                    synchronized (p) {
                        var stored = h.createQuery("SELECT errored_sessions, users, crashed_users FROM release_health "
                                        + "WHERE project_id = :p AND release = :r AND environment = :e")
                                .bind("p", k.projectId()).bind("r", k.release()).bind("e", k.environment())
                                .map((rs, ctx) -> new byte[][] {rs.getBytes(1), rs.getBytes(2), rs.getBytes(3)})
                                .findOne().orElse(new byte[3][]);
                        // A project deleted meanwhile takes its rows with it; nothing is written for it.
                        h.createUpdate("INSERT INTO release_health (project_id, release, environment, sessions, crashed, "
                                        + "abnormal, errored, errored_sessions, users, crashed_users, first_seen, last_seen) "
                                        + "SELECT :p, :r, :e, :s, :c, :a, :er, :es, :u, :cu, :fs, :ls "
                                        + "WHERE EXISTS (SELECT 1 FROM projects WHERE id = :p) "
                                        + "ON CONFLICT (project_id, release, environment) DO UPDATE SET "
                                        + "sessions = release_health.sessions + excluded.sessions, "
                                        + "crashed = release_health.crashed + excluded.crashed, "
                                        + "abnormal = release_health.abnormal + excluded.abnormal, "
                                        + "errored = release_health.errored + excluded.errored, "
                                        + "errored_sessions = excluded.errored_sessions, users = excluded.users, "
                                        + "crashed_users = excluded.crashed_users, first_seen = CASE WHEN "
                                        + "excluded.first_seen < release_health.first_seen THEN excluded.first_seen "
                                        + "ELSE release_health.first_seen END, last_seen = CASE WHEN excluded.last_seen > "
                                        + "release_health.last_seen THEN excluded.last_seen ELSE release_health.last_seen END")
                                .bind("p", k.projectId()).bind("r", k.release()).bind("e", k.environment())
                                .bind("s", p.sessions).bind("c", p.crashed).bind("a", p.abnormal).bind("er", p.errored)
                                .bind("es", state(merge(p.erroredSessions, stored[0])))
                                .bind("u", state(merge(p.users, stored[1])))
                                .bind("cu", state(merge(p.crashedUsers, stored[2])))
                                .bind("fs", p.firstSeen == Long.MAX_VALUE ? p.lastSeen : p.firstSeen)
                                .bind("ls", p.lastSeen)
                                .execute();
                    }
                }
            });
        } catch (RuntimeException e) {
            // Put back for the next try: counts are statistics, a failing store costs nothing else.
            taken.forEach((k, p) -> {
                synchronized (p) {
                    p.taken = false;
                }
                pending.merge(k, p, ReleaseHealthStore::combine);
            });
            LOG.debug("Release health not written: {}", e.getMessage());
        }
    }

    private static byte[] state(UltraLogLog sketch) {
        return sketch == null ? null : sketch.getState();
    }

    private static Pending combine(Pending a, Pending b) {
        synchronized (a) {
            synchronized (b) {
                a.sessions += b.sessions;
                a.crashed += b.crashed;
                a.abnormal += b.abnormal;
                a.errored += b.errored;
                a.erroredSessions = merge(a.erroredSessions, b.erroredSessions);
                a.users = merge(a.users, b.users);
                a.crashedUsers = merge(a.crashedUsers, b.crashedUsers);
                a.firstSeen = Math.min(a.firstSeen, b.firstSeen);
                a.lastSeen = Math.max(a.lastSeen, b.lastSeen);
            }
        }
        return a;
    }
}
