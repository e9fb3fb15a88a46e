package dev.bloop.service.llm.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.llm.Experiment;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.bloop.service.store.Dialect;
import org.jdbi.v3.core.Jdbi;

/** The experiments table and its weight history; every read and write is of one project. */
final class ExperimentStore {
    private final String rowId;
    private static final String COLUMNS = "id, project_id, name, description, status, unit, metrics, primary_metric, "
            + "min_samples, variants, created_at, updated_at, created_by";
    private static final TypeReference<List<Experiment.Variant>> VARIANTS = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<LinkedHashMap<String, Integer>> WEIGHTS = new TypeReference<>() {};

    private final Jdbi writer;
    private final Jdbi reader;
    private final ObjectMapper json;

    ExperimentStore(Jdbi writer, Jdbi reader, ObjectMapper json, Dialect dialect) {
        this.rowId = dialect.rowId();
        this.writer = writer;
        this.reader = reader;
        this.json = json;
    }

    /** Inserts it; empty when the project already has an experiment of that name. */
    Optional<ExperimentDef> create(ExperimentDef e) {
        return writer.inTransaction(h -> {
            boolean taken = h.createQuery("SELECT EXISTS (SELECT 1 FROM llm_experiments WHERE project_id = :p "
                    + "AND name = :n)").bind("p", e.projectId()).bind("n", e.name()).mapTo(Boolean.class).one();
            if (taken) {
                return Optional.empty();
            }
            long id = h.createUpdate("INSERT INTO llm_experiments (project_id, name, description, status, unit, metrics, "
                            + "primary_metric, min_samples, variants, created_at, updated_at, created_by) VALUES (:p, :n, "
                            + ":d, :s, :u, :m, :pm, :ms, :v, :c, :c, :by)")
                    .bind("p", e.projectId()).bind("n", e.name()).bind("d", e.description()).bind("s", e.status())
                    .bind("u", e.unit()).bind("m", write(e.metrics())).bind("pm", e.primaryMetric())
                    .bind("ms", e.minSamples()).bind("v", write(e.variants())).bind("c", e.createdAt())
                    .bind("by", e.createdBy()).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return Optional.of(new ExperimentDef(id, e.projectId(), e.name(), e.description(), e.status(), e.unit(),
                    e.metrics(), e.primaryMetric(), e.minSamples(), e.variants(), e.createdAt(), e.createdAt(),
                    e.createdBy()));
        });
    }

    List<ExperimentDef> list(String projectId) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM llm_experiments WHERE project_id = :p "
                + "ORDER BY created_at DESC, id DESC").bind("p", projectId).map((rs, ctx) -> row(rs)).list());
    }

    Optional<ExperimentDef> find(String projectId, long id) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM llm_experiments WHERE project_id = :p "
                + "AND id = :id").bind("p", projectId).bind("id", id).map((rs, ctx) -> row(rs)).findOne());
    }

    Optional<ExperimentDef> findByName(String projectId, String name) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM llm_experiments WHERE project_id = :p "
                + "AND name = :n").bind("p", projectId).bind("n", name).map((rs, ctx) -> row(rs)).findOne());
    }

    /** Stores a new status and variants; records the weights' change when there is one. */
    void update(ExperimentDef before, String status, List<Experiment.Variant> variants, long now, String by) {
        Map<String, Integer> from = weights(before.variants());
        Map<String, Integer> to = weights(variants);
        writer.useTransaction(h -> {
            h.createUpdate("UPDATE llm_experiments SET status = :s, variants = :v, updated_at = :now WHERE id = :id "
                    + "AND project_id = :p").bind("s", status).bind("v", write(variants)).bind("now", now)
                    .bind("id", before.id()).bind("p", before.projectId()).execute();
            if (!from.equals(to)) {
                h.createUpdate("INSERT INTO llm_experiment_weight_changes (experiment_id, at, by, before, after) "
                        + "VALUES (:id, :at, :by, :b, :a)").bind("id", before.id()).bind("at", now).bind("by", by)
                        .bind("b", write(from)).bind("a", write(to)).execute();
            }
        });
    }

    boolean delete(String projectId, long id) {
        return writer.withHandle(h -> h.createUpdate("DELETE FROM llm_experiments WHERE project_id = :p AND id = :id")
                .bind("p", projectId).bind("id", id).execute()) > 0;
    }

    void deleteProject(String projectId) {
        writer.useHandle(h -> h.createUpdate("DELETE FROM llm_experiments WHERE project_id = :p")
                .bind("p", projectId).execute());
    }

    /** The experiment's weight changes, oldest first (the caller has checked the experiment's project). */
    List<Experiment.WeightChange> weightChanges(long experimentId) {
        return reader.withHandle(h -> h.createQuery("SELECT at, by, before, after FROM llm_experiment_weight_changes "
                // Changes of one millisecond in the order they were written.
                + "WHERE experiment_id = :id ORDER BY at, " + rowId).bind("id", experimentId)
                .map((rs, ctx) -> new Experiment.WeightChange(rs.getLong(1), rs.getString(2), read(rs.getString(3), WEIGHTS),
                        read(rs.getString(4), WEIGHTS))).list());
    }

    static Map<String, Integer> weights(List<Experiment.Variant> variants) {
        Map<String, Integer> m = new LinkedHashMap<>();
        variants.forEach(v -> m.put(v.name(), v.weight()));
        return m;
    }

    private ExperimentDef row(ResultSet rs) throws SQLException {
        int samples = rs.getInt("min_samples");
        Integer minSamples = rs.wasNull() ? null : samples;
        return new ExperimentDef(rs.getLong("id"), rs.getString("project_id"), rs.getString("name"),
                rs.getString("description"), rs.getString("status"), rs.getString("unit"),
                read(rs.getString("metrics"), STRINGS), rs.getString("primary_metric"),
                minSamples, read(rs.getString("variants"), VARIANTS), rs.getLong("created_at"),
                rs.getLong("updated_at"), rs.getString("created_by"));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable experiment column: " + e.getOriginalMessage(), e);
        }
    }
}
