package dev.bloop.service.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.DeobfuscatedFrame;
import dev.bloop.api.ErrorGroup;
import dev.bloop.api.ErrorGroupDetail;
import dev.bloop.api.ErrorStats;
import dev.bloop.api.HourlyCount;
import dev.bloop.api.Occurrence;
import dev.bloop.api.Page;
import dev.bloop.api.ReleaseSummary;
import dev.bloop.api.StatusChange;
import dev.bloop.service.sourcemap.Symbolicator;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads for the query API, all on the query-only pool and all scoped by project. SQL is assembled
 * from constant fragments only; every value is a bound parameter.
 */
final class ErrorQueries {
    static final long HOUR_MS = 3_600_000L;
    static final int SAMPLE_LIMIT = 10;
    private static final char ENV_SEPARATOR = '\u001f';

    /** A count row's sums, named as the records name them. */
    private static final String COUNT_COLUMNS = "sum(count) AS count, min(first_seen) AS first_seen, "
            + "max(last_seen) AS last_seen";

    private String groupColumns(String cnt, String fs, String ls) {
        String environments = "(SELECT " + dialect.joinText("c.environment") + " FROM group_counts c"
                + dialect.indexedBy("group_counts_by_group")
                + " WHERE c.project_id = g.project_id AND c.fingerprint = g.fingerprint)";
        return "g.project_id, g.fingerprint, g.error_type, g.message, g.source, g.route_or_procedure, g.screen, "
                + "g.status, " + cnt + " AS total_count, " + fs + " AS first_seen, " + ls + " AS last_seen, "
                + "g.last_release, " + environments + " AS envs, g.grouping_frame, "
                + "(SELECT u.username FROM users u WHERE u.id = g.assignee_id) AS assignee, g.users_affected, "
                + "g.resolved_in_release";
    }

    private final Jdbi reader;
    private final Dialect dialect;
    private final ObjectMapper json;
    private final Symbolicator symbolicator;

    ErrorQueries(Database db, ObjectMapper json, Symbolicator symbolicator) {
        this.reader = db.reader();
        this.dialect = db.dialect();
        this.json = json;
        this.symbolicator = symbolicator;
    }

    Page<ErrorGroup> list(GroupFilter f) {
        String match = f.q() == null ? null : SearchQuery.of(dialect, f.q());
        if (f.q() != null && match == null) {
            return new Page<>(List.of(), 0);
        }
        return f.narrowsCounts() ? listByCounts(f, match) : listGroups(f, match);
    }

    /** No release or environment filter: the groups' own totals, straight from error_groups' indexes. */
    private Page<ErrorGroup> listGroups(GroupFilter f, String match) {
        StringBuilder from = new StringBuilder("FROM error_groups g WHERE " + inProjects("g.project_id", f));
        appendGroupFilters(from, f, match);
        if (f.since() != null) {
            from.append(" AND g.last_seen >= :since");
        }
        if (f.until() != null) {
            from.append(" AND g.last_seen <= :until");
        }
        String order = " ORDER BY " + switch (f.sort()) {
            case LAST_SEEN -> "g.last_seen";
            case TOTAL_COUNT -> "g.total_count";
            case FIRST_SEEN -> "g.first_seen";
        } + " DESC, g.id DESC";
        String select = "SELECT " + groupColumns("g.total_count", "g.first_seen", "g.last_seen") + " " + from + order
                + " LIMIT :limit OFFSET :offset";
        return page(f, match, "SELECT count(*) " + from, select);
    }

