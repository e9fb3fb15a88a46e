package dev.bloop.service.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Correlated pairs are multiplied out in Java rather than by a self-join in DuckDB: over random
 * series (bursts, steady issues, issues in alternate hours that correlate negatively, several
 * environments) the answer must be the pairs the join defined, in the same order, with the same r.
 */
class CorrelationPairsTest {
    /** The definition as a DuckDB self-join on the hour, as it was computed before. */
    private static final String BY_JOIN = """
            WITH per AS (
                SELECT gid, hr, CAST(sum(cnt) AS BIGINT) AS c FROM hourly WHERE pid = ? AND hr BETWEEN ? AND ?
                GROUP BY gid, hr
            ), q AS (
                SELECT gid, count(*) AS active, CAST(sum(c) AS BIGINT) AS s1, CAST(sum(c * c) AS BIGINT) AS s2
                FROM per GROUP BY gid HAVING count(*) >= ? ORDER BY s1 DESC, gid LIMIT ?
            ), st AS (
                SELECT gid, active, s1, sqrt(CAST(? * s2 - s1 * s1 AS DOUBLE)) AS d,
                       s1 / sqrt(CAST(? * s2 - s1 * s1 AS DOUBLE)) AS u
                FROM q WHERE ? * s2 - s1 * s1 > 0
            ), pq AS (
                SELECT per.gid, per.hr, per.c FROM per JOIN st ON st.gid = per.gid
            ), shared AS (
                SELECT a.gid AS ga, b.gid AS gb, CAST(sum(a.c * b.c) AS BIGINT) AS sxy, count(*) AS both_hours
                FROM pq a JOIN pq b ON a.hr = b.hr AND a.gid < b.gid GROUP BY a.gid, b.gid
            ), lone AS (
                SELECT a.gid AS ga, b.gid AS gb, CAST(0 AS BIGINT) AS sxy, CAST(0 AS BIGINT) AS both_hours
                FROM st a JOIN st b ON a.gid < b.gid AND a.u * b.u >= ?
                WHERE NOT EXISTS (SELECT 1 FROM shared x WHERE x.ga = a.gid AND x.gb = b.gid)
            ), cand AS (
                SELECT * FROM shared UNION ALL SELECT * FROM lone
            ), scored AS (
                SELECT c.ga, c.gb, c.both_hours, a.active AS active_a, b.active AS active_b,
                       CAST(? * c.sxy - a.s1 * b.s1 AS DOUBLE) / (a.d * b.d) AS r
                FROM cand c JOIN st a ON a.gid = c.ga JOIN st b ON b.gid = c.gb
            )
            SELECT x.ga, ga.fingerprint, x.gb, gb.fingerprint, x.r, x.both_hours, x.active_a, x.active_b
            FROM scored x JOIN groups ga ON ga.gid = x.ga AND ga.pid = ? JOIN groups gb ON gb.gid = x.gb AND gb.pid = ?
            WHERE abs(x.r) >= ?
            ORDER BY abs(x.r) DESC, least(ga.fingerprint, gb.fingerprint), greatest(ga.fingerprint, gb.fingerprint)
            LIMIT ?
            """;

    @TempDir
    Path dir;

    @Test
    void pairsMultipliedOutAreThePairsTheSelfJoinDefined() throws Exception {
        AnalyticsConfig config = new AnalyticsConfig();
        config.setMemoryLimit(DataSize.mebibytes(48));   // the shipped default
        config.setThreads(1);
        config.setQueryTimeout(Duration.seconds(60));
        try (DuckDb duck = new DuckDb(config, dir.resolve("copy.duckdb"), dir.resolve("spill"))) {
            try (Statement s = duck.writer().createStatement()) {
                s.execute(Mirror.SCHEMA);
            }
            Random random = new Random(42);
            int hours = 200;
            try (PreparedStatement groups = duck.writer().prepareStatement("INSERT INTO groups VALUES (?, 1, ?)");
                 DuckDBAppender hourly = duck.writer().createAppender(DuckDBConnection.DEFAULT_SCHEMA, "hourly")) {
                for (int gid = 1; gid <= 120; gid++) {
                    groups.setLong(1, gid);
                    groups.setString(2, String.format("fp%03d", (gid * 37) % 120));
                    groups.executeUpdate();
                    int kind = gid % 5;
                    for (int hr = 0; hr < hours; hr++) {
                        long count = switch (kind) {
                            case 0 -> random.nextInt(10) < 3 ? random.nextInt(50) + 1 : 0;      // bursts
                            case 1 -> 5 + random.nextInt(3);                                    // steady
                            case 2 -> hr % 2 == 0 ? 10 + random.nextInt(5) : 0;                // even hours
                            case 3 -> hr % 2 == 1 ? 10 + random.nextInt(5) : 0;                // odd hours
                            default -> hr % 2 == 0 || hr % 5 == 0 ? 10 + random.nextInt(5) : 0; // even, and some odd
                        };
                        for (int env = 0; env < 2 && count > 0; env++) {
                            long part = env == 0 ? (count + 1) / 2 : count / 2;
                            if (part > 0) {
                                hourly.beginRow().append(1).append((long) gid).append(hr).append(env).append(part).endRow();
                            }
                        }
                    }
                }
            }
            try (Statement s = duck.writer().createStatement()) {
                // As Mirror keeps it beside the per-environment rows.
                s.execute(Mirror.mergeEnvironments("hourly"));
            }
            for (int[] window : new int[][] {{0, hours - 1}, {150, hours - 1}, {0, 23}}) {
                int lo = window[0];
                int hi = window[1];
                long n = hi - lo + 1;
                for (double minR : new double[] {0.7, 0.3}) {
                    List<String> expected = duck.query(s -> {
                        PreparedStatement ps = s.prepare(BY_JOIN);
                        int i = 1;
                        ps.setInt(i++, 1);
                        ps.setInt(i++, lo);
                        ps.setInt(i++, hi);
                        ps.setInt(i++, 6);
                        ps.setInt(i++, 80);
                        ps.setLong(i++, n);
                        ps.setLong(i++, n);
                        ps.setLong(i++, n);
                        ps.setDouble(i++, minR);
                        ps.setLong(i++, n);
                        ps.setInt(i++, 1);
                        ps.setInt(i++, 1);
                        ps.setDouble(i++, minR - 1e-12);
                        ps.setInt(i, 500);
                        List<String> rows = new ArrayList<>();
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getLong(3) + " " + rs.getString(4)
                                        + " " + rs.getDouble(5) + " " + rs.getInt(6) + " " + rs.getInt(7) + " " + rs.getInt(8));
                            }
                        }
                        return rows;
                    });
                    List<String> actual = duck.query(s -> AnalyticsQueries.correlations(s, 1, null, lo, hi, 6, 80, minR, 500))
                            .stream().map(p -> p.gidA() + " " + p.fingerprintA() + " " + p.gidB() + " " + p.fingerprintB()
                                    + " " + p.r() + " " + p.shared() + " " + p.activeA() + " " + p.activeB())
                            .toList();
                    assertThat(expected).as("window %d..%d, r >= %s", lo, hi, minR).isNotEmpty();
                    assertThat(actual).as("window %d..%d, r >= %s", lo, hi, minR).containsExactlyElementsOf(expected);
                }
            }
        }
    }
}
