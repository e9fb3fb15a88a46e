package dev.bloop.service.errors;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bloop.service.store.Database;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The values the list filters can take in one project, so the dashboard can offer pickers of what
 * exists instead of free text: environments and releases from the per-release/environment counts
 * (events of every status), sources and routes from the groups (the values their filters match).
 * Project-scoped, query-only pool, bound parameters only.
 */
final class FacetQueries {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    /** One value of a filter: how many issues and events carry it. */
    record Value(@JsonProperty("value") String value, @JsonProperty("issues") long issues,
                 @JsonProperty("events") long events) {
    }

    private final Jdbi reader;

    FacetQueries(Database db) {
        this.reader = db.reader();
    }

    /**
     * Keyed by the list's parameter names. Releases newest first (a picker's likely choice); the
     * others by events, largest first. At most {@code limit} values each.
     */
    Map<String, List<Value>> facets(String projectId, int limit) {
        return reader.withHandle(h -> {
            Map<String, List<Value>> out = new LinkedHashMap<>();
            out.put("environment", values(h, "SELECT environment, count(*), sum(count) FROM group_env_counts "
                    + "WHERE project_id = :p GROUP BY environment ORDER BY 3 DESC, 1", projectId, limit));
            out.put("release", values(h, "SELECT release, count(DISTINCT fingerprint), sum(count) FROM group_counts "
                    + "WHERE project_id = :p GROUP BY release ORDER BY max(last_seen) DESC, 1", projectId, limit));
            out.put("source", values(h, "SELECT source, count(*), sum(total_count) FROM error_groups "
                    + "WHERE project_id = :p GROUP BY source ORDER BY 3 DESC, 1", projectId, limit));
            out.put("route", values(h, "SELECT route_or_procedure, count(*), sum(total_count) FROM error_groups "
                    + "WHERE project_id = :p AND route_or_procedure IS NOT NULL GROUP BY route_or_procedure "
                    + "ORDER BY 3 DESC, 1", projectId, limit));
            return out;
        });
    }

    private static List<Value> values(Handle h, String sql, String projectId, int limit) {
        return h.createQuery(sql + " LIMIT :n").bind("p", projectId).bind("n", limit)
                .map((rs, ctx) -> new Value(rs.getString(1), rs.getLong(2), rs.getLong(3))).list();
    }
}
