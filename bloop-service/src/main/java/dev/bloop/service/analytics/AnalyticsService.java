package dev.bloop.service.analytics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bloop.api.analytics.CorrelatedPair;
import dev.bloop.api.analytics.CorrelationsReport;
import dev.bloop.api.analytics.EnvironmentBreakdown;
import dev.bloop.api.analytics.EnvironmentsReport;
import dev.bloop.api.analytics.Mover;
import dev.bloop.api.analytics.MoversReport;
import dev.bloop.api.analytics.NewIssue;
import dev.bloop.api.analytics.ReleaseImpact;
import dev.bloop.api.analytics.ReleasesReport;
import dev.bloop.api.analytics.Spike;
import dev.bloop.api.analytics.SpikesReport;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The analytics answers: windows, thresholds and the result cache around {@link AnalyticsQueries},
 * with each issue's type, message and status looked up in SQLite (always current, and always within
 * the caller's project).
 *
 * <p>A window of {@code hours} hours ends with the hour the copy is current to ({@code as_of}), the
 * hour in progress included, like the trends of the query API.
 */
final class AnalyticsService {
    static final long HOUR_MS = Mirror.HOUR_MS;

    private final Jdbi sqlite;
    private final DuckDb duck;
    private final Mirror mirror;
    private final AnalyticsConfig config;
    private final Cache<CacheKey, Object> cache;

    /** What the caller asked for, already validated. {@code environment}/{@code release}: null for all. */
    record Ask(int hours, int limit, String environment, String release) {
    }

    /** A cached answer is only reused for the same question over the same copy of the data. */
    private record CacheKey(String endpoint, String projectId, Ask ask, long generation, int hour) {
    }