    /**
     * A release and/or environment filter: counts and times of the matching events only, read by one
     * range scan of the table clustered by that key. Without filters on the group itself, the page is
     * sorted and cut before the join, so only its rows are looked up.
     */
    private Page<ErrorGroup> listByCounts(GroupFilter f, String match) {
        StringBuilder counts = new StringBuilder("SELECT project_id, fingerprint, sum(count) AS cnt, min(first_seen) AS fs, "
                + "max(last_seen) AS ls FROM ");
        if (f.releases() != null) {
            counts.append("group_counts WHERE " + inProjects("project_id", f) + " AND release IN (<release>)");
            if (f.environments() != null) {
                counts.append(" AND environment IN (<environment>)");
            }
        } else {
            counts.append("group_env_counts WHERE " + inProjects("project_id", f) + " AND environment IN (<environment>)");
        }
        // "+fingerprint": grouping by an expression keeps the planner off the by-group index (which
        // would save it a sort but scan every row of the project); the clustered key range is what
        // makes this fast, with or without ANALYZE statistics.
        counts.append(" GROUP BY project_id, ").append(dialect.notIndexed("fingerprint"));
        String having = (f.since() != null ? " AND max(last_seen) >= :since" : "")
                + (f.until() != null ? " AND max(last_seen) <= :until" : "");
        if (!having.isEmpty()) {
            counts.append(" HAVING ").append(having.substring(5));
        }
        String column = switch (f.sort()) {
            case LAST_SEEN -> "ls";
            case TOTAL_COUNT -> "cnt";
            case FIRST_SEEN -> "fs";
        };
        String inner = " ORDER BY " + column + " DESC, fingerprint DESC, project_id DESC";
        String outer = " ORDER BY m." + column + " DESC, m.fingerprint DESC, m.project_id DESC";
        String columns = groupColumns("m.cnt", "m.fs", "m.ls");
        boolean groupFilters = f.sources() != null || f.routes() != null || f.status() != null || match != null
                || f.assignee() != null || f.firstSeenInRelease();
        if (!groupFilters) {
            String select = "SELECT " + columns + " FROM (" + counts + inner + " LIMIT :limit OFFSET :offset) m "
                    + "JOIN error_groups g ON g.project_id = m.project_id AND g.fingerprint = m.fingerprint" + outer;
            return page(f, null, "SELECT count(*) FROM (" + counts + ") n", select);
        }
        StringBuilder from = new StringBuilder("FROM (" + counts + ") m JOIN error_groups g "
                + "ON g.project_id = m.project_id AND g.fingerprint = m.fingerprint WHERE 1 = 1");
        appendGroupFilters(from, f, match);
        if (f.firstSeenInRelease()) {
            // the group's first event is one of these counts' first events (the writer stores the same time)
            from.append(" AND g.first_seen = m.fs");
        }
        String select = "SELECT " + columns + " " + from + outer + " LIMIT :limit OFFSET :offset";
        return page(f, match, "SELECT count(*) " + from, select);
    }

    /**
     * One project is an equality, so the planner walks the (project_id, sort column) index in order
     * and stops at the page; several (the all-projects stream) are a list.
     */
    private static String inProjects(String column, GroupFilter f) {
        return f.projects().size() == 1 ? column + " = :p" : column + " IN (<p>)";
    }

    private void appendGroupFilters(StringBuilder sql, GroupFilter f, String match) {
        if (f.sources() != null) {
            sql.append(" AND g.source IN (<source>)");
        }
        if (f.routes() != null) {
            sql.append(" AND g.route_or_procedure IN (<route>)");
        }
        if (f.status() != null) {
            sql.append(" AND g.status = :status");
        }
        if (GroupFilter.NOBODY.equals(f.assignee())) {
            sql.append(" AND g.assignee_id IS NULL");
        } else if (f.assignee() != null) {
            sql.append(" AND g.assignee_id = :assignee");
        }
        if (match != null) {
            sql.append(" AND ").append(dialect.matches("g.id", "error_groups_fts", "g.search", "match"));
        }
    }

    private Page<ErrorGroup> page(GroupFilter f, String match, String countSql, String selectSql) {
        return reader.withHandle(h -> {
            long total = bind(h.createQuery(countSql), f, match).mapTo(Long.class).one();
            if (total == 0 || f.offset() >= total) {
                return new Page<>(List.of(), total);
            }
            List<ErrorGroup> items = bind(h.createQuery(selectSql), f, match)
                    .bind("limit", f.limit()).bind("offset", f.offset())
                    .map((rs, ctx) -> group(rs)).list();
            return new Page<>(items, total);
        });
    }

    private static Query bind(Query q, GroupFilter f, String match) {
        if (f.projects().size() == 1) {
            q.bind("p", f.projects().get(0));
        } else {
            q.bindList("p", f.projects());
        }
        if (f.assignee() != null && !GroupFilter.NOBODY.equals(f.assignee())) {
            q.bind("assignee", f.assignee());
        }
        if (f.releases() != null) {
            q.bindList("release", f.releases());
        }
        if (f.environments() != null) {
            q.bindList("environment", f.environments());
        }
        if (f.sources() != null) {
            q.bindList("source", f.sources());
        }
        if (f.routes() != null) {
            q.bindList("route", f.routes());
        }
        if (f.status() != null) {
            q.bind("status", f.status());
        }
        if (f.since() != null) {
            q.bind("since", f.since());
        }
        if (f.until() != null) {
            q.bind("until", f.until());
        }
        if (match != null) {
            q.bind("match", match);
        }
        return q;
    }

