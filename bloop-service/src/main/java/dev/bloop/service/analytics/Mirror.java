package dev.bloop.service.analytics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.jdbi.v3.core.Handle;
import dev.bloop.service.store.Dialect;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps DuckDB's copy of bloop's aggregates in step with SQLite, one refresh at a time (one thread).
 *
 * <p>DuckDB cannot read the SQLite file here (its SQLite extension would have to be downloaded), so
 * each refresh reads what changed through the read pool, in one SQLite read transaction (one
 * consistent snapshot), appends it to staging tables with DuckDB's Appender, and swaps it in with one
 * DuckDB transaction, so a query sees either the old or the new state, never half of it.
 *
 * <p>What changed is found without a change log:
 * <ul>
 *   <li>hours: the writer keeps a per-project total per hour ({@code project_hourly_counts}) in the
 *       same transaction as the per-issue hours. Every hour whose total differs from the total that
 *       was copied (the current hour while events arrive, an hour a late flush touched, an hour the
 *       purge removed) has all its rows replaced, so nothing is counted twice and nothing purged stays;</li>
 *   <li>issues: new {@code error_groups} rows by id, with a count check that falls back to a full copy
 *       (ids can be reused after a project is deleted);</li>
 *   <li>per-release counts: rows whose last event is recent, checked against each project's total
 *       events ({@code error_groups.total_count}); a project whose totals disagree is copied whole;</li>
 *   <li>regressions: all of them again when their count or last id moved (they are few).</li>
 * </ul>
 * A restart starts from nothing and copies everything once (a few seconds for a million hourly rows).
 * Hours older than two of the longest windows (1,441 hours) are not kept.
 */
final class Mirror {
    private static final Logger LOG = LoggerFactory.getLogger(Mirror.class);
    static final long HOUR_MS = 3_600_000L;
    /** Movers compare two windows of up to 720 hours; one more for the hour in progress. */
    static final int HORIZON_HOURS = 2 * 720 + 1;
    /** Per-release rows whose last event is this much older than the previous refresh are re-read too:
     *  an event received before that refresh may have been committed after it. */
    private static final long LATE_COMMIT_SLACK_MS = 120_000L;
    /** DuckDB compresses its in-memory tables and drops deleted rows when it checkpoints. */
    private static final int CHECKPOINT_EVERY = 20;

    static final String SCHEMA = """
            CREATE TABLE groups (gid BIGINT, pid INTEGER, fingerprint VARCHAR);
            CREATE TABLE hourly (pid INTEGER, gid BIGINT, hr INTEGER, env INTEGER, cnt BIGINT);
            CREATE TABLE hourly_all (pid INTEGER, gid BIGINT, hr INTEGER, cnt BIGINT);
            CREATE TABLE rc (pid INTEGER, release VARCHAR, env INTEGER, gid BIGINT, cnt BIGINT,
                             first_seen BIGINT, last_seen BIGINT);
            CREATE TABLE regressions (pid INTEGER, gid BIGINT, release VARCHAR, changed_at BIGINT);
            CREATE TABLE stage_groups AS SELECT * FROM groups LIMIT 0;
            CREATE TABLE stage_hourly AS SELECT * FROM hourly LIMIT 0;
            CREATE TABLE stage_hours (pid INTEGER, hr INTEGER);
            CREATE TABLE stage_rc AS SELECT * FROM rc LIMIT 0;
            CREATE TABLE stage_regressions AS SELECT * FROM regressions LIMIT 0;
            """;

    private final Jdbi sqlite;
    private final Dialect dialect;
    private final DuckDBConnection duck;
    private final LongSupplier clock;

    // Owned by the refresh thread.
    private final Map<String, Integer> pids = new HashMap<>();
    private final Map<String, Integer> envs = new HashMap<>();
    /** Per project, fingerprint → error_groups.id: rows are read without joining in SQLite (much faster). */
    private final Map<Integer, Map<String, Long>> gids = new HashMap<>();
    private final Map<Long, Long> copiedHours = new HashMap<>();
    private long maxGid;
    private long groupCount;
    private long lastRefreshAt;
    private boolean copiedOnce;
    private final Set<Integer> rcStale = new HashSet<>();
    private String regressionMark = "";
    private int refreshes;
    /** After a failed refresh the Java-side bookkeeping may be ahead of DuckDB: copy everything again. */
    private boolean rebuild = true;

    private volatile Snapshot snapshot;

