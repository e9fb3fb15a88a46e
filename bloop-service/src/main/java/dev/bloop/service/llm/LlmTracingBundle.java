package dev.bloop.service.llm;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.Core;
import dev.bloop.service.ingest.IngestDoor;
import dev.bloop.service.llm.eval.Evaluation;
import dev.bloop.service.llm.proxy.LlmProxy;
import dev.bloop.service.pipeline.BoundedQueue;
import dev.bloop.service.pipeline.Journal;
import dev.bloop.service.pipeline.SingleWriter;
import dev.bloop.service.store.Database;
import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLM tracing, an optional module ({@code llm_tracing.enabled}): signed trace ingest with its own
 * bounded queue and single writer into the same SQLite file, token buckets and exact costs from a
 * price table, per-project content storage, the query API, LLM alert rules and the dashboard's LLM
 * pages (served with the rest of the dashboard). Switched off, {@code /v1/llm/*} and
 * {@code /v1/traces*} answer 404 with a sentence saying how to switch it on, and nothing else of it
 * is built.
 */
public final class LlmTracingBundle implements ConfiguredBundle<BloopConfiguration>, Core.Module {
    private static final Logger LOG = LoggerFactory.getLogger(LlmTracingBundle.class);
    private static final String PRICES_FINGERPRINT = "prices_fingerprint";

    private LlmTracingConfig config;

    @Override
    public void run(BloopConfiguration configuration, Environment environment) {
        this.config = configuration.getLlmTracing();
        if (!config.isEnabled()) {
            environment.jersey().register(new TurnedOff());
        }
    }

    @Override
    public void wire(Core core, Environment env) {
        if (!config.isEnabled()) {
            return;
        }
        Database db = core.db();
        ObjectMapper json = core.json();
        ObjectMapper codec = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        Policies policies = new Policies(db.writer(), db.reader(), config.getDefaultContentStorage(),
                PriceBook.loadShipped(json), db.nodes());
        policies.reload();

        BoundedQueue<QueuedTrace> queue = new BoundedQueue<>(config.getChannelCapacity());
        core.watchBacklog(queue);
        PendingTraces pending = new PendingTraces();
        TraceWriter traces = new TraceWriter(db.writer(), db.dialect(), policies, codec, pending,
                config.getMaxSpansPerTrace());
        Journal<QueuedTrace> journal = new Journal<>(Path.of(db.file() + ".llm-spill"), config.getSpillReserve().toBytes(),
                new Journal.Codec<>() {
                    @Override
                    public String encode(QueuedTrace item) {
                        return traces.encode(item);
                    }

                    @Override
                    public QueuedTrace decode(String line) throws IOException {
                        return codec.readValue(line, QueuedTrace.class);
                    }
                });
        SingleWriter<QueuedTrace> writer = new SingleWriter<>("bloop-llm-writer", "traces", "llm.pipeline", queue,
                db.writer(), traces, db.writeHealth(), journal, config.getFlushBatchSize(),
                TimeUnit.SECONDS.toNanos(config.getFlushIntervalSecs()),
                TimeUnit.SECONDS.toMillis(config.getDrainTimeoutSecs()), core.metrics());

        LlmAlerts alerts = new LlmAlerts(core.alertRules(), db.reader(), TimeUnit.SECONDS.toMillis(
                config.getAlertEvaluationSecs()), db.nodes());
        alerts.register();
        traces.addListener(alerts::flushed);

        LatencyHistograms histograms = new LatencyHistograms(System::currentTimeMillis);
        traces.onLatencyWritten(histograms::written);
        // The writer is registered after the event writer, so it stops (and drains) before the database.
        env.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                recomputeIfPricesChanged(db.writer(), policies, traces);
                if (!db.nodes().shared()) {
                    // Before the writer starts (its spill journal is replayed then): every change after is told.
                    db.reader().useHandle(histograms::keepLiveHours);
                }
                writer.start();
            }

            @Override
            public void stop() throws InterruptedException {
                writer.stop();
            }
        });
        env.lifecycle().manage(alerts);
        env.lifecycle().manage(refresher(policies));

        TraceTagCheck experiments = dev.bloop.service.llm.experiment.Experiments.wire(core, env,
                java.time.Duration.ofSeconds(config.getCacheTtlSecs()));
        KnownTraces known = new KnownTraces(pending, db.reader());
        Evaluation evaluation = Evaluation.wire(core, env, known, config.getAlertEvaluationSecs());
        TraceDecoder decoder = new TraceDecoder();
        IngestDoor door = core.ingest().door(queue, config.getMaxPayloadBytes(), "llm.ingest", "traces",
                decoder.mapper(), core.metrics());
        TraceValidator validator = new TraceValidator(decoder.mapper(), config, experiments);
        var servlet = env.servlets().addServlet("llm-traces", new TraceIngestServlet(door, decoder, validator, queue,
                pending, policies, known, evaluation.signedFeedback(), config.getMaxBatchSize()));
        servlet.setAsyncSupported(true);
        servlet.addMapping("/v1/traces", "/v1/traces/*");
        dev.bloop.service.apidoc.ServletRoutes.describe(env, TraceRoutes.class);
        LlmProxy.wire(core, env, config.getProxy(), new TraceSink(validator, queue,
                pending, policies, known, db.writeHealth()), config.getMaxContentBytes());

        env.jersey().register(new LlmResource(new LlmQueries(db.reader(), db.dialect(), json, policies, histograms)));
        env.jersey().register(new LlmSettingsResource(policies, traces, decoder.mapper()));
        dev.bloop.service.llm.exchange.Exchange.wire(core, env,
                new TraceIntake(validator, queue, pending, policies, known, config));

        core.onProjectDeletion(writer::dropProject, id -> {
            histograms.forget(id);
            deleteProject(db.writer(), db.dialect().rowId(), id);
            policies.forget(id);
        });
        env.healthChecks().register("llm-pipeline", new HealthCheck() {
            @Override
            protected Result check() {
                if (!writer.isRunning()) {
                    return Result.unhealthy("the LLM writer is not running");
                }
                double usage = queue.usage();
                return usage < 0.9 ? Result.healthy("queue %.0f%% full", usage * 100)
                        : Result.unhealthy("the LLM trace queue is %.0f%% full", usage * 100);
            }
        });
        LOG.info("LLM tracing on: POST /v1/traces, /v1/traces/batch, PUT /v1/traces/{id}, /v1/proxy/{openai|anthropic}/...; "
                + "price table {}",
                policies.book().shippedVersion());
    }

    /** When this bloop ships another price table than the one stored costs were computed with, recompute them all. */
    private static void recomputeIfPricesChanged(Jdbi writer, Policies policies, TraceWriter traces) {
        String now = policies.book().shippedFingerprint();
        String before = writer.withHandle(h -> h.createQuery("SELECT value FROM llm_state WHERE key = :k")
                .bind("k", PRICES_FINGERPRINT).mapTo(String.class).findOne().orElse(null));
        if (now.equals(before)) {
            return;
        }
        boolean anySpans = writer.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM llm_spans)")
                .mapTo(Boolean.class).one());
        if (anySpans) {
            LOG.info("The shipped price table changed: stored LLM costs are recomputed in the background");
            traces.recompute(null);
        }
        writer.useHandle(h -> h.createUpdate("INSERT INTO llm_state (key, value) VALUES (:k, :v) ON CONFLICT (key) "
                + "DO UPDATE SET value = excluded.value").bind("k", PRICES_FINGERPRINT).bind("v", now).execute());
    }

    /** Re-reads settings and prices every cache_ttl_secs: changes made by another node apply within that bound. */
    private Managed refresher(Policies policies) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bloop-llm-settings");
            t.setDaemon(true);
            return t;
        });
        return new Managed() {
            @Override
            public void start() {
                long every = config.getCacheTtlSecs();
                timer.scheduleWithFixedDelay(() -> {
                    try {
                        policies.reload();
                    } catch (RuntimeException e) {
                        LOG.warn("Reading LLM settings failed: {}", e.getMessage());
                    }
                }, every, every, TimeUnit.SECONDS);
            }

            @Override
            public void stop() {
                timer.shutdownNow();
            }
        };
    }

    /** Deletes a project's LLM rows, in small transactions for the big tables. */
    static void deleteProject(Jdbi writer, String rowId, String projectId) {
        for (String table : List.of("llm_spans", "llm_traces", "llm_dead_letters")) {
            int n;
            do {
                n = writer.withHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE " + rowId + " IN (SELECT "
                        + rowId + " FROM " + table + " WHERE project_id = :p LIMIT 5000)").bind("p", projectId).execute());
            } while (n == 5_000);
        }
        for (String table : List.of("llm_usage_hourly", "llm_traces_hourly", "llm_latency_hourly", "llm_settings",
                "llm_price_overrides")) {
            writer.useHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE project_id = :p")
                    .bind("p", projectId).execute());
        }
    }
}
