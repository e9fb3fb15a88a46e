package dev.bloop.service.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.llm.Money;
import dev.bloop.service.alert.ExternalRules;
import dev.bloop.service.alert.InvalidAlertException;
import io.dropwizard.lifecycle.Managed;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import dev.bloop.service.store.Nodes;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LLM alert rules, evaluated outside the error alert engine from the LLM writer's flush facts
 * and sent through the rules' channels, cooldowns and delivery log:
 * <ul>
 * <li>{@code llm_cost} {@code {threshold_dollars, window_secs, model?}}: more than that spent in the window;</li>
 * <li>{@code llm_error_rate} {@code {threshold_percent, min_calls, window_secs, model?}}: more than that share
 * of model calls failed, with at least {@code min_calls} calls;</li>
 * <li>{@code llm_latency} {@code {threshold_ms, percentile, min_calls, window_secs, model?}}: the window's
 * latency percentile (95 by default, nearest rank) over {@code threshold_ms}.</li>
 * </ul>
 * Each rule keeps per-minute sums of its window in memory (a few numbers per minute, the latency
 * rule counting calls slower than its threshold, which decides the percentile exactly), filled from
 * the spans table when the rule is first seen (so a restart loses nothing) and then from the facts
 * of each committed flush. Rules are checked after each flush that touched them and every
 * {@code alert_evaluation_secs}, so that a window that empties also stops counting.
 */