    private static ErrorGroup group(ResultSet rs) throws SQLException {
        String envs = rs.getString("envs");
        List<String> environments = envs == null ? List.of()
                : Arrays.stream(envs.split(String.valueOf(ENV_SEPARATOR))).distinct().sorted().toList();
        return new ErrorGroup(rs.getString("project_id"), rs.getString("fingerprint"), rs.getString("error_type"),
                rs.getString("message"), rs.getString("source"), rs.getString("route_or_procedure"),
                rs.getString("screen"), rs.getString("status"), rs.getLong("total_count"), rs.getLong("first_seen"),
                rs.getLong("last_seen"), rs.getString("last_release"), environments, rs.getString("grouping_frame"),
                rs.getString("assignee"), rs.getLong("users_affected"), null);
    }

    Optional<ErrorGroupDetail> detail(String projectId, String fingerprint) {
        return reader.withHandle(h -> {
            Optional<Map.Entry<ErrorGroup, ErrorGroupDetail.Grouping>> head = h.createQuery("SELECT "
                            + groupColumns("g.total_count", "g.first_seen", "g.last_seen")
                            + ", g.grouping_version, g.grouping_kind, g.grouping_message, g.grouping_frame, "
                            + "g.grouping_route, g.grouping_frame_reason, g.grouping_rules_version "
                            + "FROM error_groups g WHERE g.project_id = :p AND g.fingerprint = :fp")
                    .bind("p", projectId).bind("fp", fingerprint)
                    .map((rs, ctx) -> Map.entry(group(rs), new ErrorGroupDetail.Grouping(rs.getInt("grouping_version"),
                            rs.getString("grouping_kind"), rs.getString("grouping_message"),
                            rs.getString("grouping_frame"), rs.getString("grouping_route"),
                            rs.getString("grouping_frame_reason"), rs.getInt("grouping_rules_version"))))
                    .findOne();
            if (head.isEmpty()) {
                return Optional.<ErrorGroupDetail>empty();
            }
            List<ErrorGroupDetail.ReleaseCount> releases = h.createQuery("SELECT release, " + COUNT_COLUMNS
                            + " FROM group_counts" + dialect.indexedBy("group_counts_by_group")
                            + " WHERE project_id = :p AND fingerprint = :fp GROUP BY release ORDER BY last_seen DESC, release")
                    .bind("p", projectId).bind("fp", fingerprint)
                    .map((rs, ctx) -> new ErrorGroupDetail.ReleaseCount(rs.getString("release"), rs.getLong("count"),
                            rs.getLong("first_seen"), rs.getLong("last_seen")))
                    .list();
            List<ErrorGroupDetail.EnvironmentCount> environments = h.createQuery("SELECT environment, "
                            + COUNT_COLUMNS + " FROM group_counts" + dialect.indexedBy("group_counts_by_group")
                            + " WHERE project_id = :p AND fingerprint = :fp GROUP BY environment ORDER BY count DESC, environment")
                    .bind("p", projectId).bind("fp", fingerprint)
                    .map((rs, ctx) -> new ErrorGroupDetail.EnvironmentCount(rs.getString("environment"),
                            rs.getLong("count"), rs.getLong("first_seen"), rs.getLong("last_seen")))
                    .list();
            List<JsonNode> samples = h.createQuery("SELECT event FROM group_samples WHERE project_id = :p "
                            + "AND fingerprint = :fp ORDER BY id DESC LIMIT " + SAMPLE_LIMIT)
                    .bind("p", projectId).bind("fp", fingerprint)
                    .mapTo(String.class).list().stream().map(this::parse)
                    .map(sample -> withDeobfuscatedStack(projectId, sample)).toList();
            String resolvedIn = h.createQuery("SELECT resolved_in_release FROM error_groups WHERE project_id = :p "
                            + "AND fingerprint = :fp").bind("p", projectId).bind("fp", fingerprint)
                    .mapTo(String.class).findOne().orElse(null);
            ErrorGroup group = head.get().getKey();
            return Optional.of(new ErrorGroupDetail(group, head.get().getValue(), releases,
                    environments, samples, regression(group, resolvedIn)));
        });
    }

    boolean exists(String projectId, String fingerprint) {
        return reader.withHandle(h -> exists(h, projectId, fingerprint));
    }

    private static boolean exists(Handle h, String projectId, String fingerprint) {
        return h.createQuery("SELECT 1 FROM error_groups WHERE project_id = :p AND fingerprint = :fp")
                .bind("p", projectId).bind("fp", fingerprint).mapTo(Integer.class).findOne().isPresent();
    }

