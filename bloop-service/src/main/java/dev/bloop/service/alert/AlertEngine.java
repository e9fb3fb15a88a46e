package dev.bloop.service.alert;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.pipeline.FlushListener;
import dev.bloop.service.pipeline.FlushOutcome;
import dev.bloop.service.store.Nodes;
import io.dropwizard.lifecycle.Managed;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which rules fire. Every rule type is evaluated from the writer's committed flushes, handed
 * over without blocking the writer: new-issue and regression facts as the database decided them (so a
 * restart never makes an old group new), threshold and spike windows counted forward in memory
 * ({@link WindowRules}, seeded from minute counts), so an alert leaves when the flush holding the
 * crossing event commits. A scheduler remains only for what no event triggers: a spike that begins as
 * older events leave its baseline, forgetting empty windows, and picking up rule changes made behind
 * the API's back. Every rule honours its environment and source filters and its per-group cooldown;
 * muted and ignored groups never alert.
 */
public final class AlertEngine implements FlushListener, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    private static final Set<String> SILENT = Set.of("muted", "ignored");
    /** Events handed over and not yet counted; past it, counts are dropped and the windows re-seeded. */
    private static final int MAX_PENDING_EVENTS = 20_000;
    static final String WINDOWS_JOB = "alert-windows";

    private final AlertStore store;
    private final Dispatcher dispatcher;
    private final AlertService service;
    private final String baseUrl;
    private final long evaluationMs;
    private final WindowRules windows;
    private final Map<String, String> slugs = new ConcurrentHashMap<>();
    /** Rule and group → until when the rule is cooling down for it: spares the database a write per flush. */
    private final Cache<Cooldown, Long> cooling = Caffeine.newBuilder().maximumSize(100_000).build();
    private final AtomicInteger pendingEvents = new AtomicInteger();
    private final Nodes nodes;
    /**
     * Whether this node keeps the threshold and spike windows: always when alone; with other nodes on
     * the database, only the node leading {@value #WINDOWS_JOB}, which reads every node's counts again
     * at each pass and counts its own flushes in between.
     */
    private volatile boolean countsWindows;
    private volatile boolean countsLost;
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

    private record Cooldown(long ruleId, String fingerprint) {
    }

    AlertEngine(AlertStore store, Dispatcher dispatcher, AlertService service, AlertConfig config, Nodes nodes) {
        this.nodes = nodes;
        this.countsWindows = !nodes.shared();
        this.store = store;
        this.dispatcher = dispatcher;
        this.service = service;
        this.baseUrl = config.getBaseUrl().endsWith("/") ? config.getBaseUrl().substring(0, config.getBaseUrl().length() - 1)
                : config.getBaseUrl();
        this.evaluationMs = config.getEvaluationInterval().toMilliseconds();
        this.windows = new WindowRules(store);
    }

    /** Window rules are seeded between the flushes of this writer, the one whose flushes it is told of. */
    public void readBetweenFlushes(Consumer<Runnable> betweenFlushes) {
        windows.gate(betweenFlushes);
    }

    /** On the writer thread: only hands the facts over. */
    @Override
    public void flushed(FlushOutcome outcome) {
        long handedOver = System.nanoTime();
        boolean count = countsWindows && windows.any();
        int events = count ? outcome.committed().size() : 0;
        if (count && pendingEvents.get() + events > MAX_PENDING_EVENTS) {
            lose("the alert engine is " + pendingEvents.get() + " events behind");
            count = false;
            events = 0;
        }
        if (!count && outcome.changes().stream().noneMatch(c -> c.created() || c.regressed())) {
            return;
        }
        boolean counted = count;
        int held = events;
        // Without counting, only the group changes travel: the committed events are let go at once.
        FlushOutcome facts = counted ? outcome
                : new FlushOutcome(outcome.events(), outcome.committedAt(), outcome.changes(), List.of());
        pendingEvents.addAndGet(held);
        try {
            this.facts.execute(() -> {
                try {
                    onFlush(facts, counted, handedOver);
                } finally {
                    pendingEvents.addAndGet(-held);
                }
            });
        } catch (RejectedExecutionException e) {
            pendingEvents.addAndGet(-held);
            lose("the alert engine's backlog is full");
            LOG.error("Alert engine backlog full; {} groups of a flush not evaluated", outcome.changes().size());
        }
    }

    private void lose(String why) {
        if (!countsLost) {
            LOG.warn("Threshold and spike counts of some flushes were dropped ({}); the windows will be read again "
                    + "from minute counts", why);
        }
        countsLost = true;
    }

    private void onFlush(FlushOutcome outcome, boolean count, long handedOver) {
        try {
            onChanges(outcome.changes());
        } catch (RuntimeException ex) {
            LOG.error("Evaluating new and regressed groups failed", ex);
        }
        if (!count) {
            return;
        }
        try {
            List<WindowRules.Hit> hits = windows.count(outcome, handedOver, System.currentTimeMillis());
            if (hits.isEmpty()) {
                return;
            }
            Map<String, FlushOutcome.GroupChange> byGroup = new HashMap<>();
            outcome.changes().forEach(c -> byGroup.put(c.projectId() + "\n" + c.fingerprint(), c));
            for (WindowRules.Hit hit : hits) {
                FlushOutcome.GroupChange c = byGroup.get(hit.rule().rule.projectId() + "\n" + hit.fingerprint());
                if (c == null || SILENT.contains(c.status())) {
                    continue;
                }
                IngestEvent ev = c.latest().event();
                fire(hit.rule().rule, hit.fingerprint(), ev.errorType(), ev.message(), ev.release(),
                        hit.rule().rule.environmentFilter(), hit.crossing().count(), hit.crossing().reason());
            }
        } catch (RuntimeException ex) {
            LOG.error("Evaluating threshold and spike rules failed", ex);
        }
    }

    private void onChanges(List<FlushOutcome.GroupChange> all) {
        Map<String, List<FlushOutcome.GroupChange>> byProject = new LinkedHashMap<>();
        for (FlushOutcome.GroupChange c : all) {
            if (c.created() || c.regressed()) {
                byProject.computeIfAbsent(c.projectId(), k -> new ArrayList<>()).add(c);
            }
        }
        for (Map.Entry<String, List<FlushOutcome.GroupChange>> e : byProject.entrySet()) {
            List<AlertStore.Rule> rules = store.enabledRules(e.getKey(), List.of(RuleConfigs.NEW_ISSUE, RuleConfigs.REGRESSION));
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
    }

    /** A rule was created, changed or deleted through the API: its window is (re)read at once. */
    void rulesChanged() {
        if (!countsWindows) {
            return;
        }
        try {
            facts.execute(() -> fireAll(windows.reconcile()));
        } catch (RejectedExecutionException e) {
            lose("the alert engine's backlog is full");
        }
    }

    /** The scheduled pass, on the facts thread: rule changes, lost counts, spikes without events, sweeping. */
    private void tick() {
        try {
            if (nodes.shared()) {
                countsWindows = nodes.leads(WINDOWS_JOB);
                if (!countsWindows) {
                    return;
                }
                // Other nodes' flushes reach this node only through the database: read every window again.
                countsLost = true;
            }
            if (countsLost) {
                countsLost = false;
                fireAll(windows.reseedAll());
            } else {
                fireAll(windows.reconcile());
            }
            long now = System.currentTimeMillis();
            fireStored(windows.evaluateSpikes(now));
            windows.sweep(now);
        } catch (RuntimeException e) {
            LOG.error("Threshold/spike evaluation failed", e);
        }
    }

    /** Freshly seeded rules: groups already over the line (while the server was down, say). */
    private void fireAll(List<WindowRule> seeded) {
        long now = System.currentTimeMillis();
        for (WindowRule r : seeded) {
            cooling.asMap().keySet().removeIf(k -> k.ruleId() == r.rule.id());
            fireStored(windows.evaluate(r, now));
        }
    }

    /** Crossings found without a flush: the group as stored says what the notification shows. */
    private void fireStored(List<WindowRules.Hit> hits) {
        for (WindowRules.Hit hit : hits) {
            AlertStore.Rule rule = hit.rule().rule;
            if (coolingDown(rule.id(), hit.fingerprint(), System.currentTimeMillis())) {
                continue;
            }
            store.group(rule.projectId(), hit.fingerprint())
                    .filter(g -> !SILENT.contains(g.status()))
                    .ifPresent(g -> fire(rule, hit.fingerprint(), g.errorType(), g.message(), g.lastRelease(),
                            rule.environmentFilter(), hit.crossing().count(), hit.crossing().reason()));
        }
    }

    private boolean coolingDown(long ruleId, String fingerprint, long now) {
        Long until = cooling.getIfPresent(new Cooldown(ruleId, fingerprint));
        return until != null && until > now;
    }

    private void fire(AlertStore.Rule rule, String fingerprint, String errorType, String message, String release,
                      String environment, long count, String reason) {
        long now = System.currentTimeMillis();
        long cooldownMs = rule.cooldownSecs() * 1000;
        if (coolingDown(rule.id(), fingerprint, now)) {
            return;
        }
        Cooldown key = new Cooldown(rule.id(), fingerprint);
        if (!store.claimCooldown(rule.id(), fingerprint, now, cooldownMs)) {
            store.lastFired(rule.id(), fingerprint).ifPresent(last -> cooling.put(key, last + cooldownMs));
            return;
        }
        if (cooldownMs > 0) {
            cooling.put(key, now + cooldownMs);
        }
        Notification n = new Notification(new Notification.RuleRef(rule.id(), rule.name(), rule.type()), rule.projectId(),
                fingerprint, errorType, message, release, environment, count, reason,
                issueLink(rule.projectId(), fingerprint), now, "bloop", store.assignee(rule.projectId(), fingerprint));
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

    /** Seeds the windows before the writer starts (it is registered later), then schedules the pass. */
    @Override
    public void start() throws Exception {
        if (nodes.shared()) {
            // Asked now rather than at the first pass, so that a node alone on its PostgreSQL (or the
            // first one up) counts its flushes from the start, as on SQLite.
            countsWindows = nodes.leads(WINDOWS_JOB);
        }
        if (countsWindows) {
            facts.submit(() -> fireAll(windows.reconcile())).get();
        }
        evaluator.scheduleWithFixedDelay(() -> {
            try {
                facts.execute(this::tick);
            } catch (RejectedExecutionException e) {
                LOG.warn("Alert engine backlog full; scheduled evaluation skipped");
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
