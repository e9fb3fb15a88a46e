package dev.bloop.service.fingerprint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL for the per-project in-app rules ({@code grouping_rules}). */
final class GroupingRulesStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** A project's rules as stored. */
    record Stored(String projectId, InAppRules rules, long updatedAt, String updatedBy) {
    }

    private final Jdbi writer;
    private final Jdbi reader;
    private final ObjectMapper json;

    GroupingRulesStore(Database db, ObjectMapper json) {
        this.writer = db.writer();
        this.reader = db.reader();
        this.json = json;
    }

    List<Stored> all() {
        return reader.withHandle(h -> h.createQuery("SELECT project_id, in_app_include, in_app_exclude, version, "
                + "updated_at, updated_by FROM grouping_rules").map((rs, ctx) -> stored(rs)).list());
    }

    Optional<Stored> find(String projectId) {
        return reader.withHandle(h -> find(h, projectId));
    }

    /**
     * Replaces the project's rules in one IMMEDIATE transaction; the version goes up by one when the
     * lists differ from the stored ones, and an identical save changes nothing.
     */
    Stored save(String projectId, List<String> include, List<String> exclude, String actor, long now) {
        return writer.inTransaction(h -> {
            Optional<Stored> current = find(h, projectId);
            if (current.isPresent() && current.get().rules().include().equals(include)
                    && current.get().rules().exclude().equals(exclude)) {
                return current.get();
            }
            int version = current.map(s -> s.rules().version()).orElse(0) + 1;
            h.createUpdate("INSERT INTO grouping_rules (project_id, in_app_include, in_app_exclude, version, "
                            + "updated_at, updated_by) VALUES (:p, :inc, :exc, :v, :now, :by) ON CONFLICT (project_id) "
                            + "DO UPDATE SET in_app_include = excluded.in_app_include, in_app_exclude = "
                            + "excluded.in_app_exclude, version = excluded.version, updated_at = excluded.updated_at, "
                            + "updated_by = excluded.updated_by")
                    .bind("p", projectId).bind("inc", write(include)).bind("exc", write(exclude)).bind("v", version)
                    .bind("now", now).bind("by", actor).execute();
            return new Stored(projectId, new InAppRules(include, exclude, version), now, actor);
        });
    }

    private Optional<Stored> find(Handle h, String projectId) {
        return h.createQuery("SELECT project_id, in_app_include, in_app_exclude, version, updated_at, updated_by "
                        + "FROM grouping_rules WHERE project_id = :p")
                .bind("p", projectId).map((rs, ctx) -> stored(rs)).findOne();
    }

    private Stored stored(ResultSet rs) throws SQLException {
        return new Stored(rs.getString("project_id"), new InAppRules(read(rs.getString("in_app_include")),
                read(rs.getString("in_app_exclude")), rs.getInt("version")), rs.getLong("updated_at"),
                rs.getString("updated_by"));
    }

    private List<String> read(String text) {
        try {
            return json.readValue(text, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("grouping_rules holds a list that is not JSON: " + e.getMessage(), e);
        }
    }

    private String write(List<String> list) {
        try {
            return json.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