final class LlmAlerts implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(LlmAlerts.class);
    static final String COST = "llm_cost";
    static final String ERROR_RATE = "llm_error_rate";
    static final String LATENCY = "llm_latency";
    static final List<String> TYPES = List.of(COST, ERROR_RATE, LATENCY);
    private static final long MINUTE_MS = 60_000;
    private static final long MAX_WINDOW_SECS = 24 * 3600;

    private final ExternalRules rules;
    private final Jdbi reader;
    private final long evaluationMs;
    private final Map<Long, RuleState> states = new HashMap<>();
    private final ThreadPoolExecutor facts = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1_000), r -> {
                Thread t = new Thread(r, "bloop-llm-alerts");
                t.setDaemon(true);
                return t;
            });
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "bloop-llm-alerts-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean anyRules;
    private final Nodes nodes;
    static final String JOB = "llm-alerts";

    /**
     * @param nodes with other nodes on the database, only the node leading {@value #JOB} evaluates, and it
     *              reads every rule's window from the spans table at each pass (other nodes' spans reach
     *              it only there) instead of counting its own flushes in between
     */
    LlmAlerts(ExternalRules rules, Jdbi reader, long evaluationMs, Nodes nodes) {
        this.nodes = nodes;
        this.rules = rules;
        this.reader = reader;
        this.evaluationMs = evaluationMs;
    }

    /** Registers the rule types with the alert API's validation. */
    void register() {
        rules.register(COST, LlmAlerts::validateCost);
        rules.register(ERROR_RATE, LlmAlerts::validateErrorRate);
        rules.register(LATENCY, LlmAlerts::validateLatency);
    }

    // --------------------------------------------------------------------------------- validation

    static ObjectNode validateCost(JsonNode c) throws InvalidAlertException {
        allow(c, Set.of("type", "threshold_dollars", "window_secs", "model"));
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", COST);
        JsonNode t = c.get("threshold_dollars");
        if (t == null || !t.isNumber() || t.decimalValue().signum() <= 0
                || t.decimalValue().compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
            throw new InvalidAlertException("config.threshold_dollars",
                    "config.threshold_dollars must be a number of dollars above 0 (at most 1000000)");
        }
        out.put("threshold_dollars", t.decimalValue());
        return common(c, out);
    }

    static ObjectNode validateErrorRate(JsonNode c) throws InvalidAlertException {
        allow(c, Set.of("type", "threshold_percent", "min_calls", "window_secs", "model"));
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", ERROR_RATE);
        out.put("threshold_percent", percent(c, "threshold_percent", null, 100));
        out.put("min_calls", whole(c, "min_calls", 10L, 1, 1_000_000_000));
        return common(c, out);
    }

    static ObjectNode validateLatency(JsonNode c) throws InvalidAlertException {
        allow(c, Set.of("type", "threshold_ms", "percentile", "min_calls", "window_secs", "model"));
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", LATENCY);
        out.put("threshold_ms", whole(c, "threshold_ms", null, 1, 3_600_000));
        out.put("percentile", percent(c, "percentile", 95.0, 100));
        out.put("min_calls", whole(c, "min_calls", 10L, 1, 1_000_000_000));
        return common(c, out);
    }

    private static ObjectNode common(JsonNode c, ObjectNode out) throws InvalidAlertException {
        out.put("window_secs", whole(c, "window_secs", 3600L, 60, MAX_WINDOW_SECS));
        JsonNode m = c.get("model");
        if (m != null && !m.isNull()) {
            if (!m.isTextual() || m.asText().isBlank() || m.asText().length() > TraceValidator.MAX_NAME_CHARS) {
                throw new InvalidAlertException("config.model", "config.model must be a model name (1 to "
                        + TraceValidator.MAX_NAME_CHARS + " characters), or left out for every model");
            }
            out.put("model", m.asText());
        }
        return out;
    }

    private static void allow(JsonNode c, Set<String> keys) throws InvalidAlertException {
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!keys.contains(key)) {
                throw new InvalidAlertException("config." + key, "config." + key + " is not a setting of "
                        + c.path("type").asText() + " rules");
            }
        }
    }

    private static long whole(JsonNode c, String key, Long fallback, long min, long max) throws InvalidAlertException {
        JsonNode v = c.get(key);
        if ((v == null || v.isNull()) && fallback != null) {
            return fallback;
        }
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new InvalidAlertException("config." + key, "config." + key + " must be a whole number from " + min
                    + " to " + max);
        }
        return v.asLong();
    }

    private static double percent(JsonNode c, String key, Double fallback, double max) throws InvalidAlertException {
        JsonNode v = c.get(key);
        if ((v == null || v.isNull()) && fallback != null) {
            return fallback;
        }
        if (v == null || !v.isNumber() || v.asDouble() <= 0 || v.asDouble() > max) {
            throw new InvalidAlertException("config." + key, "config." + key + " must be a number above 0 and at most "
                    + (long) max);
        }
        return v.asDouble();
    }

    // ------------------------------------------------------------------------------------ state

    /** A rule and the per-minute sums of its window: calls, errors, cost (nanos), slow calls, calls with latency. */
    private static final class RuleState {
        final ExternalRules.Rule rule;
        final String model;
        final long windowMs;
        final long thresholdMs;
        final TreeMap<Long, long[]> minutes = new TreeMap<>();

        RuleState(ExternalRules.Rule rule) {
            this.rule = rule;
            this.model = rule.config().hasNonNull("model") ? rule.config().get("model").asText() : null;
            this.windowMs = rule.config().path("window_secs").asLong(3600) * 1000;
            this.thresholdMs = rule.config().path("threshold_ms").asLong(Long.MAX_VALUE);
        }

        boolean wants(SpanFact f) {
            return f.projectId().equals(rule.projectId()) && (model == null || model.equals(f.model()));
        }

        void add(SpanFact f) {
            long[] m = minutes.computeIfAbsent(Math.floorDiv(f.receivedAt(), MINUTE_MS), k -> new long[5]);
            if (f.generation()) {
                m[0]++;
                m[1] += f.error() ? 1 : 0;
                if (f.latencyMs() != null) {
                    m[3] += f.latencyMs() > thresholdMs ? 1 : 0;
                    m[4]++;
                }
            }
            m[2] += f.costNanos() == null ? 0 : f.costNanos();
        }

        /** The window's sums; minutes that left it are dropped. */
        long[] window(long now) {
            long first = Math.floorDiv(now - windowMs, MINUTE_MS) + 1;
            minutes.headMap(first).clear();
            long[] sum = new long[5];
            for (long[] m : minutes.values()) {
                for (int i = 0; i < 5; i++) {
                    sum[i] += m[i];
                }
            }
            return sum;
        }
    }

    /** On the writer thread: hands the facts over without waiting. */
    void flushed(List<SpanFact> batch) {
        if (!anyRules || nodes.shared()) {
            return;
        }
        try {
            facts.execute(() -> {
                long now = System.currentTimeMillis();
                Set<Long> touched = new java.util.HashSet<>();
                synchronized (states) {
                    for (RuleState s : states.values()) {
                        for (SpanFact f : batch) {
                            if (s.wants(f)) {
                                s.add(f);
                                touched.add(s.rule.id());
                            }
                        }
                    }
                }
                evaluate(now, touched);
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("LLM alert backlog full; {} spans not counted by LLM alert rules", batch.size());
        }
    }

    /** Reads the enabled rules; new or changed ones are filled from the spans table. */
    void refresh(long now) {
        List<ExternalRules.Rule> enabled = rules.enabled(TYPES);
        Map<Long, RuleState> fresh = new HashMap<>();
        for (ExternalRules.Rule r : enabled) {
            RuleState old;
            synchronized (states) {
                old = states.get(r.id());
            }
            if (old != null && old.rule.equals(r)) {
                fresh.put(r.id(), old);
                continue;
            }
            RuleState s = new RuleState(r);
            fill(s, now);
            fresh.put(r.id(), s);
        }
        synchronized (states) {
            states.clear();
            states.putAll(fresh);
        }
        anyRules = !fresh.isEmpty();
    }

    private void fill(RuleState s, long now) {
        long since = (Math.floorDiv(now - s.windowMs, MINUTE_MS) + 1) * MINUTE_MS;
        reader.useHandle(h -> h.createQuery("SELECT received_at / 60000, "
                        + "sum(CASE WHEN span_type = 'generation' THEN 1 ELSE 0 END), "
                        + "sum(CASE WHEN span_type = 'generation' AND status = 'error' THEN 1 ELSE 0 END), "
                        + "coalesce(sum(coalesce(provided_cost_nanos, computed_cost_nanos)), 0), "
                        + "sum(CASE WHEN span_type = 'generation' AND latency_ms > :slow THEN 1 ELSE 0 END), "
                        + "sum(CASE WHEN span_type = 'generation' AND latency_ms IS NOT NULL THEN 1 ELSE 0 END) "
                        + "FROM llm_spans "
                        + "WHERE project_id = :p AND received_at >= :since" + (s.model == null ? "" : " AND model = :m")
                        + " GROUP BY 1")
                .bind("p", s.rule.projectId()).bind("since", since).bind("slow", s.thresholdMs).bind("m", s.model)
                .map((rs, ctx) -> s.minutes.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6)}))
                .list());
    }

    /** Checks the rules (all when {@code only} is null); fires those over their threshold. */
    void evaluate(long now, Set<Long> only) {
        List<RuleState> check;
        synchronized (states) {
            check = states.values().stream().filter(s -> only == null || only.contains(s.rule.id())).toList();
        }
        for (RuleState s : check) {
            try {
                long[] w;
                synchronized (states) {
                    w = s.window(now);
                }
                ExternalRules.Alert alert = check(s, w);
                if (alert != null) {
                    rules.fire(s.rule, alert, now);
                }
            } catch (RuntimeException e) {
                LOG.error("Evaluating LLM rule {} failed", s.rule.id(), e);
            }
        }
    }

    private static ExternalRules.Alert check(RuleState s, long[] w) {
        ObjectNode c = s.rule.config();
        String scope = s.model == null ? "all models" : s.model;
        String key = s.model == null ? "*" : s.model;
        long secs = s.windowMs / 1000;
        String path = "/llm" + (s.model == null ? "" : "?model=" + URLEncoder.encode(s.model, StandardCharsets.UTF_8));
        switch (s.rule.type()) {
            case COST -> {
                BigDecimal threshold = c.path("threshold_dollars").decimalValue();
                BigDecimal spent = Money.dollars(w[2]);
                if (spent.compareTo(threshold) > 0) {
                    return new ExternalRules.Alert(key, "LLM cost", "$" + spent.setScale(4, RoundingMode.HALF_UP)
                            .toPlainString() + " spent on " + scope + " in the last " + secs + " s, over $"
                            + threshold.stripTrailingZeros().toPlainString(), w[0],
                            "LLM cost: $" + spent.setScale(2, RoundingMode.HALF_UP).toPlainString() + " in " + secs + " s",
                            path);
                }
            }
            case ERROR_RATE -> {
                double threshold = c.path("threshold_percent").asDouble();
                long minCalls = c.path("min_calls").asLong(10);
                if (w[0] >= minCalls && w[0] > 0 && w[1] * 100.0 / w[0] > threshold) {
                    String rate = String.format(Locale.ROOT, "%.1f%%", w[1] * 100.0 / w[0]);
                    return new ExternalRules.Alert(key, "LLM error rate", rate + " of " + w[0] + " calls to " + scope
                            + " failed in the last " + secs + " s (" + w[1] + " errors), over "
                            + trim(threshold) + "%", w[0], "LLM error rate: " + rate + " of " + w[0] + " calls", path);
                }
            }
            case LATENCY -> {
                double p = c.path("percentile").asDouble(95);
                long minCalls = c.path("min_calls").asLong(10);
                long n = w[4];
                // Nearest rank: the p-th percentile is over the threshold exactly when more than
                // n - ceil(p/100 * n) calls were slower than it.
                long rank = BigDecimal.valueOf(p).multiply(BigDecimal.valueOf(n)).divide(BigDecimal.valueOf(100), 0,
                        RoundingMode.CEILING).longValue();
                if (n >= minCalls && n > 0 && w[3] > n - rank) {
                    return new ExternalRules.Alert(key, "LLM latency", "p" + trim(p) + " latency of " + scope
                            + " over " + s.thresholdMs + " ms in the last " + secs + " s: " + w[3] + " of " + n
                            + " calls took longer", n, "LLM latency: p" + trim(p) + " over " + s.thresholdMs + " ms", path);
                }
            }
            default -> {
                return null;
            }
        }
        return null;
    }

    private static String trim(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    @Override
    public void start() {
        // On the facts thread, so that filling a new rule from the spans table and counting flush facts
        // never interleave.
        timer.scheduleWithFixedDelay(() -> {
            try {
                facts.execute(() -> {
                    try {
                        long now = System.currentTimeMillis();
                        if (nodes.shared()) {
                            synchronized (states) {
                                states.clear();
                            }
                            if (!nodes.leads(JOB)) {
                                anyRules = false;
                                return;
                            }
                        }
                        refresh(now);
                        evaluate(now, null);
                    } catch (RuntimeException e) {
                        LOG.error("LLM alert evaluation failed", e);
                    }
                });
            } catch (RejectedExecutionException e) {
                LOG.warn("LLM alert backlog full; evaluation skipped");
            }
        }, 0, evaluationMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        timer.shutdown();
        facts.shutdown();
        facts.awaitTermination(10, TimeUnit.SECONDS);
        timer.awaitTermination(10, TimeUnit.SECONDS);
    }
}