    /** Null when the group does not exist in the project. */
    Page<Occurrence> occurrences(String projectId, String fingerprint, int limit, int offset) {
        return reader.withHandle(h -> {
            if (!exists(h, projectId, fingerprint)) {
                return null;
            }
            long total = h.createQuery("SELECT count(*) FROM raw_events WHERE project_id = :p AND fingerprint = :fp")
                    .bind("p", projectId).bind("fp", fingerprint).mapTo(Long.class).one();
            List<Occurrence> items = h.createQuery("SELECT id, project_id, fingerprint, received_at, timestamp, source, "
                            + "environment, release, error_type, message, app_version, build_number, "
                            + "route_or_procedure, screen, stack, http_status, request_id, user_id_hash, "
                            + "device_id_hash, metadata FROM raw_events WHERE project_id = :p AND fingerprint = :fp "
                            + "ORDER BY received_at DESC, id DESC LIMIT :limit OFFSET :offset")
                    .bind("p", projectId).bind("fp", fingerprint).bind("limit", limit).bind("offset", offset)
                    .map((rs, ctx) -> {
                        int status = rs.getInt("http_status");
                        Integer httpStatus = rs.wasNull() ? null : status;
                        String project = rs.getString("project_id");
                        String release = rs.getString("release");
                        String stack = rs.getString("stack");
                        String metadata = rs.getString("metadata");
                        return new Occurrence(rs.getLong("id"), project, rs.getString("fingerprint"),
                                rs.getLong("received_at"), rs.getLong("timestamp"), rs.getString("source"),
                                rs.getString("environment"), release, rs.getString("error_type"),
                                rs.getString("message"), rs.getString("app_version"), rs.getString("build_number"),
                                rs.getString("route_or_procedure"), rs.getString("screen"), stack, httpStatus,
                                rs.getString("request_id"), rs.getString("user_id_hash"), rs.getString("device_id_hash"),
                                metadata == null ? null : parse(metadata), symbolicator.deobfuscate(project, release, stack));
                    })
                    .list();
            return new Page<>(items, total);
        });
    }

    /** Null when the group does not exist in the project. */
    List<StatusChange> history(String projectId, String fingerprint) {
        return reader.withHandle(h -> {
            if (!exists(h, projectId, fingerprint)) {
                return null;
            }
            // Comments are interleaved by time; their status fields hold the group's current status.
            return h.createQuery("SELECT id, fingerprint, old_status, new_status, actor, changed_at, kind, assignee, "
                            + "NULL AS comment, 0 AS tiebreak FROM status_history "
                            + "WHERE project_id = :p AND fingerprint = :fp "
                            + "UNION ALL SELECT c.id, c.fingerprint, g.status, g.status, c.author, c.created_at, "
                            + "'comment', NULL, c.body, 1 FROM issue_comments c JOIN error_groups g "
                            + "ON g.project_id = c.project_id AND g.fingerprint = c.fingerprint "
                            + "WHERE c.project_id = :p AND c.fingerprint = :fp "
                            + "ORDER BY changed_at DESC, tiebreak DESC, id DESC")
                    .bind("p", projectId).bind("fp", fingerprint)
                    .map((rs, ctx) -> new StatusChange(rs.getLong("id"), rs.getString("fingerprint"),
                            rs.getString("old_status"), rs.getString("new_status"), rs.getString("actor"),
                            rs.getLong("changed_at"), rs.getString("kind"), rs.getString("assignee"),
                            rs.getString("comment")))
                    .list();
        });
    }

    /** What reopens the group, in words for the issue page. */
    static ErrorGroupDetail.Regression regression(ErrorGroup g, String resolvedIn) {
        boolean resolved = "resolved".equals(g.status());
        if (resolved && resolvedIn != null) {
            ReleaseOrder.Rule order = ReleaseOrder.ruleFor(resolvedIn);
            return new ErrorGroupDetail.Regression("newer_release", resolvedIn, order.wire, "Resolved in the next "
                    + "release after " + resolvedIn + ": only an event from a newer release reopens it ("
                    + how(order) + ").");
        }
        if (resolved) {
            return new ErrorGroupDetail.Regression("any_event", null, null, "Resolved: any new event reopens it.");
        }
        String latest = g.lastRelease();
        ReleaseOrder.Rule order = latest == null ? null : ReleaseOrder.ruleFor(latest);
        return new ErrorGroupDetail.Regression("any_event", null, order == null ? null : order.wire,
                "Once resolved, any new event reopens it"
                        + (latest == null ? "." : "; resolved in the next release, only an event from a release newer "
                        + "than " + latest + " (the latest it was seen in) does (" + how(order) + ")."));
    }

