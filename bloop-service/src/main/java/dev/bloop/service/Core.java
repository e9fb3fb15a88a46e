package dev.bloop.service;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.alert.ExternalRules;
import dev.bloop.service.ingest.IngestGate;
import dev.bloop.service.ingest.IngestHandler;
import dev.bloop.service.ops.HeapReturn;
import dev.bloop.service.pipeline.BoundedQueue;
import dev.bloop.service.project.ProjectDeletion;
import dev.bloop.service.project.ProjectDetail;
import dev.bloop.service.project.ProjectKeys;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.releases.ReleaseHealthStore;
import dev.bloop.service.store.Database;
import dev.bloop.service.token.TokenService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the core offers the optional modules (LLM tracing, analytics, Sentry-compatible ingest) once
 * it is wired: the store, projects, the ingest front door (keys, signatures, workers) and the ingest path
 * behind it, project keys, release health, alert rule types and channels, a say in project deletion, and
 * places to add to a project's details and to /health's warnings. Modules reach the core only through this.
 */
public final class Core {
    private final Database db;
    private final ProjectStore projects;
    private final IngestHandler ingest;
    private final ExternalRules alertRules;
    private final ObjectMapper json;
    private final MetricRegistry metrics;
    private final ProjectKeys projectKeys;
    private final ReleaseHealthStore releaseHealth;
    private final List<ProjectDetail> projectDetails;
    private final List<String> warnings;
    private final TokenService tokens;
    private final HeapReturn heapReturn;
    private final List<ProjectDeletion.Pipeline> drops = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> deletes = new CopyOnWriteArrayList<>();

    Core(Database db, ProjectStore projects, IngestHandler ingest, ExternalRules alertRules, ObjectMapper json,
         MetricRegistry metrics, ProjectKeys projectKeys, ReleaseHealthStore releaseHealth,
         List<ProjectDetail> projectDetails, List<String> warnings, TokenService tokens, HeapReturn heapReturn) {
        this.heapReturn = heapReturn;
        this.tokens = tokens;
        this.projectKeys = projectKeys;
        this.releaseHealth = releaseHealth;
        this.projectDetails = projectDetails;
        this.warnings = warnings;
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

    /** The error ingest path after the door (quota, validation, grouping, filters, ledger, queue), for events
     * that arrive through other endpoints. */
    public IngestGate gate() {
        return ingest.gate();
    }

    /** A project by its ingest or DSN key (cached; invalidated on rotation and deletion). */
    public ProjectKeys projectKeys() {
        return projectKeys;
    }

    public ReleaseHealthStore releaseHealth() {
        return releaseHealth;
    }

    /** What a module adds to a project's details (GET /v1/projects/{slug}): the Sentry DSN, for example. */
    public List<ProjectDetail> projectDetails() {
        return projectDetails;
    }

    /** Warnings /health lists and the server logs at start (a module's risky setting, for example). */
    public List<String> warnings() {
        return warnings;
    }

    /** API tokens: a module's own routes (served beside Jersey) authenticate a bearer token with it. */
    public TokenService tokens() {
        return tokens;
    }

    /** A module's own ingest queue: the heap a flood of it grew is given back once it has drained. */
    public void watchBacklog(BoundedQueue<?> queue) {
        heapReturn.watch(queue);
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
