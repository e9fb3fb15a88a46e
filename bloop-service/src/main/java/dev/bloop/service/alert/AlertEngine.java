package dev.bloop.service.alert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.pipeline.FlushListener;
import dev.bloop.service.pipeline.FlushOutcome;
import io.dropwizard.lifecycle.Managed;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which rules fire. New-issue and regression facts come from the writer's committed flushes
 * (the database decided them, so a restart never makes an old group new), handed over without
 * blocking the writer. Threshold and spike rules are evaluated on a schedule from minute counts.
 * Every rule honours its environment and source filters and its per-group cooldown; muted and
 * ignored groups never alert.
 */
public final class AlertEngine implements FlushListener, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    private static final Set<String> SILENT = Set.of("muted", "ignored");
    private static final long MINUTE_MS = 60_000;

    private final AlertStore store;
    private final Dispatcher dispatcher;
    private final AlertService service;
    private final String baseUrl;
    private final long evaluationMs;
    private final Map<String, String> slugs = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor facts = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "bloop-alert-facts");
                t.setDaemon(true);
                return t;
            });
    private final ScheduledExecutorService evaluator = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bloop-alert-evaluator");
        t.setDaemon(true);
        return t;
    });

    AlertEngine(AlertStore store, Dispatcher dispatcher, AlertService service, AlertConfig config) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.service = service;
        this.baseUrl = config.getBaseUrl().endsWith("/") ? config.getBaseUrl().substring(0, config.getBaseUrl().length() - 1)
                : config.getBaseUrl();
        this.evaluationMs = config.getEvaluationInterval().toMilliseconds();
    }

    /** On the writer thread: only hands the facts over. */
    @Override
    public void flushed(FlushOutcome outcome) {
        List<FlushOutcome.GroupChange> changes = new ArrayList<>();
        for (FlushOutcome.GroupChange c : outcome.changes()) {
            if (c.created() || c.regressed()) {
                changes.add(c);
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        try {
            facts.execute(() -> onFacts(changes));
        } catch (RejectedExecutionException e) {
            LOG.error("Alert engine backlog full; {} new/regressed groups not evaluated", changes.size());
        }
    }

    private void onFacts(List<FlushOutcome.GroupChange> changes) {
        try {
            Map<String, List<FlushOutcome.GroupChange>> byProject = new LinkedHashMap<>();
            changes.forEach(c -> byProject.computeIfAbsent(c.projectId(), k -> new ArrayList<>()).add(c));
            for (Map.Entry<String, List<FlushOutcome.GroupChange>> e : byProject.entrySet()) {
                List<AlertStore.Rule> rules = store.enabledRules(e.getKey(),
                        List.of(RuleConfigs.NEW_ISSUE, RuleConfigs.REGRESSION));
                for (FlushOutcome.GroupChange c : e.getValue()) {
                    IngestEvent ev = c.latest().event();
                    for (AlertStore.Rule rule : rules) {
                        boolean matches = rule.type().equals(RuleConfigs.NEW_ISSUE) ? c.created() : c.regressed();
                        if (!matches || SILENT.contains(c.status()) || !passesFilters(rule, ev.environment(), ev.source())) {
                            continue;
                        }
                        fire(rule, c.fingerprint(), ev.errorType(), ev.message(), ev.release(), ev.environment(), c.count(),
                                c.created() ? "New issue" : "Regression");
                    }
                }
            }
        } catch (RuntimeException ex) {
            LOG.error("Evaluating new and regressed groups failed", ex);
        }
    }

    /** Threshold and spike rules, over minute counts. */
    void evaluateWindows(long now) {
        for (AlertStore.Rule rule : store.enabledRules(List.of(RuleConfigs.THRESHOLD, RuleConfigs.SPIKE))) {
            try {
                ObjectNode c = rule.config();
                if (rule.type().equals(RuleConfigs.THRESHOLD)) {
                    long window = c.path("window_secs").asLong() * 1000;
                    long since = Math.floorDiv(now - window, MINUTE_MS) * MINUTE_MS;
                    long threshold = c.path("threshold").asLong();
                    for (AlertStore.WindowCount w : store.windowCounts(rule.projectId(), since, since,
                            rule.environmentFilter(), text(c, "fingerprint"), text(c, "route"), rule.sourceFilter(),
                            threshold + 1)) {
                        if (!SILENT.contains(w.status())) {
                            fire(rule, w.fingerprint(), w.errorType(), w.message(), w.lastRelease(), rule.environmentFilter(),
                                    w.count(), "Threshold: " + w.count() + " events in " + c.path("window_secs").asLong() + " s");
                        }
                    }
                } else {
                    long compare = c.path("compare_window_secs").asLong() * 1000;
                    long baseline = c.path("baseline_window_secs").asLong() * 1000;
                    double multiplier = c.path("multiplier").asDouble();
                    long since = Math.floorDiv(now - compare, MINUTE_MS) * MINUTE_MS;
                    long from = Math.floorDiv(now - compare - baseline, MINUTE_MS) * MINUTE_MS;
                    for (AlertStore.WindowCount w : store.windowCounts(rule.projectId(), from, since,
                            rule.environmentFilter(), null, null, rule.sourceFilter(), Math.max(1, c.path("min_events").asLong()))) {
                        double recentRate = (double) w.count() / compare;
                        double baselineRate = (double) w.baseline() / baseline;
                        if (!SILENT.contains(w.status()) && recentRate > multiplier * baselineRate) {
                            fire(rule, w.fingerprint(), w.errorType(), w.message(), w.lastRelease(), rule.environmentFilter(),
                                    w.count(), String.format(java.util.Locale.ROOT, "Spike: %d events in %d s, %.1fx the baseline rate",
                                            w.count(), compare / 1000, baselineRate == 0 ? Double.POSITIVE_INFINITY : recentRate / baselineRate));
                        }
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("Evaluating rule {} failed", rule.id(), e);
            }
        }
    }

    private void fire(AlertStore.Rule rule, String fingerprint, String errorType, String message, String release,
                      String environment, long count, String reason) {
        long now = System.currentTimeMillis();
        if (!store.claimCooldown(rule.id(), fingerprint, now, rule.cooldownSecs() * 1000)) {
            return;
        }
        Notification n = new Notification(new Notification.RuleRef(rule.id(), rule.name(), rule.type()), rule.projectId(),
                fingerprint, errorType, message, release, environment, count, reason,
                issueLink(rule.projectId(), fingerprint), now, "bloop");
        dispatcher.dispatch(rule.id(), service.targets(rule.id()), n);
    }

    /**
     * The issue page in the dashboard, which routes {@code /issues/<fingerprint>} by path and takes
     * the project from {@code ?project=<slug>} (slugs never change, so the cache never goes stale).
     */
    String issueLink(String projectId, String fingerprint) {
        String slug = slugs.computeIfAbsent(projectId, id -> store.projectSlug(id).orElse(id));
        return baseUrl + "/issues/" + fingerprint + "?project=" + URLEncoder.encode(slug, StandardCharsets.UTF_8);
    }

    private static boolean passesFilters(AlertStore.Rule rule, String environment, String source) {
        return (rule.environmentFilter() == null || rule.environmentFilter().equals(environment))
                && (rule.sourceFilter() == null || rule.sourceFilter().equals(source));
    }

    private static String text(ObjectNode c, String key) {
        return c.hasNonNull(key) ? c.get(key).asText() : null;
    }

    @Override
    public void start() {
        evaluator.scheduleWithFixedDelay(() -> {
            try {
                evaluateWindows(System.currentTimeMillis());
            } catch (RuntimeException e) {
                LOG.error("Threshold/spike evaluation failed", e);
            }
        }, evaluationMs, evaluationMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        evaluator.shutdown();
        facts.shutdown();
        facts.awaitTermination(10, TimeUnit.SECONDS);
        evaluator.awaitTermination(10, TimeUnit.SECONDS);
    }
}
