package dev.bloop.service.errors;

import dev.bloop.api.ErrorFacets;
import dev.bloop.service.store.Database;
import java.util.List;
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

    private final Jdbi reader;

    FacetQueries(Database db) {
        this.reader = db.reader();
    }

    /**
     * Keyed by the list's parameter names. Releases newest first (a picker's likely choice); the
     * others by events, largest first. At most {@code limit} values each.
     */
    ErrorFacets facets(String projectId, int limit) {
        return reader.withHandle(h -> new ErrorFacets(
                values(h, "SELECT environment AS value, count(*) AS issues, sum(count) AS events "
                        + "FROM group_env_counts WHERE project_id = :p GROUP BY environment ORDER BY 3 DESC, 1",
                        projectId, limit),
                values(h, "SELECT release AS value, count(DISTINCT fingerprint) AS issues, sum(count) AS events "
                        + "FROM group_counts WHERE project_id = :p GROUP BY release ORDER BY max(last_seen) DESC, 1",
                        projectId, limit),
                values(h, "SELECT source AS value, count(*) AS issues, sum(total_count) AS events FROM error_groups "
                        + "WHERE project_id = :p GROUP BY source ORDER BY 3 DESC, 1", projectId, limit),
                values(h, "SELECT route_or_procedure AS value, count(*) AS issues, sum(total_count) AS events "
                        + "FROM error_groups WHERE project_id = :p AND route_or_procedure IS NOT NULL "
                        + "GROUP BY route_or_procedure ORDER BY 3 DESC, 1", projectId, limit)));
    }

    private static List<ErrorFacets.Value> values(Handle h, String sql, String projectId, int limit) {
        return h.createQuery(sql + " LIMIT :n").bind("p", projectId).bind("n", limit)
                .map((rs, ctx) -> new ErrorFacets.Value(rs.getString("value"), rs.getLong("issues"),
                        rs.getLong("events"))).list();
    }
}
