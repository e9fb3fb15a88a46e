package dev.bloop.service;

import dev.bloop.service.alert.Alerting;
import dev.bloop.service.analytics.AnalyticsBundle;
import dev.bloop.service.apidoc.OpenApiResource;
import dev.bloop.service.auth.Authentication;
import dev.bloop.service.cli.BackupCommand;
import dev.bloop.service.cli.CreateTokenCommand;
import dev.bloop.service.cli.PurgeCommand;
import dev.bloop.service.cli.MigrateCommand;
import dev.bloop.service.errors.BadParameterException;
import dev.bloop.service.errors.ErrorsResource;
import dev.bloop.service.config.BloopConfigSource;
import dev.bloop.service.fingerprint.GroupingRules;
import dev.bloop.service.fingerprint.GroupingRulesResource;
import dev.bloop.service.ingest.IngestHandler;
import dev.bloop.service.ingest.IngestLedger;
import dev.bloop.service.ingest.IngestPolicies;
import dev.bloop.service.ingest.IngestPolicyResource;
import dev.bloop.service.ingest.IngestWarmup;
import dev.bloop.service.llm.LlmTracingBundle;
import dev.bloop.service.ops.DatabaseHealthCheck;
import dev.bloop.service.ops.HealthResource;
import dev.bloop.service.ops.HeapReturn;
import dev.bloop.service.ops.PipelineHealthCheck;
import dev.bloop.service.ops.PrometheusEndpoint;
import dev.bloop.service.ops.DeadLettersResource;
import dev.bloop.service.pipeline.DeadLetters;
import dev.bloop.service.pipeline.EventQueue;
import dev.bloop.service.pipeline.SpillJournal;
import dev.bloop.service.store.StorageFailureMapper;
import dev.bloop.service.pipeline.EventWriter;
import dev.bloop.service.project.ProjectDeletion;
import dev.bloop.service.project.ProjectKeys;
import dev.bloop.service.project.ProjectsResource;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.retention.PurgeService;
import dev.bloop.service.retention.RetentionResource;
import dev.bloop.service.retention.RetentionScheduler;
import dev.bloop.service.releases.ReleaseHealthStore;
import dev.bloop.service.sentry.SentryBundle;
import dev.bloop.service.sourcemap.SourceMapResource;
import dev.bloop.service.sourcemap.Symbolicator;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.StoreMaintenance;
import dev.bloop.service.token.TokenService;
import dev.bloop.service.token.TokensResource;
import dev.bloop.service.web.DashboardPage;
import dev.bloop.service.web.EncodedSlashes;
import dev.bloop.service.web.NoSniff;
import dev.bloop.service.web.JsonErrorMappers;
import dev.bloop.service.web.JsonJettyErrors;
import dev.bloop.service.web.PagedResponses;
import dev.bloop.service.web.SlowClientGuard;
import dev.bloop.service.web.TypedBodies;
import dev.bloop.service.web.UnreadBodies;
import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.core.Application;
import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.forms.MultiPartBundle;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** bloop: wiring only. Each feature builds its own parts; this class connects them. */
public class BloopApplication extends Application<BloopConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(BloopApplication.class);
    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    /** The optional modules; each is a bundle wired after the core (see {@link Core}). */
    private final List<Core.Module> modules = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        // On one or two cores the common pool has a parallelism of 1, and CompletableFuture then runs every
        // async stage without an executor on a new thread of its own. Libraries do that (the JDK's HttpClient
        // for every sendAsync: a third of the LLM proxy's CPU while it used that client, bench/proxy.sh). At
        // least two threads make it a pool (the JVM's own choice, cores - 1, on larger machines).
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM,
                    Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
        new BloopApplication().run(args);
    }

    @Override
    public String getName() {
        return "bloop";
    }

    @Override
    public void initialize(Bootstrap<BloopConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(BloopConfigSource.fromProcess());
        bootstrap.addCommand(new MigrateCommand());
        bootstrap.addCommand(new CreateTokenCommand());
        bootstrap.addCommand(new PurgeCommand());
        bootstrap.addCommand(new BackupCommand());
        bootstrap.addBundle(new MultiPartBundle());
        bootstrap.addBundle(new AssetsBundle("/web/", "/ui/", "index.html", "ui"));
        bootstrap.addBundle(new AssetsBundle("/META-INF/resources/webjars/", "/webjars/", null, "webjars"));
        bootstrap.addBundle(new AssetsBundle("/META-INF/resources/_static/", "/vendor/", null, "vendor"));
        // Optional modules: each reads its own config section and answers 404 on its routes when off.
        module(bootstrap, new SentryBundle());
        module(bootstrap, new LlmTracingBundle());
        module(bootstrap, new AnalyticsBundle());
    }

    private <M extends ConfiguredBundle<BloopConfiguration> & Core.Module> void module(Bootstrap<BloopConfiguration> b,
                                                                                    M module) {
        b.addBundle(module);
        modules.add(module);
    }

    @Override
    public void run(BloopConfiguration config, Environment env) {
        List<String> warnings = new ArrayList<>();
        if (config.getAuth().usesDefaultSecret()) {
            String warning = "auth.hmac_secret is the public quick-start secret; set BLOOP__AUTH__HMAC_SECRET "
                    + "to a private value of at least 16 bytes before exposing this server";
            warnings.add(warning);
            LOG.warn("!!! {} !!!", warning);
        }

        Database db = Database.open(config.getDatabase(), env.metrics());
        env.lifecycle().manage(db);
        int version = db.migrate();
        ProjectStore projects = new ProjectStore(db);
        projects.ensureDefaultProject();
        LOG.info("Database {} at schema version {}", db.file(), version);
        Set<String> legacySigning = Set.copyOf(config.getAuth().getLegacyKeySigning());
        for (String slug : legacySigning.stream().sorted().toList()) {
            String warning = projects.findBySlug(slug).isPresent()
                    ? "auth.legacy_key_signing: project '" + slug + "' also accepts ingest signed with its public "
                    + "key (the original bloop SDKs' habit), which anyone holding one of its apps can do; remove it "
                    + "from the list once its apps sign with the project's secret"
                    : "auth.legacy_key_signing names '" + slug + "', which is not a project (yet); a project "
                    + "created with that slug will accept ingest signed with its public key";
            warnings.add(warning);
            LOG.warn("!!! {} !!!", warning);
        }

        env.lifecycle().manage(new StoreMaintenance(db));

        // Before the writer, so that delivery stops after the writer's final drain (reverse order).
        Alerting alerting = Alerting.create(db, env.getObjectMapper(), config.getAlerting(), config.getSmtp(),
                System.getenv());
        alerting.register(env);

        EventQueue queue = new EventQueue(config.getPipeline().getQueueCapacity());
        // Registered last so that it stops first (Jetty stops in reverse order): its final drain needs
        // the database, and the final WAL truncate should see the drained events.
        DeadLetters deadLetters = new DeadLetters(db.writer(), db.reader());
        SpillJournal journal = new SpillJournal(Path.of(db.file() + ".spill"),
                config.getPipeline().getSpillReserve().toBytes());
        EventWriter writer = new EventWriter(queue, db, env.getObjectMapper(), config.getPipeline(),
                env.metrics(), deadLetters, journal);
        writer.addListener(alerting.engine());
        alerting.engine().readBetweenFlushes(writer::betweenFlushes);
        env.lifecycle().manage(writer);
        HeapReturn heapReturn = new HeapReturn();
        heapReturn.watch(queue);
        env.lifecycle().manage(heapReturn);

        Symbolicator symbolicator = new Symbolicator(db, env.getObjectMapper(),
                config.getSourcemaps().getCacheSize().toBytes());
        ProjectKeys projectKeys = new ProjectKeys(projects, legacySigning, db.nodes());
        IngestPolicies policies = new IngestPolicies(db);
        IngestLedger ledger = new IngestLedger(db);
        GroupingRules groupingRules = new GroupingRules(db, env.getObjectMapper());
        IngestHandler ingest = IngestHandler.create(config.getIngest(), projectKeys, config.getAuth().hmacSecretBytes(),
                queue, db.writeHealth(), policies, ledger, symbolicator, groupingRules, env.metrics());
        env.jersey().register(new IngestPolicyResource(projects, policies, ledger));
        ingest.register(env, config.getIngest());
        // Managed objects start before the port opens.
        env.lifecycle().manage(new IngestWarmup(ingest, writer, config.getAuth().hmacSecretBytes(),
                config.getIngest().getWarmup().toMilliseconds()));

        JsonErrorMappers.replaceDefaults(config.getServerFactory());
        EncodedSlashes.allowOnConnectors(config.getServerFactory());
        EncodedSlashes.register(env);
        NoSniff.register(env);
        JsonErrorMappers.register(env.jersey().getResourceConfig());
        env.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(new JsonJettyErrors()));
        SlowClientGuard guard = new SlowClientGuard(config.getConnections(), env.metrics());
        env.lifecycle().addEventListener(guard.installer(config.getConnections()));
        env.jersey().register(new BadParameterException.Mapper());
        env.jersey().register(new TypedBodies(env.getObjectMapper()));
        env.jersey().register(new TypedBodies.Kinds(env.getObjectMapper()));
        env.jersey().register(new PagedResponses());
        env.jersey().register(new UnreadBodies());
        TokenService tokens = new TokenService(db);
        env.lifecycle().manage(tokens);
        Authentication authentication = new Authentication(db, config.getAuth());
        authentication.register(env, tokens, projects);
        ReleaseHealthStore releaseHealth = new ReleaseHealthStore(db);
        env.lifecycle().manage(releaseHealth);
        List<dev.bloop.service.project.ProjectDetail> projectDetails = new CopyOnWriteArrayList<>();
        Core core = new Core(db, projects, ingest, alerting.externalRules(), env.getObjectMapper(), env.metrics(),
                projectKeys, releaseHealth, projectDetails, warnings, tokens, heapReturn);
        env.jersey().register(new ProjectsResource(projects, projectKeys,
                new ProjectDeletion(db, projectKeys, id -> {
                    writer.dropProject(id);
                    core.dropProject(id);
                }, id -> {
                    deadLetters.deleteProject(id);
                    policies.forget(id);
                    tokens.invalidateCache(); // its tokens went with the project row
                    core.deleteProject(id);
                }), legacySigning, projectDetails));
        env.jersey().register(new TokensResource(tokens, projects));
        PurgeService purge = new PurgeService(db, projects, config.getRetention());
        env.lifecycle().manage(new RetentionScheduler(purge, db.nodes()));
        env.jersey().register(new RetentionResource(purge, projects));
        env.jersey().register(new ErrorsResource(db, env.getObjectMapper(), symbolicator, releaseHealth));
        env.jersey().register(new SourceMapResource(projects, symbolicator, config.getSourcemaps()));
        env.jersey().register(new GroupingRulesResource(projects, groupingRules));
        env.jersey().register(new DashboardPage());
        env.jersey().register(new HealthResource(db, queue, writer, deadLetters, warnings));
        env.jersey().register(new DeadLettersResource(deadLetters, queue));
        env.jersey().register(new StorageFailureMapper(db.writeHealth()));
        env.healthChecks().register("database", new DatabaseHealthCheck(db));
        env.healthChecks().register("pipeline", new PipelineHealthCheck(queue, writer));
        PrometheusEndpoint.register(env);
        for (Core.Module m : modules) {
            m.wire(core, env);
        }
        // Last: the document reads every resource and described servlet route, the modules' included.
        env.jersey().register(new OpenApiResource(env.jersey().getResourceConfig(), version()));
    }

    private static String version() {
        String v = BloopApplication.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