    private static String how(ReleaseOrder.Rule order) {
        return order == ReleaseOrder.Rule.SEMVER ? "compared as semantic versions"
                : "compared by when this project first saw each release";
    }

    /**
     * The page's rows with their event counts per hour (24) or day (14), oldest first, zero-filled:
     * one query for the whole page, from the hourly buckets.
     */
    Page<ErrorGroup> withSparklines(Page<ErrorGroup> page, Sparkline spark, long now) {
        if (page.items().isEmpty()) {
            return page;
        }
        long step = spark.stepMs;
        long current = Math.floorDiv(now, step) * step;
        long first = current - (spark.points - 1L) * step;
        List<String> projects = page.items().stream().map(ErrorGroup::projectId).distinct().toList();
        List<String> fps = page.items().stream().map(ErrorGroup::fingerprint).distinct().toList();
        Map<String, long[]> lines = new HashMap<>();
        reader.useHandle(h -> h.createQuery("SELECT project_id, fingerprint, hour_bucket, sum(count) AS n "
                        + "FROM hourly_counts WHERE project_id IN (<p>) AND fingerprint IN (<fp>) "
                        + "AND hour_bucket >= :first GROUP BY project_id, fingerprint, hour_bucket")
                .bindList("p", projects).bindList("fp", fps).bind("first", first)
                .map((rs, ctx) -> {
                    int at = (int) ((rs.getLong("hour_bucket") - first) / step);
                    if (at >= 0 && at < spark.points) {
                        lines.computeIfAbsent(rs.getString("project_id") + "/" + rs.getString("fingerprint"),
                                k -> new long[spark.points])[at] += rs.getLong("n");
                    }
                    return at;
                })
                .forEach(x -> { }));
        List<ErrorGroup> items = new ArrayList<>(page.items().size());
        for (ErrorGroup g : page.items()) {
            long[] line = lines.getOrDefault(g.projectId() + "/" + g.fingerprint(), new long[spark.points]);
            items.add(g.withSparkline(Arrays.stream(line).boxed().toList()));
        }
        return new Page<>(items, page.total());
    }

    /** Every project's id (the all-projects stream of an admin). */
    List<String> allProjectIds() {
        return reader.withHandle(h -> h.createQuery("SELECT id FROM projects ORDER BY created_at, id")
                .mapTo(String.class).list());
    }

    /** Hourly buckets, oldest first, zero-filled: the current hour and the {@code hours - 1} before it. */
    List<HourlyCount> trend(String projectId, String fingerprint, int hours, long now) {
        long current = Math.floorDiv(now, HOUR_MS) * HOUR_MS;
        long first = current - (hours - 1L) * HOUR_MS;
        Map<Long, Long> counts = reader.withHandle(h -> {
            Query q = fingerprint == null
                    ? h.createQuery("SELECT hour_bucket, count FROM project_hourly_counts WHERE project_id = :p "
                            + "AND hour_bucket >= :first")
                    : h.createQuery("SELECT hour_bucket, sum(count) AS count FROM hourly_counts WHERE project_id = :p "
                            + "AND fingerprint = :fp AND hour_bucket >= :first GROUP BY hour_bucket").bind("fp", fingerprint);
            Map<Long, Long> m = new HashMap<>();
            q.bind("p", projectId).bind("first", first)
                    .map((rs, ctx) -> Map.entry(rs.getLong("hour_bucket"), rs.getLong("count")))
                    .forEach(e -> m.put(e.getKey(), e.getValue()));
            return m;
        });
        List<HourlyCount> out = new ArrayList<>(hours);
        for (long bucket = first; bucket <= current; bucket += HOUR_MS) {
            out.add(new HourlyCount(bucket, counts.getOrDefault(bucket, 0L)));
        }
        return out;
    }