    /** What queries need to know about the copy: how fresh it is, and the names behind its ids. */
    record Snapshot(long asOf, long generation, Map<String, Integer> projects, Map<String, Integer> envIds,
                    List<String> envNames) {
        Integer pid(String projectId) {
            return projects.get(projectId);
        }

        String envName(int id) {
            return envNames.get(id);
        }
    }

    /** What one refresh did, for logs and metrics. */
    record Outcome(boolean changed, int hoursReplaced, int hourlyRows, int releaseRows, long millis) {
    }

    Mirror(Jdbi sqlite, Dialect dialect, DuckDBConnection duck, LongSupplier clock) throws SQLException {
        this.sqlite = sqlite;
        this.dialect = dialect;
        this.duck = duck;
        this.clock = clock;
        try (Statement s = duck.createStatement()) {
            for (String ddl : SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    s.execute(ddl);
                }
            }
        }
    }

    /** The copy as of the last successful refresh; null before the first. */
    Snapshot snapshot() {
        return snapshot;
    }

    static int hourOf(long epochMs) {
        return (int) Math.floorDiv(epochMs, HOUR_MS);
    }

    /** Brings DuckDB up to date with SQLite as of now. */
    synchronized Outcome refresh() throws SQLException {
        try {
            return refreshOnce();
        } catch (SQLException | RuntimeException e) {
            rebuild = true;
            throw e;
        }
    }

    private Outcome refreshOnce() throws SQLException {
        long started = clock.getAsLong();
        long t0 = System.nanoTime();
        int horizon = hourOf(started) - HORIZON_HOURS;
        if (rebuild) {
            gids.clear();
            copiedHours.clear();
            maxGid = 0;
            groupCount = 0;
            copiedOnce = false;
            regressionMark = "";
            rcStale.clear();
        }
        clearStages();
        Reads reads;
        // The big parts (hourly and per-release rows) stream from SQLite into DuckDB's staging tables
        // without being held in the Java heap.
        try (Handle h = sqlite.open();
             DuckDBAppender hourly = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "stage_hourly");
             DuckDBAppender rc = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "stage_rc")) {
            h.begin();
            try {
                reads = read(h.getConnection(), horizon, hourly, rc);
            } finally {
                h.rollback();
            }
        }
        boolean changed = apply(reads, horizon, rebuild);
        rebuild = false;
        checkReleaseTotals(reads.expectedTotals);
        copiedOnce = true;
        lastRefreshAt = started;
        if (++refreshes % CHECKPOINT_EVERY == 1 && changed) {
            checkpoint();
        }
        Snapshot before = snapshot;
        long generation = before == null ? 1 : before.generation() + (changed ? 1 : 0);
        List<String> names = new ArrayList<>(envs.size());
        for (int i = 0; i < envs.size(); i++) {
            names.add(null);
        }
        envs.forEach((name, id) -> names.set(id, name));
        snapshot = new Snapshot(started, generation, Map.copyOf(pids), Map.copyOf(envs), List.copyOf(names));
        return new Outcome(changed, reads.hoursToReplace.size(), reads.hourlyRows, reads.rcRows,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Everything one refresh takes from SQLite, read in one transaction. */
    private static final class Reads {
        final Set<Integer> goneProjects = new HashSet<>();
        boolean fullGroups;
        final List<Object[]> groups = new ArrayList<>();
        long groupCount;
        long maxGid;
        final Map<Long, Long> hourTotals = new HashMap<>();
        final Set<Long> hoursToReplace = new HashSet<>();
        int hourlyRows;
        final Set<Integer> rcFullProjects = new HashSet<>();
        int rcRows;
        final Map<Integer, Long> expectedTotals = new HashMap<>();
        boolean regressionsChanged;
        String regressionMark;
        final List<Object[]> regressions = new ArrayList<>();
    }

    private static long hourKey(int pid, int hr) {
        return ((long) pid << 32) | (hr & 0xffffffffL);
    }

    private static int keyPid(long key) {
        return (int) (key >>> 32);
    }

    private static int keyHour(long key) {
        return (int) key;
    }

    private int env(String name) {
        return envs.computeIfAbsent(name, n -> envs.size());
    }

    private Reads read(Connection c, int horizon, DuckDBAppender hourly, DuckDBAppender rc) throws SQLException {
        Reads r = new Reads();
        // Projects: a deleted project's copy goes; a new one gets a small id.
        Set<String> present = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM projects")) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        for (Map.Entry<String, Integer> e : pids.entrySet()) {
            if (!present.contains(e.getKey())) {
                r.goneProjects.add(e.getValue());
            }
        }
        pids.keySet().retainAll(present);
        int next = pids.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        for (String p : present) {
            if (!pids.containsKey(p)) {
                pids.put(p, next++);
            }
        }

        readGroups(c, r);
        readHours(c, r, horizon, hourly);
        readReleaseCounts(c, r, rc);
        readRegressions(c, r);
        return r;
    }

    private void readGroups(Connection c, Reads r) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), coalesce(max(id), 0) FROM error_groups")) {
            rs.next();
            r.groupCount = rs.getLong(1);
            r.maxGid = rs.getLong(2);
        }
        long from = maxGid;
        if (groupCount + countAbove(c, from) != r.groupCount) {
            r.fullGroups = true;
            from = 0;
        }
        if (r.fullGroups) {
            gids.clear();
        }
        for (Integer gone : r.goneProjects) {
            gids.remove(gone);
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, project_id, fingerprint FROM error_groups WHERE id > ? ORDER BY id")) {
            ps.setLong(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer pid = pids.get(rs.getString(2));
                    if (pid != null) {
                        r.groups.add(new Object[] {rs.getLong(1), pid, rs.getString(3)});
                        gids.computeIfAbsent(pid, k -> new HashMap<>()).put(rs.getString(3), rs.getLong(1));
                    }
                }
            }
        }
    }

    private static long countAbove(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM error_groups WHERE id > ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void readHours(Connection c, Reads r, int horizon, DuckDBAppender out) throws SQLException {
        Map<String, Integer> pidOf = pids;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT project_id, hour_bucket, count FROM project_hourly_counts WHERE hour_bucket >= ?")) {
            ps.setLong(1, horizon * HOUR_MS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer pid = pidOf.get(rs.getString(1));
                    if (pid != null) {
                        r.hourTotals.put(hourKey(pid, hourOf(rs.getLong(2))), rs.getLong(3));
                    }
                }
            }
        }
        r.hourTotals.forEach((key, total) -> {
            if (!total.equals(copiedHours.get(key))) {
                r.hoursToReplace.add(key);
            }
        });
        for (Long key : copiedHours.keySet()) {
            if (!r.hourTotals.containsKey(key)) {
                r.hoursToReplace.add(key);   // purged, or its project deleted: its rows go
            }
        }
        // Read the replaced hours' rows, one range per project (one or two hours in the steady state).
        Map<Integer, int[]> ranges = new TreeMap<>();
        for (Long key : r.hoursToReplace) {
            if (!r.hourTotals.containsKey(key)) {
                continue;
            }
            ranges.merge(keyPid(key), new int[] {keyHour(key), keyHour(key)},
                    (a, b) -> new int[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        Map<Integer, String> projectOf = new HashMap<>();
        pids.forEach((id, pid) -> projectOf.put(pid, id));
        for (Map.Entry<Integer, int[]> e : ranges.entrySet()) {
            int pid = e.getKey();
            int[] range = e.getValue();
            Map<String, Long> gidOf = gids.getOrDefault(pid, Map.of());
            // A long range (the first copy) reads the table in key order; a short one uses the hour index.
            String table = range[1] - range[0] > 48 ? dialect.notIndexedTable("hourly_counts") : "hourly_counts";
            try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint, hour_bucket, environment, count FROM "
                    + table + " WHERE project_id = ? AND hour_bucket BETWEEN ? AND ?")) {
                ps.setString(1, projectOf.get(pid));
                ps.setLong(2, range[0] * HOUR_MS);
                ps.setLong(3, range[1] * HOUR_MS);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int hr = hourOf(rs.getLong(2));
                        Long gid = gidOf.get(rs.getString(1));
                        if (gid != null && r.hoursToReplace.contains(hourKey(pid, hr))) {
                            out.beginRow().append(pid).append(gid.longValue()).append(hr)
                                    .append(env(rs.getString(3))).append(rs.getLong(4)).endRow();
                            r.hourlyRows++;
                        }
                    }
                }
            }
        }
    }

    private void readReleaseCounts(Connection c, Reads r, DuckDBAppender out) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT project_id, sum(total_count) FROM error_groups GROUP BY project_id")) {
            while (rs.next()) {
                Integer pid = pids.get(rs.getString(1));
                if (pid != null) {
                    r.expectedTotals.put(pid, rs.getLong(2));
                }
            }
        }
        String select = "SELECT c.fingerprint, c.project_id, c.release, c.environment, c.count, c.first_seen, "
                + "c.last_seen FROM group_counts c ";
        if (!copiedOnce || r.fullGroups) {
            r.rcFullProjects.addAll(pids.values());
            readRc(c, select, r, out, null, null);
            return;
        }
        r.rcFullProjects.addAll(rcStale);
        r.rcFullProjects.retainAll(pids.values());
        Map<Integer, String> projectOf = new HashMap<>();
        pids.forEach((id, pid) -> projectOf.put(pid, id));
        for (int pid : r.rcFullProjects) {
            readRc(c, select + "WHERE c.project_id = ?", r, out, ps -> ps.setString(1, projectOf.get(pid)), null);
        }
        long since = lastRefreshAt - LATE_COMMIT_SLACK_MS;
        readRc(c, select + "WHERE c.last_seen >= ?", r, out, ps -> ps.setLong(1, since), r.rcFullProjects);
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Streams per-release rows into the staging table, skipping the projects in {@code skip}. */
    private void readRc(Connection c, String sql, Reads r, DuckDBAppender out, Binder binder, Set<Integer> skip)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (binder != null) {
                binder.bind(ps);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer pid = pids.get(rs.getString(2));
                    Long gid = pid == null ? null : gids.getOrDefault(pid, Map.of()).get(rs.getString(1));
                    if (gid != null && (skip == null || !skip.contains(pid))) {
                        out.beginRow().append(pid.intValue()).append(rs.getString(3)).append(env(rs.getString(4)))
                                .append(gid.longValue()).append(rs.getLong(5)).append(rs.getLong(6))
                                .append(rs.getLong(7)).endRow();
                        r.rcRows++;
                    }
                }
            }
        }
    }

    private void readRegressions(Connection c, Reads r) throws SQLException {
        String where = "WHERE h.actor = 'system' AND h.old_status = 'resolved' AND h.new_status = 'unresolved'";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*), coalesce(max(id), 0) FROM status_history h " + where)) {
            rs.next();
            r.regressionMark = rs.getLong(1) + ":" + rs.getLong(2) + ":" + pids.keySet().hashCode();
        }
        if (r.regressionMark.equals(regressionMark)) {
            return;
        }
        r.regressionsChanged = true;
        // Regressions recorded before the writer kept their release: the release of the group's last
        // event before the regression, while raw events still hold it.
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT h.project_id, g.id, "
                + "coalesce(h.release, (SELECT e.release FROM raw_events e WHERE e.project_id = h.project_id "
                + "AND e.fingerprint = h.fingerprint AND e.received_at <= h.changed_at "
                + "ORDER BY e.received_at DESC LIMIT 1)), h.changed_at FROM status_history h "
                + "JOIN error_groups g ON g.project_id = h.project_id AND g.fingerprint = h.fingerprint " + where)) {
            while (rs.next()) {
                Integer pid = pids.get(rs.getString(1));
                if (pid != null && rs.getString(3) != null) {
                    r.regressions.add(new Object[] {pid, rs.getLong(2), rs.getString(3), rs.getLong(4)});
                }
            }
        }
    }

    /** Stages what was read and swaps it in, in one DuckDB transaction. */
    private boolean apply(Reads r, int horizon, boolean wipe) throws SQLException {
        boolean changed = !r.goneProjects.isEmpty() || r.fullGroups || !r.groups.isEmpty()
                || !r.hoursToReplace.isEmpty() || r.rcRows > 0 || !r.rcFullProjects.isEmpty()
                || r.regressionsChanged;
        int oldest = copiedHours.keySet().stream().mapToInt(Mirror::keyHour).min().orElse(Integer.MAX_VALUE);
        if (!changed && oldest >= horizon) {
            return false;
        }
        if (!changed) {
            changed = true;   // only hours falling out of the horizon: still a new state
        }
        try (DuckDBAppender a = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "stage_groups")) {
            for (Object[] g : r.groups) {
                a.beginRow().append((Long) g[0]).append((Integer) g[1]).append((String) g[2]).endRow();
            }
        }
        try (DuckDBAppender a = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "stage_hours")) {
            for (Long key : r.hoursToReplace) {
                a.beginRow().append(keyPid(key)).append(keyHour(key)).endRow();
            }
        }
        try (DuckDBAppender a = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "stage_regressions")) {
            for (Object[] row : r.regressions) {
                a.beginRow().append((Integer) row[0]).append((Long) row[1]).append((String) row[2])
                        .append((Long) row[3]).endRow();
            }
        }
        duck.setAutoCommit(false);
        try (Statement s = duck.createStatement()) {
            if (wipe) {
                for (String table : List.of("groups", "hourly", "hourly_all", "rc", "regressions")) {
                    s.execute("DELETE FROM " + table);
                }
            }
            for (String table : List.of("groups", "hourly", "hourly_all", "rc", "regressions")) {
                deleteProjects(table, r.goneProjects);
            }
            if (r.fullGroups) {
                s.execute("DELETE FROM groups");
            }
            s.execute("INSERT INTO groups SELECT * FROM stage_groups");
            s.execute("DELETE FROM hourly USING stage_hours k WHERE hourly.pid = k.pid AND hourly.hr = k.hr");
            // In hour order: the window filters then skip whole row groups by their min/max hour.
            s.execute("INSERT INTO hourly SELECT * FROM stage_hourly ORDER BY hr");
            // The same hours with the environments merged: one row per issue and hour, so the statistics
            // without an environment read their series without grouping (a hash table of every issue-hour
            // of the window, which took most of DuckDB's memory_limit over 720 hours).
            s.execute("DELETE FROM hourly_all USING stage_hours k WHERE hourly_all.pid = k.pid AND hourly_all.hr = k.hr");
            s.execute(mergeEnvironments("stage_hourly"));
            for (String table : List.of("hourly", "hourly_all")) {
                try (PreparedStatement old = duck.prepareStatement("DELETE FROM " + table + " WHERE hr < ?")) {
                    old.setInt(1, horizon);
                    old.execute();
                }
            }
            deleteProjects("rc", r.rcFullProjects);
            s.execute("DELETE FROM rc USING stage_rc n WHERE rc.pid = n.pid AND rc.gid = n.gid "
                    + "AND rc.release = n.release AND rc.env = n.env");
            s.execute("INSERT INTO rc SELECT * FROM stage_rc");
            if (r.regressionsChanged) {
                s.execute("DELETE FROM regressions");
                s.execute("INSERT INTO regressions SELECT * FROM stage_regressions");
            }
            duck.commit();
        } catch (SQLException | RuntimeException e) {
            duck.rollback();
            throw e;
        } finally {
            duck.setAutoCommit(true);
            clearStages();
        }
        // Committed: remember what the copy now holds.
        for (Long key : r.hoursToReplace) {
            Long total = r.hourTotals.get(key);
            if (total == null) {
                copiedHours.remove(key);
            } else {
                copiedHours.put(key, total);
            }
        }
        copiedHours.keySet().removeIf(key -> keyHour(key) < horizon || r.goneProjects.contains(keyPid(key)));
        groupCount = r.groupCount;
        maxGid = r.maxGid;
        regressionMark = r.regressionMark == null ? regressionMark : r.regressionMark;
        rcStale.removeAll(r.rcFullProjects);
        return true;
    }

    /** Adds the rows of a table shaped like {@code hourly} to {@code hourly_all}, its environments merged. */
    static String mergeEnvironments(String from) {
        return "INSERT INTO hourly_all SELECT pid, gid, hr, CAST(sum(cnt) AS BIGINT) FROM " + from
                + " GROUP BY pid, gid, hr ORDER BY hr";
    }

    /** Deletes the rows of the given projects from one of the copy's tables (names are constants). */
    private void deleteProjects(String table, Set<Integer> projects) throws SQLException {
        if (projects.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = duck.prepareStatement("DELETE FROM " + table + " WHERE pid = ?")) {
            for (int pid : projects) {
                ps.setInt(1, pid);
                ps.execute();
            }
        }
    }

    private static final List<String> STAGES = List.of("stage_groups", "stage_hours", "stage_hourly", "stage_rc",
            "stage_regressions");

    private void clearStages() throws SQLException {
        try (Statement s = duck.createStatement()) {
            for (String stage : STAGES) {
                s.execute("DELETE FROM " + stage);
            }
        }
    }

    /** A project whose per-release counts no longer add up to its events is copied whole next time. */
    private void checkReleaseTotals(Map<Integer, Long> expected) throws SQLException {
        Map<Integer, Long> copied = new HashMap<>();
        try (Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid, sum(cnt) FROM rc GROUP BY pid")) {
            while (rs.next()) {
                copied.put(rs.getInt(1), rs.getLong(2));
            }
        }
        Set<Integer> all = new HashSet<>(expected.keySet());
        all.addAll(copied.keySet());
        for (int pid : all) {
            if (!expected.getOrDefault(pid, 0L).equals(copied.getOrDefault(pid, 0L))) {
                rcStale.add(pid);
            }
        }
    }

    private void checkpoint() {
        try (Statement s = duck.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            LOG.debug("Analytics checkpoint skipped: {}", e.getMessage());
        }
    }
}