    /** The copy is not loaded yet (the first load after a start takes a few seconds). */
    static final class NotReady extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotReady() {
            super("analytics is still loading its copy of the counts (a few seconds after a start); try again shortly",
                    null, false, false);
        }
    }

    AnalyticsService(Jdbi sqlite, DuckDb duck, Mirror mirror, AnalyticsConfig config) {
        this.sqlite = sqlite;
        this.duck = duck;
        this.mirror = mirror;
        this.config = config;
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.getCacheTtlSecs() == 0 ? 0 : config.getCacheMaxEntries())
                .expireAfterWrite(Duration.ofSeconds(Math.max(1, config.getCacheTtlSecs())))
                .build();
    }

    AnalyticsConfig config() {
        return config;
    }

    /** The window [lo, hi] of {@code hours} hours ending with the copy's current hour. */
    private static int windowStart(int hi, int hours) {
        return hi - hours + 1;
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(String endpoint, String projectId, Ask ask, Mirror.Snapshot snap, Supplier<T> compute) {
        CacheKey key = new CacheKey(endpoint, projectId, ask, snap.generation(), Mirror.hourOf(snap.asOf()));
        if (config.getCacheTtlSecs() == 0) {
            return compute.get();
        }
        return (T) cache.get(key, k -> compute.get());
    }

    private Mirror.Snapshot snapshot() {
        Mirror.Snapshot snap = mirror.snapshot();
        if (snap == null) {
            throw new NotReady();
        }
        return snap;
    }

    /** A query DuckDB could not run within its limits (memory): the server's limit, not the caller's fault. */
    static final class TooBig extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooBig(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Runs DuckDB work; running out of DuckDB's memory is answered 503 (see the resource), anything else is a bug. */
    private <T> T query(DuckDb.Work<T> work) {
        try {
            return duck.query(work);
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("Out of Memory")) {
                throw new TooBig("the analytics query needs more memory than analytics.memory_limit ("
                        + config.getMemoryLimit() + "); try a shorter window (hours) or raise the limit", e);
            }
            throw new IllegalStateException("analytics query failed: " + e.getMessage(), e);
        }
    }

    // ----------------------------------------------------------------------------------------------

    SpikesReport spikes(String projectId, Ask ask) {
        Mirror.Snapshot snap = snapshot();
        return cached("spikes", projectId, ask, snap, () -> computeSpikes(projectId, ask, snap));
    }

    private SpikesReport computeSpikes(String projectId, Ask ask, Mirror.Snapshot snap) {
        int hi = Mirror.hourOf(snap.asOf());
        int lo = windowStart(hi, ask.hours());
        int recent = config.getSpikeRecentHours();
        int recentLo = hi - recent + 1;
        Integer pid = snap.pid(projectId);
        Integer env = ask.environment() == null ? null : snap.envIds().get(ask.environment());
        List<Spike> spikes = new ArrayList<>();
        List<NewIssue> fresh = new ArrayList<>();
        if (pid != null && (ask.environment() == null || env != null)) {
            List<AnalyticsQueries.SpikeRow> rows = new ArrayList<>();
            List<AnalyticsQueries.NewRow> news = new ArrayList<>();
            Map<Long, long[]> series = query(s -> {
                AnalyticsQueries.SpikeRows found = AnalyticsQueries.spikes(s, pid, env, lo, hi, recentLo,
                        config.getMinBaselineHours(), config.getZscoreThreshold(), ask.limit());
                rows.addAll(found.spikes());
                news.addAll(found.fresh());
                List<Long> gids = new ArrayList<>();
                rows.forEach(r -> gids.add(r.gid()));
                news.forEach(r -> gids.add(r.gid()));
                return AnalyticsQueries.series(s, pid, env, lo, hi, gids);
            });
            Map<Long, IssueInfo> info = issues(projectId, series.keySet());
            for (AnalyticsQueries.SpikeRow r : rows) {
                IssueInfo i = info.getOrDefault(r.gid(), IssueInfo.missing(r.fingerprint()));
                spikes.add(new Spike(i.fingerprint(), i.errorType(), i.message(), i.status(), r.hour() * HOUR_MS,
                        r.count(), r.mean(), r.sd(), r.baselineHours(), r.z(), boxed(series.get(r.gid()))));
            }
            for (AnalyticsQueries.NewRow r : news) {
                IssueInfo i = info.getOrDefault(r.gid(), IssueInfo.missing(r.fingerprint()));
                fresh.add(new NewIssue(i.fingerprint(), i.errorType(), i.message(), i.status(), r.firstSeen(),
                        r.recentCount(), boxed(series.get(r.gid()))));
            }
        }
        return new SpikesReport(snap.asOf(), ask.hours(), lo * HOUR_MS, ask.environment(), recent,
                config.getMinBaselineHours(), config.getZscoreThreshold(), spikes, fresh);
    }

    MoversReport movers(String projectId, Ask ask) {
        Mirror.Snapshot snap = snapshot();
        return cached("movers", projectId, ask, snap, () -> computeMovers(projectId, ask, snap));
    }

    private MoversReport computeMovers(String projectId, Ask ask, Mirror.Snapshot snap) {
        int hi = Mirror.hourOf(snap.asOf());
        int curLo = windowStart(hi, ask.hours());
        int prevLo = curLo - ask.hours();
        Integer pid = snap.pid(projectId);
        Integer env = ask.environment() == null ? null : snap.envIds().get(ask.environment());
        List<Mover> movers = new ArrayList<>();
        if (pid != null && (ask.environment() == null || env != null)) {
            List<AnalyticsQueries.MoverRow> rows = query(s -> AnalyticsQueries.movers(s, pid, env, prevLo, curLo, hi,
                    ask.limit()));
            Map<Long, IssueInfo> info = issues(projectId, rows.stream().map(AnalyticsQueries.MoverRow::gid).toList());
            for (AnalyticsQueries.MoverRow r : rows) {
                IssueInfo i = info.getOrDefault(r.gid(), IssueInfo.missing(r.fingerprint()));
                long delta = r.current() - r.previous();
                String change = r.previous() == 0 ? "new" : r.current() == 0 ? "vanished" : delta > 0 ? "up" : "down";
                Double pct = r.previous() == 0 || r.current() == 0 ? null : delta * 100.0 / r.previous();
                movers.add(new Mover(i.fingerprint(), i.errorType(), i.message(), i.status(), i.firstSeen(),
                        r.current(), r.previous(), delta, pct, change));
            }
        }
        return new MoversReport(snap.asOf(), ask.hours(), curLo * HOUR_MS, prevLo * HOUR_MS, ask.environment(),
                movers);
    }

    CorrelationsReport correlations(String projectId, Ask ask) {
        Mirror.Snapshot snap = snapshot();
        return cached("correlations", projectId, ask, snap, () -> computeCorrelations(projectId, ask, snap));
    }

    private CorrelationsReport computeCorrelations(String projectId, Ask ask, Mirror.Snapshot snap) {
        int hi = Mirror.hourOf(snap.asOf());
        int lo = windowStart(hi, ask.hours());
        Integer pid = snap.pid(projectId);
        Integer env = ask.environment() == null ? null : snap.envIds().get(ask.environment());
        List<CorrelatedPair> pairs = new ArrayList<>();
        if (pid != null && (ask.environment() == null || env != null)) {
            List<AnalyticsQueries.PairRow> rows = query(s -> AnalyticsQueries.correlations(s, pid, env, lo, hi,
                    config.getMinActiveHours(), config.getMaxCorrelatedIssues(), config.getMinCorrelation(),
                    ask.limit()));
            List<Long> gids = new ArrayList<>();
            rows.forEach(r -> {
                gids.add(r.gidA());
                gids.add(r.gidB());
            });
            Map<Long, IssueInfo> info = issues(projectId, gids);
            for (AnalyticsQueries.PairRow r : rows) {
                IssueInfo a = info.getOrDefault(r.gidA(), IssueInfo.missing(r.fingerprintA()));
                IssueInfo b = info.getOrDefault(r.gidB(), IssueInfo.missing(r.fingerprintB()));
                int activeA = r.activeA();
                int activeB = r.activeB();
                if (a.fingerprint().compareTo(b.fingerprint()) > 0) {
                    IssueInfo t = a;
                    a = b;
                    b = t;
                    activeA = r.activeB();
                    activeB = r.activeA();
                }
                pairs.add(new CorrelatedPair(a.fingerprint(), a.errorType(), a.message(), b.fingerprint(),
                        b.errorType(), b.message(), r.r(), ask.hours(), r.shared(), activeA, activeB));
            }
        }
        return new CorrelationsReport(snap.asOf(), ask.hours(), lo * HOUR_MS, ask.environment(),
                config.getMinActiveHours(), config.getMinCorrelation(), pairs);
    }

    EnvironmentsReport environments(String projectId, Ask ask) {
        Mirror.Snapshot snap = snapshot();
        return cached("environments", projectId, ask, snap, () -> computeEnvironments(projectId, ask, snap));
    }

    private EnvironmentsReport computeEnvironments(String projectId, Ask ask, Mirror.Snapshot snap) {
        int hi = Mirror.hourOf(snap.asOf());
        int lo = windowStart(hi, ask.hours());
        Integer pid = snap.pid(projectId);
        List<AnalyticsQueries.EnvRow> rows = pid == null ? List.of()
                : query(s -> AnalyticsQueries.environments(s, pid, lo, hi));
        long grand = rows.stream().mapToLong(AnalyticsQueries.EnvRow::total).sum();
        List<EnvironmentBreakdown> out = rows.stream()
                .map(r -> new EnvironmentBreakdown(snap.envName(r.env()), r.total(), r.uniqueIssues(),
                        grand == 0 ? 0 : r.total() * 100.0 / grand, r.p50(), r.p90(), r.p99()))
                .filter(e -> ask.environment() == null || e.environment().equals(ask.environment()))
                .sorted(Comparator.comparingLong(EnvironmentBreakdown::totalCount).reversed()
                        .thenComparing(EnvironmentBreakdown::environment))
                .limit(ask.limit())
                .toList();
        return new EnvironmentsReport(snap.asOf(), ask.hours(), lo * HOUR_MS, grand, out);
    }

    ReleasesReport releases(String projectId, Ask ask) {
        Mirror.Snapshot snap = snapshot();
        return cached("releases", projectId, ask, snap, () -> computeReleases(projectId, ask, snap));
    }

    private ReleasesReport computeReleases(String projectId, Ask ask, Mirror.Snapshot snap) {
        Integer pid = snap.pid(projectId);
        Integer env = ask.environment() == null ? null : snap.envIds().get(ask.environment());
        List<AnalyticsQueries.ReleaseRow> rows = pid == null || (ask.environment() != null && env == null)
                ? List.of() : query(s -> AnalyticsQueries.releases(s, pid, env));
        List<ReleaseImpact> all = new ArrayList<>(rows.size());
        ReleaseImpact previous = null;
        for (AnalyticsQueries.ReleaseRow r : rows) {
            ReleaseImpact impact = impact(r, previous);
            all.add(impact);
            previous = impact;
        }
        List<ReleaseImpact> shown = ask.release() != null
                ? all.stream().filter(r -> r.release().equals(ask.release())).toList()
                : all.subList(Math.max(0, all.size() - ask.limit()), all.size());
        return new ReleasesReport(snap.asOf(), ask.environment(), List.copyOf(shown));
    }

    /**
     * Exposure is the time the release was seen sending events (first to last, at least an hour); the
     * event rate is events per hour of exposure, so a release that was live for a day is compared
     * fairly with one that was live for a week.
     */
    static ReleaseImpact impact(AnalyticsQueries.ReleaseRow r, ReleaseImpact previous) {
        double exposure = Math.max(1.0, (r.lastSeen() - r.firstSeen()) / (double) HOUR_MS);
        double rate = r.events() / exposure;
        Double change = previous == null || previous.eventsPerHour() == 0 ? null
                : (rate - previous.eventsPerHour()) * 100.0 / previous.eventsPerHour();
        // The first release has nothing to compare with, and every issue that existed when bloop was
        // installed counts as new in it: no score rather than a misleading top score.
        Double score = previous == null ? null
                : 10.0 * r.newIssues() + 5.0 * r.regressions() + Math.max(0, change == null ? 0 : change) / 10.0;
        return new ReleaseImpact(r.release(), r.firstSeen(), r.lastSeen(), r.events(), r.issues(), r.newIssues(),
                r.regressions(), exposure, rate, previous == null ? null : previous.release(), change, score);
    }

    // ----------------------------------------------------------------------------------------------

    /** What the answers show of an issue, read from SQLite in the caller's project only. */
    record IssueInfo(String fingerprint, String errorType, String message, String status, long firstSeen) {
        static IssueInfo missing(String fingerprint) {
            return new IssueInfo(fingerprint, "", "", "unresolved", 0);
        }
    }

    private Map<Long, IssueInfo> issues(String projectId, java.util.Collection<Long> gids) {
        if (gids.isEmpty()) {
            return Map.of();
        }
        Set<Long> ids = Set.copyOf(gids);
        return sqlite.withHandle(h -> h.createQuery("SELECT id, fingerprint, error_type, message, status, first_seen "
                        + "FROM error_groups WHERE project_id = :p AND id IN (<ids>)")
                .bind("p", projectId).bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> Map.entry(rs.getLong(1), new IssueInfo(rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getLong(6))))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, HashMap::new)));
    }

    private static List<Long> boxed(long[] series) {
        return series == null ? List.of() : Arrays.stream(series).boxed().toList();
    }
}
