package dev.bloop.service.analytics;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics, in DuckDB SQL over the copy kept by {@link Mirror} (SQL only; the service turns the
 * rows into answers). Hours are whole hours since the epoch; a window is {@code [lo, hi]} inclusive.
 *
 * <p>Every series is zero-filled: an hour without events counts as 0. The hourly table holds only
 * hours with events, so sums over it are exact and the zero hours enter through the number of hours
 * ({@code n}): mean = Σc / n, sample variance = (Σc² − (Σc)² / n) / (n − 1). No statistic joins the
 * per-release table to the hourly one (that join would repeat each hour once per release).
 */
final class AnalyticsQueries {
    private AnalyticsQueries() {
    }

    /** The filter on the environment, when one is asked for (its id; the SQL text is fixed). */
    private static String env(Integer envId, String alias) {
        return envId == null ? "" : " AND " + alias + "env = ?";
    }

    /**
     * Where an issue's hourly series comes from, one row per issue and hour: the copy with the
     * environments merged, or, when one environment is asked for, the per-environment rows (unique per
     * issue, hour and environment), filtered by {@link #env}. Neither needs grouping by issue and hour.
     */
    private static String seriesTable(Integer envId) {
        return envId == null ? "hourly_all" : "hourly";
    }

    private static int bindEnv(PreparedStatement ps, int i, Integer envId) throws SQLException {
        if (envId != null) {
            ps.setInt(i++, envId);
        }
        return i;
    }

    // ----------------------------------------------------------------------------------------------
    // Spikes

    /** A scored issue: its most surprising recent hour. */
    record SpikeRow(long gid, String fingerprint, int hour, long count, int baselineHours, double mean, double sd,
                    double z) {
    }

    /** An issue with events in the recent hours and too short a baseline. */
    record NewRow(long gid, String fingerprint, long recentCount, long firstSeen) {
    }

    /** Both lists of the spikes answer, from one pass over the window. */
    record SpikeRows(List<SpikeRow> spikes, List<NewRow> fresh) {
    }

