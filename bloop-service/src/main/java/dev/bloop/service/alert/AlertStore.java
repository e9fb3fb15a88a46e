package dev.bloop.service.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.AlertDelivery;
import dev.bloop.service.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** SQL for rules, channels, cooldowns, deliveries, and the counts threshold and spike rules are seeded from. */
final class AlertStore {
    record Rule(long id, String projectId, String name, String description, String type, ObjectNode config,
                boolean enabled, long cooldownSecs, String environmentFilter, String sourceFilter,
                long createdAt, long updatedAt) {
    }

    record Channel(long id, long ruleId, String type, ObjectNode config, long createdAt) {
    }

    /** Longer than any delivery waits and retries (attempts × timeout plus backoff stay in minutes). */
    private static final long ABANDONED_AFTER_MS = 3_600_000;
    private static final String RULE_COLUMNS = "id, project_id, name, description, rule_type, config, enabled, "
            + "cooldown_secs, environment_filter, source_filter, created_at, updated_at";
    private final Jdbi writer;
    private final Jdbi reader;
    private final ObjectMapper json;

    AlertStore(Database db, ObjectMapper json) {
        this.writer = db.writer();
        this.reader = db.reader();
        this.json = json;
    }

    Rule insertRule(Rule r) {
        long id = writer.withHandle(h -> h.createUpdate("INSERT INTO alert_rules (project_id, name, description, "
                        + "rule_type, config, enabled, cooldown_secs, environment_filter, source_filter, created_at, "
                        + "updated_at) VALUES (:p, :name, :description, :type, :config, :enabled, :cooldown, :env, "
                        + ":source, :now, :now)")
                .bind("p", r.projectId()).bind("name", r.name()).bind("description", r.description())
                .bind("type", r.type()).bind("config", text(r.config())).bind("enabled", r.enabled())
                .bind("cooldown", r.cooldownSecs()).bind("env", r.environmentFilter()).bind("source", r.sourceFilter())
                .bind("now", r.createdAt())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return rule(r.projectId(), id).orElseThrow();
    }

    void updateRule(Rule r) {
        writer.useHandle(h -> h.createUpdate("UPDATE alert_rules SET name = :name, description = :description, "
                        + "rule_type = :type, config = :config, enabled = :enabled, cooldown_secs = :cooldown, "
                        + "environment_filter = :env, source_filter = :source, updated_at = :now "
                        + "WHERE id = :id AND project_id = :p")
                .bind("id", r.id()).bind("p", r.projectId()).bind("name", r.name()).bind("description", r.description())
                .bind("type", r.type()).bind("config", text(r.config())).bind("enabled", r.enabled())
                .bind("cooldown", r.cooldownSecs()).bind("env", r.environmentFilter()).bind("source", r.sourceFilter())
                .bind("now", r.updatedAt())
                .execute());
    }

    boolean deleteRule(String projectId, long id) {
        return writer.withHandle(h -> h.createUpdate("DELETE FROM alert_rules WHERE id = :id AND project_id = :p")
                .bind("id", id).bind("p", projectId).execute()) == 1;
    }

    Optional<Rule> rule(String projectId, long id) {
        return reader.withHandle(h -> h.createQuery("SELECT " + RULE_COLUMNS + " FROM alert_rules WHERE id = :id "
                        + "AND project_id = :p").bind("id", id).bind("p", projectId)
                .map((rs, ctx) -> rule(rs)).findOne());
    }

    List<Rule> rules(String projectId) {
        return reader.withHandle(h -> h.createQuery("SELECT " + RULE_COLUMNS + " FROM alert_rules WHERE project_id = :p "
                        + "ORDER BY id").bind("p", projectId)
                .map((rs, ctx) -> rule(rs)).list());
    }

    List<Rule> enabledRules(String projectId, List<String> types) {
        return reader.withHandle(h -> h.createQuery("SELECT " + RULE_COLUMNS + " FROM alert_rules WHERE project_id = :p "
                        + "AND enabled = 1 AND rule_type IN (<types>) ORDER BY id")
                .bind("p", projectId).bindList("types", types)
                .map((rs, ctx) -> rule(rs)).list());
    }

    List<Rule> enabledRules(List<String> types) {
        return reader.withHandle(h -> h.createQuery("SELECT " + RULE_COLUMNS + " FROM alert_rules WHERE enabled = 1 "
                        + "AND rule_type IN (<types>) ORDER BY id")
                .bindList("types", types).map((rs, ctx) -> rule(rs)).list());
    }

    Channel insertChannel(long ruleId, String type, ObjectNode config, long now) {
        long id = writer.withHandle(h -> h.createUpdate("INSERT INTO alert_channels (rule_id, channel_type, config, "
                        + "created_at) VALUES (:rule, :type, :config, :now)")
                .bind("rule", ruleId).bind("type", type).bind("config", text(config)).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new Channel(id, ruleId, type, config, now);
    }

    List<Channel> channels(long ruleId) {
        return reader.withHandle(h -> h.createQuery("SELECT id, rule_id, channel_type, config, created_at "
                        + "FROM alert_channels WHERE rule_id = :rule ORDER BY id").bind("rule", ruleId)
                .map((rs, ctx) -> new Channel(rs.getLong("id"), rs.getLong("rule_id"), rs.getString("channel_type"),
                        node(rs.getString("config")), rs.getLong("created_at")))
                .list());
    }

    boolean deleteChannel(long ruleId, long channelId) {
        return writer.withHandle(h -> h.createUpdate("DELETE FROM alert_channels WHERE id = :id AND rule_id = :rule")
                .bind("id", channelId).bind("rule", ruleId).execute()) == 1;
    }

    /**
     * Takes the rule's cooldown for the group: true when it was free (and is now held until
     * {@code now + cooldown}), false when the rule fired for this group too recently.
     */
    boolean claimCooldown(long ruleId, String fingerprint, long now, long cooldownMs) {
        return writer.withHandle(h -> h.createUpdate("INSERT INTO alert_cooldowns (rule_id, fingerprint, last_fired) "
                        + "VALUES (:rule, :fp, :now) ON CONFLICT (rule_id, fingerprint) DO UPDATE SET "
                        + "last_fired = excluded.last_fired WHERE alert_cooldowns.last_fired <= :free")
                .bind("rule", ruleId).bind("fp", fingerprint).bind("now", now).bind("free", now - cooldownMs)
                .execute()) == 1;
    }

    long insertDelivery(long ruleId, Long channelId, String type, String target, String fingerprint, long now) {
        return writer.withHandle(h -> h.createUpdate("INSERT INTO alert_deliveries (rule_id, channel_id, channel_type, "
                        + "target, fingerprint, status, attempts, created_at) VALUES (:rule, :channel, :type, :target, "
                        + ":fp, 'pending', 0, :now)")
                .bind("rule", ruleId).bindByType("channel", channelId, Long.class).bind("type", type)
                .bind("target", target).bind("fp", fingerprint).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    void completeDelivery(long id, String status, int attempts, String error, long now) {
        writer.useHandle(h -> h.createUpdate("UPDATE alert_deliveries SET status = :status, attempts = :attempts, "
                        + "error = :error, completed_at = :now WHERE id = :id")
                .bind("id", id).bind("status", status).bind("attempts", attempts).bind("error", error).bind("now", now)
                .execute());
    }

    /** Deliveries a previous run left unfinished are failed, with the reason, so the log never lies. */
    int failAbandoned(long now, boolean sharedDatabase) {
        // With other nodes on the database, a pending delivery may be another live node's, still being
        // tried: only one older than any delivery's retries can take is abandoned.
        long before = sharedDatabase ? now - ABANDONED_AFTER_MS : Long.MAX_VALUE;
        return writer.withHandle(h -> h.createUpdate("UPDATE alert_deliveries SET status = 'failed', "
                        + "error = 'the server stopped before this was delivered', completed_at = :now "
                        + "WHERE status = 'pending' AND created_at < :before").bind("now", now).bind("before", before)
                .execute());
    }

    List<AlertDelivery> deliveries(long ruleId, int limit) {
        return reader.withHandle(h -> h.createQuery("SELECT id, rule_id, channel_id, channel_type, target, fingerprint, "
                        + "status, attempts, error, created_at, completed_at FROM alert_deliveries WHERE rule_id = :rule "
                        + "ORDER BY id DESC LIMIT :limit").bind("rule", ruleId).bind("limit", limit)
                .map((rs, ctx) -> new AlertDelivery(rs.getLong("id"), rs.getLong("rule_id"),
                        nullableLong(rs, "channel_id"), rs.getString("channel_type"), rs.getString("target"),
                        rs.getString("fingerprint"), rs.getString("status"), rs.getInt("attempts"), rs.getString("error"),
                        rs.getLong("created_at"), nullableLong(rs, "completed_at")))
                .list());
    }

    /** One seeded bucket: events of a group in bucket {@code index} (of the requested width, since the epoch). */
    @FunctionalInterface
    interface SeedRow {
        void accept(String fingerprint, long index, int count);
    }

    /**
     * Seeds a rule's window from minute counts: events per group and bucket of {@code width} ms since
     * {@code from}, filtered as the rule filters (environment, group, route, the group's source).
     */
    void seedCounts(WindowRule r, long from, long width, SeedRow rows) {
        boolean groupFilter = r.route != null || r.rule.sourceFilter() != null;
        StringBuilder sql = new StringBuilder("SELECT m.fingerprint, m.minute_bucket / :w AS k, sum(m.count) AS n "
                + "FROM minute_counts m");
        if (groupFilter) {
            sql.append(" JOIN error_groups g ON g.project_id = m.project_id AND g.fingerprint = m.fingerprint");
        }
        sql.append(" WHERE m.project_id = :p AND m.minute_bucket >= :from");
        if (r.rule.environmentFilter() != null) {
            sql.append(" AND m.environment = :env");
        }
        if (r.fingerprint != null) {
            sql.append(" AND m.fingerprint = :fp");
        }
        if (r.route != null) {
            sql.append(" AND g.route_or_procedure = :route");
        }
        if (r.rule.sourceFilter() != null) {
            sql.append(" AND g.source = :source");
        }
        sql.append(" GROUP BY m.fingerprint, k");
        reader.useHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("p", r.rule.projectId()).bind("w", width).bind("from", from);
            if (r.rule.environmentFilter() != null) {
                q.bind("env", r.rule.environmentFilter());
            }
            if (r.fingerprint != null) {
                q.bind("fp", r.fingerprint);
            }
            if (r.route != null) {
                q.bind("route", r.route);
            }
            if (r.rule.sourceFilter() != null) {
                q.bind("source", r.rule.sourceFilter());
            }
            q.map((rs, ctx) -> new Seed(rs.getString("fingerprint"), rs.getLong("k"), rs.getInt("n")))
                    .forEach(seed -> rows.accept(seed.fingerprint(), seed.index(), seed.count()));
        });
    }

    private record Seed(String fingerprint, long index, int count) {
    }

    /** The source and route of existing groups (what rule filters match), by fingerprint. */
    Map<String, WindowRule.Origin> origins(String projectId, Collection<String> fingerprints) {
        Map<String, WindowRule.Origin> out = new HashMap<>();
        List<String> all = List.copyOf(fingerprints);
        for (int i = 0; i < all.size(); i += 500) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + 500));
            reader.useHandle(h -> h.createQuery("SELECT fingerprint, source, route_or_procedure FROM error_groups "
                            + "WHERE project_id = :p AND fingerprint IN (<fps>)")
                    .bind("p", projectId).bindList("fps", chunk)
                    .map((rs, ctx) -> out.put(rs.getString("fingerprint"),
                            new WindowRule.Origin(rs.getString("source"), rs.getString("route_or_procedure"))))
                    .list());
        }
        return out;
    }

    /** What a notification about a group says when no event of the moment describes it. */
    record GroupSummary(String status, String errorType, String message, String lastRelease) {
    }

    Optional<GroupSummary> group(String projectId, String fingerprint) {
        return reader.withHandle(h -> h.createQuery("SELECT status, error_type, message, last_release FROM error_groups "
                        + "WHERE project_id = :p AND fingerprint = :fp").bind("p", projectId).bind("fp", fingerprint)
                .map((rs, ctx) -> new GroupSummary(rs.getString("status"), rs.getString("error_type"),
                        rs.getString("message"), rs.getString("last_release")))
                .findOne());
    }

    /** The username of the person on the group, null when nobody is (or there is no such group). */
    String assignee(String projectId, String fingerprint) {
        return reader.withHandle(h -> h.createQuery("SELECT u.username FROM error_groups g JOIN users u "
                        + "ON u.id = g.assignee_id WHERE g.project_id = :p AND g.fingerprint = :fp")
                .bind("p", projectId).bind("fp", fingerprint).mapTo(String.class).findOne().orElse(null));
    }

    /** When the rule last fired for the group, or empty. */
    Optional<Long> lastFired(long ruleId, String fingerprint) {
        return reader.withHandle(h -> h.createQuery("SELECT last_fired FROM alert_cooldowns WHERE rule_id = :rule "
                        + "AND fingerprint = :fp").bind("rule", ruleId).bind("fp", fingerprint)
                .mapTo(Long.class).findOne());
    }

    /** A project's slug (the name in dashboard links), empty when the project is gone. */
    Optional<String> projectSlug(String projectId) {
        return reader.withHandle(h -> h.createQuery("SELECT slug FROM projects WHERE id = :p").bind("p", projectId)
                .mapTo(String.class).findOne());
    }

    private Rule rule(ResultSet rs) throws SQLException {
        return new Rule(rs.getLong("id"), rs.getString("project_id"), rs.getString("name"), rs.getString("description"),
                rs.getString("rule_type"), node(rs.getString("config")), rs.getInt("enabled") == 1,
                rs.getLong("cooldown_secs"), rs.getString("environment_filter"), rs.getString("source_filter"),
                rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private ObjectNode node(String text) {
        try {
            return (ObjectNode) json.readTree(text);
        } catch (JsonProcessingException | ClassCastException e) {
            return json.createObjectNode().put("type", "invalid");
        }
    }

    private String text(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