    ErrorStats stats(String projectId, long now) {
        long dayAgo = now - 24 * HOUR_MS;
        long firstBucket = Math.floorDiv(now, HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
        return reader.withHandle(h -> {
            long groups = count(h, "SELECT count(*) FROM error_groups WHERE project_id = :p", projectId);
            long unresolved = count(h, "SELECT count(*) FROM error_groups WHERE project_id = :p "
                    + "AND status = 'unresolved'", projectId);
            long events = count(h, "SELECT coalesce(sum(total_count), 0) FROM error_groups WHERE project_id = :p",
                    projectId);
            long events24h = h.createQuery("SELECT coalesce(sum(count), 0) FROM project_hourly_counts "
                            + "WHERE project_id = :p AND hour_bucket >= :first")
                    .bind("p", projectId).bind("first", firstBucket).mapTo(Long.class).one();
            long new24h = h.createQuery("SELECT count(*) FROM error_groups WHERE project_id = :p AND first_seen >= :since")
                    .bind("p", projectId).bind("since", dayAgo).mapTo(Long.class).one();
            List<ErrorStats.RouteCount> routes = h.createQuery("SELECT route, count FROM route_counts "
                            + "WHERE project_id = :p ORDER BY count DESC, route LIMIT 10")
                    .bind("p", projectId)
                    .map((rs, ctx) -> new ErrorStats.RouteCount(rs.getString("route"), rs.getLong("count"))).list();
            List<ErrorStats.TopGroup> top = h.createQuery("SELECT g.fingerprint, g.error_type, g.message, g.status, "
                            + "(SELECT coalesce(sum(count), 0) FROM hourly_counts hc WHERE hc.project_id = g.project_id "
                            + "AND hc.fingerprint = g.fingerprint AND hc.hour_bucket >= :first) AS count_24h, g.total_count "
                            + "FROM error_groups g WHERE g.project_id = :p ORDER BY g.total_count DESC, g.id DESC LIMIT 10")
                    .bind("p", projectId).bind("first", firstBucket)
                    .map((rs, ctx) -> new ErrorStats.TopGroup(rs.getString("fingerprint"), rs.getString("error_type"),
                            rs.getString("message"), rs.getString("status"), rs.getLong("count_24h"),
                            rs.getLong("total_count")))
                    .list();
            return new ErrorStats(groups, unresolved, events, events24h, new24h, routes, top);
        });
    }

    private static long count(Handle h, String sql, String projectId) {
        return h.createQuery(sql).bind("p", projectId).mapTo(Long.class).one();
    }

    /** A sample with a JavaScript stack of a release that has source maps gains its mapped frames. */
    private JsonNode withDeobfuscatedStack(String projectId, JsonNode sample) {
        if (sample instanceof ObjectNode obj && sample.hasNonNull("stack") && sample.hasNonNull("release")) {
            List<DeobfuscatedFrame> frames = symbolicator.deobfuscate(projectId, sample.get("release").asText(),
                    sample.get("stack").asText());
            if (frames != null) {
                obj.set("deobfuscated_stack", json.valueToTree(frames));
            }
        }
        return sample;
    }

    private JsonNode parse(String stored) {
        try {
            return json.readTree(stored);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(stored);
        }
    }

    /**
     * Releases of a project, newest activity first: events, distinct groups, groups first seen in
     * that release (their first event is the first of the release's counts), first and last seen.
     */
    List<ReleaseSummary> releases(String projectId, int limit) {
        // Releases with sessions (release health) but no error yet are listed too: those are the good ones.
        return reader.withHandle(h -> h.createQuery("SELECT release, sum(events) AS events, sum(groups_) AS groups_, "
                        + "min(first_seen) AS first_seen, max(last_seen) AS last_seen, sum(new_groups) AS new_groups FROM ("
                        + "SELECT c.release AS release, sum(c.count) AS events, count(DISTINCT c.fingerprint) AS groups_, "
                        + "min(c.first_seen) AS first_seen, max(c.last_seen) AS last_seen, "
                        + "count(DISTINCT CASE WHEN c.first_seen = g.first_seen THEN c.fingerprint END) AS new_groups "
                        + "FROM group_counts c JOIN error_groups g ON g.project_id = c.project_id "
                        + "AND g.fingerprint = c.fingerprint WHERE c.project_id = :p GROUP BY c.release "
                        + "UNION ALL SELECT release, 0, 0, min(first_seen), max(last_seen), 0 FROM release_health "
                        + "WHERE project_id = :p GROUP BY release) r "
                        + "GROUP BY release ORDER BY max(last_seen) DESC LIMIT :n")
                .bind("p", projectId).bind("n", limit)
                .map((rs, ctx) -> new ReleaseSummary(rs.getString("release"), rs.getLong("events"),
                        rs.getLong("groups_"), rs.getLong("new_groups"), rs.getLong("first_seen"),
                        rs.getLong("last_seen")))
                .list());
    }
}