    /**
     * Per issue with events in the recent hours {@code [recentLo, hi]}: the baseline runs from the
     * issue's first event (in the filtered environment), or the window's start {@code lo} when that
     * is earlier, to {@code recentLo − 1}, zero hours included. Issues with at least
     * {@code minBaseline} baseline hours get, for each recent hour, z = (count − mean) / max(sd, 1),
     * and their best hour is kept when z reaches the threshold; the others are new.
     *
     * <p>The sums Σc and Σc² are taken over the window's hours before {@code recentLo}: the baseline
     * starts at or before the issue's first hour with events in the window, so the hours it leaves
     * out hold no events. One aggregate per issue then gives its baseline, with nothing materialized:
     * grouping the window by issue and hour first and joining back to it took more than 40 MiB of
     * DuckDB's memory over 720 hours; this takes less than 32 MiB and a quarter of the time.
     */
    static SpikeRows spikes(DuckDb.Session s, int pid, Integer envId, int lo, int hi, int recentLo,
                            int minBaseline, double threshold, int limit) throws SQLException {
        String window = " FROM " + seriesTable(envId) + " WHERE pid = ? AND hr BETWEEN ? AND ?" + env(envId, "") + " ";
        String sql = "WITH recent AS (SELECT gid, hr, cnt AS c" + window + "AND cnt > 0), "
                + "agg AS (SELECT gid, min(hr) AS first_hr, sum(cnt) FILTER (WHERE hr >= ?) AS recent, "
                + "CAST(coalesce(sum(cnt) FILTER (WHERE hr < ?), 0) AS DOUBLE) AS s1, "
                + "CAST(coalesce(sum(cnt * cnt) FILTER (WHERE hr < ?), 0) AS DOUBLE) AS s2"
                + window + "AND gid IN (SELECT gid FROM recent) GROUP BY gid" + """
                ), starts AS (
                    SELECT gid, min(first_seen) AS fs FROM rc WHERE pid = ?""" + env(envId, "") + """
                 AND gid IN (SELECT gid FROM recent)
                    GROUP BY gid
                ), base AS (
                    SELECT a.gid, a.recent, a.s1, a.s2, coalesce(st.fs, a.first_hr * 3600000) AS fs,
                           ? - greatest(?, least(coalesce(CAST(floor(st.fs / 3600000) AS INTEGER), a.first_hr),
                                                 a.first_hr)) AS n
                    FROM agg a LEFT JOIN starts st ON st.gid = a.gid
                ), scored AS (
                    SELECT b.gid, p.hr, p.c, b.n, b.s1 / b.n AS mean,
                           sqrt(greatest(0, (b.s2 - b.s1 * b.s1 / b.n) / (b.n - 1))) AS sd
                    FROM base b JOIN recent p ON p.gid = b.gid
                    WHERE b.n >= ?
                ), ranked AS (
                    SELECT *, (c - mean) / greatest(sd, 1.0) AS z,
                           row_number() OVER (PARTITION BY gid ORDER BY (c - mean) / greatest(sd, 1.0) DESC, hr DESC) AS rk
                    FROM scored
                ), spikes AS (
                    SELECT 'spike' AS kind, r.gid, g.fingerprint, r.hr, r.c, r.n, r.mean, r.sd, r.z, 0 AS fs
                    FROM ranked r JOIN groups g ON g.gid = r.gid AND g.pid = ?
                    WHERE r.rk = 1 AND r.z >= ?
                    ORDER BY r.z DESC, g.fingerprint
                    LIMIT ?
                ), fresh AS (
                    SELECT 'new' AS kind, b.gid, g.fingerprint, 0 AS hr, b.recent AS c, b.n, 0.0 AS mean, 0.0 AS sd,
                           0.0 AS z, b.fs
                    FROM base b JOIN groups g ON g.gid = b.gid AND g.pid = ?
                    WHERE b.n < ?
                    ORDER BY b.recent DESC, g.fingerprint
                    LIMIT ?
                )
                SELECT * FROM spikes UNION ALL SELECT * FROM fresh
                """;
        PreparedStatement ps = s.prepare(sql);
        int i = 1;
        ps.setInt(i++, pid);
        ps.setInt(i++, Math.max(lo, recentLo));
        ps.setInt(i++, hi);
        i = bindEnv(ps, i, envId);
        ps.setInt(i++, recentLo);
        ps.setInt(i++, recentLo);
        ps.setInt(i++, recentLo);
        ps.setInt(i++, pid);
        ps.setInt(i++, lo);
        ps.setInt(i++, hi);
        i = bindEnv(ps, i, envId);
        ps.setInt(i++, pid);
        i = bindEnv(ps, i, envId);
        ps.setInt(i++, recentLo);
        ps.setInt(i++, lo);
        ps.setInt(i++, minBaseline);
        ps.setInt(i++, pid);
        ps.setDouble(i++, threshold);
        ps.setInt(i++, limit);
        ps.setInt(i++, pid);
        ps.setInt(i++, minBaseline);
        ps.setInt(i, limit);
        List<SpikeRow> spikes = new ArrayList<>();
        List<NewRow> fresh = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (rs.getString(1).equals("spike")) {
                    spikes.add(new SpikeRow(rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getLong(5), rs.getInt(6),
                            rs.getDouble(7), rs.getDouble(8), rs.getDouble(9)));
                } else {
                    fresh.add(new NewRow(rs.getLong(2), rs.getString(3), rs.getLong(5), rs.getLong(10)));
                }
            }
        }
        // UNION ALL keeps no order: each list is put back in its own.
        spikes.sort(java.util.Comparator.comparingDouble(SpikeRow::z).reversed().thenComparing(SpikeRow::fingerprint));
        fresh.sort(java.util.Comparator.comparingLong(NewRow::recentCount).reversed().thenComparing(NewRow::fingerprint));
        return new SpikeRows(spikes, fresh);
    }

    /** Zero-filled hourly series of the given issues over {@code [lo, hi]}, oldest first. */
    static Map<Long, long[]> series(DuckDb.Session s, int pid, Integer envId, int lo, int hi, List<Long> gids)
            throws SQLException {
        Map<Long, long[]> out = new HashMap<>();
        if (gids.isEmpty()) {
            return out;
        }
        for (Long gid : gids) {
            out.put(gid, new long[hi - lo + 1]);
        }
        String in = String.join(", ", java.util.Collections.nCopies(gids.size(), "?"));
        PreparedStatement ps = s.prepare("SELECT gid, hr, cnt FROM " + seriesTable(envId)
                + " WHERE pid = ? AND hr BETWEEN ? AND ?" + env(envId, "") + " AND gid IN (" + in + ")");
        int i = 1;
        ps.setInt(i++, pid);
        ps.setInt(i++, lo);
        ps.setInt(i++, hi);
        i = bindEnv(ps, i, envId);
        for (Long gid : gids) {
            ps.setLong(i++, gid);
        }
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.get(rs.getLong(1))[rs.getInt(2) - lo] = rs.getLong(3);
            }
        }
        return out;
    }

    // ----------------------------------------------------------------------------------------------
    // Movers

    record MoverRow(long gid, String fingerprint, long current, long previous) {
    }

    /**
     * Events per issue in {@code [curLo, hi]} and in the window before it, {@code [prevLo, curLo − 1]};
     * issues whose two counts differ, largest absolute change first.
     */
    static List<MoverRow> movers(DuckDb.Session s, int pid, Integer envId, int prevLo, int curLo, int hi, int limit)
            throws SQLException {
        PreparedStatement ps = s.prepare("""
                WITH w AS (
                    SELECT gid, coalesce(sum(cnt) FILTER (WHERE hr >= ?), 0) AS cur,
                           coalesce(sum(cnt) FILTER (WHERE hr < ?), 0) AS prev
                    FROM hourly WHERE pid = ? AND hr BETWEEN ? AND ?""" + env(envId, "") + """

                    GROUP BY gid
                )
                SELECT w.gid, g.fingerprint, w.cur, w.prev
                FROM w JOIN groups g ON g.gid = w.gid AND g.pid = ?
                WHERE w.cur <> w.prev
                ORDER BY abs(w.cur - w.prev) DESC, g.fingerprint
                LIMIT ?
                """);
        int i = 1;
        ps.setInt(i++, curLo);
        ps.setInt(i++, curLo);
        ps.setInt(i++, pid);
        ps.setInt(i++, prevLo);
        ps.setInt(i++, hi);
        i = bindEnv(ps, i, envId);
        ps.setInt(i++, pid);
        ps.setInt(i, limit);
        List<MoverRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new MoverRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return rows;
    }

    // ----------------------------------------------------------------------------------------------
    // Correlations

    record PairRow(long gidA, String fingerprintA, long gidB, String fingerprintB, double r, int shared,
                   int activeA, int activeB) {
    }

    /**
     * Pearson's r of the zero-filled series (n = the window's hours) of every two issues with at least
     * {@code minActive} hours with events, from sums: r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)).
     * Issues whose series is constant are left out (r is undefined). Sums are 64-bit integers until
     * the final division, so r is exact to a double. Only the {@code maxIssues} issues with the most
     * events in the window take part, which bounds the pairs (and the memory) of a window with
     * thousands of active issues.
     *
     * <p>DuckDB picks those issues and reads their series; the pairs are multiplied out here. As a
     * self-join on the hour, grouped by pair, DuckDB took 390 ms for 200 issues over 720 hours (14 M
     * joined rows) under its 64 MiB memory_limit; 19,900 dot products of 720 longs take a few
     * milliseconds. A pair that shares no hour has r = −u_a·u_b with u = Σx / √(nΣx² − (Σx)²) and is
     * reported when u_a·u_b ≥ min_correlation, exactly as a pair that does.
     */
    static List<PairRow> correlations(DuckDb.Session s, int pid, Integer envId, int lo, int hi, int minActive,
                                      int maxIssues, double minR, int limit) throws SQLException {
        long n = hi - lo + 1;
        PreparedStatement ps = s.prepare("""
                WITH top AS (
                    SELECT gid, count(*) AS active, CAST(sum(cnt) AS BIGINT) AS s1, CAST(sum(cnt * cnt) AS BIGINT) AS s2
                    FROM""" + " " + seriesTable(envId) + " WHERE pid = ? AND hr BETWEEN ? AND ?" + env(envId, "") + """

                    GROUP BY gid HAVING count(*) >= ?
                    ORDER BY s1 DESC, gid LIMIT ?
                )
                SELECT t.gid, t.active, t.s1, t.s2, g.fingerprint FROM top t JOIN groups g ON g.gid = t.gid AND g.pid = ?
                """);
        int i = 1;
        ps.setInt(i++, pid);
        ps.setInt(i++, lo);
        ps.setInt(i++, hi);
        i = bindEnv(ps, i, envId);
        ps.setInt(i++, minActive);
        ps.setInt(i++, maxIssues);
        ps.setInt(i, pid);
        record Issue(long gid, int active, long s1, double d, String fingerprint) {
        }
        List<Issue> issues = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long s1 = rs.getLong(3);
                long spread = n * rs.getLong(4) - s1 * s1;
                if (spread > 0) {
                    issues.add(new Issue(rs.getLong(1), rs.getInt(2), s1, Math.sqrt((double) spread), rs.getString(5)));
                }
            }
        }
        // Ascending ids: each pair is (smaller id, larger id), as before.
        issues.sort(java.util.Comparator.comparingLong(Issue::gid));
        Map<Long, long[]> byGid = series(s, pid, envId, lo, hi, issues.stream().map(Issue::gid).toList());
        long[][] x = new long[issues.size()][];
        for (int a = 0; a < x.length; a++) {
            x[a] = byGid.get(issues.get(a).gid());
        }
        List<PairRow> rows = new ArrayList<>();
        // A tiny tolerance so that a pair at exactly the threshold is not lost to rounding.
        double floor = minR - 1e-12;
        for (int a = 0; a < x.length; a++) {
            Issue ia = issues.get(a);
            for (int b = a + 1; b < x.length; b++) {
                Issue ib = issues.get(b);
                long sxy = dot(x[a], x[b]);
                int shared = sxy == 0 ? 0 : bothActive(x[a], x[b]);
                if (shared == 0 && (ia.s1() / ia.d()) * (ib.s1() / ib.d()) < minR) {
                    continue;
                }
                double r = (double) (n * sxy - ia.s1() * ib.s1()) / (ia.d() * ib.d());
                if (Math.abs(r) >= floor) {
                    rows.add(new PairRow(ia.gid(), ia.fingerprint(), ib.gid(), ib.fingerprint(), r, shared, ia.active(),
                            ib.active()));
                }
            }
        }
        rows.sort(java.util.Comparator.comparingDouble((PairRow p) -> -Math.abs(p.r()))
                .thenComparing(p -> least(p.fingerprintA(), p.fingerprintB()))
                .thenComparing(p -> greatest(p.fingerprintA(), p.fingerprintB())));
        return rows.size() > limit ? new ArrayList<>(rows.subList(0, limit)) : rows;
    }

    private static long dot(long[] a, long[] b) {
        long sum = 0;
        for (int h = 0; h < a.length; h++) {
            sum += a[h] * b[h];
        }
        return sum;
    }

    /** Hours in which both issues had events (counts are positive). */
    private static int bothActive(long[] a, long[] b) {
        int n = 0;
        for (int h = 0; h < a.length; h++) {
            if (a[h] != 0 && b[h] != 0) {
                n++;
            }
        }
        return n;
    }

    private static String least(String a, String b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String greatest(String a, String b) {
        return a.compareTo(b) <= 0 ? b : a;
    }

    // ----------------------------------------------------------------------------------------------
    // Environments

    record EnvRow(int env, long total, long uniqueIssues, double p50, double p90, double p99) {
    }

    /**
     * Per environment over {@code [lo, hi]}: its events, the issues with events, and percentiles of
     * its hourly totals over every hour of the window (a grid of all hours, zero where none),
     * interpolated linearly between ranks (position p·(n−1)).
     */
    static List<EnvRow> environments(DuckDb.Session s, int pid, int lo, int hi) throws SQLException {
        PreparedStatement ps = s.prepare("""
                WITH w AS (
                    SELECT env, gid, hr, cnt FROM hourly WHERE pid = ? AND hr BETWEEN ? AND ?
                ), per AS (
                    SELECT env, hr, sum(cnt) AS c FROM w GROUP BY env, hr
                ), tot AS (
                    SELECT env, sum(cnt) AS total, count(DISTINCT gid) AS issues FROM w GROUP BY env
                ), grid AS (
                    SELECT tot.env, CAST(g.hr AS INTEGER) AS hr FROM tot, range(?, ?) AS g(hr)
                ), filled AS (
                    SELECT grid.env, CAST(coalesce(per.c, 0) AS DOUBLE) AS c
                    FROM grid LEFT JOIN per ON per.env = grid.env AND per.hr = grid.hr
                )
                SELECT tot.env, tot.total, tot.issues,
                       quantile_cont(f.c, 0.5), quantile_cont(f.c, 0.9), quantile_cont(f.c, 0.99)
                FROM tot JOIN filled f ON f.env = tot.env
                GROUP BY tot.env, tot.total, tot.issues
                """);
        ps.setInt(1, pid);
        ps.setInt(2, lo);
        ps.setInt(3, hi);
        ps.setLong(4, lo);
        ps.setLong(5, (long) hi + 1);
        List<EnvRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new EnvRow(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5),
                        rs.getDouble(6)));
            }
        }
        return rows;
    }

    // ----------------------------------------------------------------------------------------------
    // Releases

    record ReleaseRow(String release, long firstSeen, long lastSeen, long events, long issues, long newIssues,
                      long regressions) {
    }

    /**
     * Per release (in the environment, when asked): first and last event, events, issues, the issues
     * whose first event came with it (each issue's earliest per-release row; ties go to the release
     * that appeared first), and the regressed issues whose returning event was of that release (and
     * that have events of it in the environment). In order of first appearance.
     *
     * <p>{@code f} is read again by each part that uses it instead of being materialized once (what
     * DuckDB does by default with a CTE used more than once): the materialized copy of every
     * per-release row took most of the memory_limit, and at 32 MiB the query took 160 ms instead of 63.
     */
    static List<ReleaseRow> releases(DuckDb.Session s, int pid, Integer envId) throws SQLException {
        PreparedStatement ps = s.prepare("""
                WITH f AS NOT MATERIALIZED (
                    SELECT release, gid, cnt, first_seen, last_seen FROM rc WHERE pid = ?""" + env(envId, "") + """

                ), rel AS (
                    SELECT release, min(first_seen) AS fs, max(last_seen) AS ls, sum(cnt) AS events,
                           count(DISTINCT gid) AS issues
                    FROM f GROUP BY release
                ), mins AS (
                    SELECT gid, min(first_seen) AS m FROM f GROUP BY gid
                ), firsts AS (
                    -- Each issue's earliest rows only (almost always one) are ranked by a struct: ranking every
                    -- row that way took the query from 80 to 180 ms under the 64 MiB memory_limit.
                    SELECT arg_min(f.release, row(rel.fs, f.release)) AS release
                    FROM f JOIN mins ON mins.gid = f.gid AND mins.m = f.first_seen
                    JOIN rel ON rel.release = f.release GROUP BY f.gid
                ), fresh AS (
                    SELECT release, count(*) AS n FROM firsts GROUP BY release
                ), regs AS (
                    SELECT r.release, count(DISTINCT r.gid) AS n FROM regressions r
                    WHERE r.pid = ? AND EXISTS (SELECT 1 FROM f WHERE f.gid = r.gid AND f.release = r.release)
                    GROUP BY r.release
                )
                SELECT rel.release, rel.fs, rel.ls, rel.events, rel.issues, coalesce(fresh.n, 0), coalesce(regs.n, 0)
                FROM rel LEFT JOIN fresh ON fresh.release = rel.release LEFT JOIN regs ON regs.release = rel.release
                ORDER BY rel.fs, rel.release
                """);
        int i = 1;
        ps.setInt(i++, pid);
        i = bindEnv(ps, i, envId);
        ps.setInt(i, pid);
        List<ReleaseRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new ReleaseRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7)));
            }
        }
        return rows;
    }
}
