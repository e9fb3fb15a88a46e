package dev.bloop.service;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.alert.ExternalRules;
import dev.bloop.service.ingest.IngestHandler;
import dev.bloop.service.project.ProjectDeletion;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.Database;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the core offers the optional modules (LLM tracing, analytics, Sentry-compatible ingest) once
 * it is wired: the store, projects, the ingest front door (keys, signatures, workers), alert rule
 * types and channels, and a say in project deletion. Modules reach the core only through this.
 */
public final class Core {
    private final Database db;
    private final ProjectStore projects;
    private final IngestHandler ingest;
    private final ExternalRules alertRules;
    private final ObjectMapper json;
    private final MetricRegistry metrics;
    private final List<ProjectDeletion.Pipeline> drops = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> deletes = new CopyOnWriteArrayList<>();

    Core(Database db, ProjectStore projects, IngestHandler ingest, ExternalRules alertRules, ObjectMapper json,
         MetricRegistry metrics) {
        this.db = db;
        this.projects = projects;
        this.ingest = ingest;
        this.alertRules = alertRules;
        this.json = json;
        this.metrics = metrics;
    }

    public Database db() {
        return db;
    }

    public ProjectStore projects() {
        return projects;
    }

    /** The error ingest's parts; {@link IngestHandler#door} gives a module its own signed ingest door. */
    public IngestHandler ingest() {
        return ingest;
    }

    /** Alert rule types evaluated by a module, sent through the rules' channels, cooldowns and delivery log. */
    public ExternalRules alertRules() {
        return alertRules;
    }

    public ObjectMapper json() {
        return json;
    }

    public MetricRegistry metrics() {
        return metrics;
    }

    /**
     * When a project is deleted: first {@code drop} (after it returns, the module commits nothing more
     * of the project), then, once the project row is gone, {@code delete} (remove the module's rows).
     */
    public void onProjectDeletion(ProjectDeletion.Pipeline drop, Consumer<String> delete) {
        drops.add(drop);
        deletes.add(delete);
    }

    void dropProject(String projectId) throws InterruptedException {
        for (ProjectDeletion.Pipeline drop : drops) {
            drop.dropProject(projectId);
        }
    }

    void deleteProject(String projectId) {
        deletes.forEach(d -> d.accept(projectId));
    }

    /** An optional module: a Dropwizard bundle whose parts are wired once the core's are. */
    public interface Module {
        /** Called at the end of the application's {@code run}, after the bundle's own {@code run}. */
        void wire(Core core, io.dropwizard.core.setup.Environment environment);
    }
}
