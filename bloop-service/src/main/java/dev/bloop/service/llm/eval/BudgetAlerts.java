package dev.bloop.service.llm.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.llm.eval.Budget;
import dev.bloop.service.alert.ExternalRules;
import dev.bloop.service.alert.InvalidAlertException;
import io.dropwizard.lifecycle.Managed;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.bloop.service.store.Nodes;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code llm_budget} alert rule ({@code {"type": "llm_budget"}}): when the project's spend this UTC
 * month reaches its budget's alert threshold, and again when it reaches the whole budget, the rule fires
 * once, through its channels, for that month. What was sent is kept in {@code llm_budget_alerts}
 * (per rule, month, level and budget), so that a restart or a frequent evaluation sends nothing twice and
 * a changed budget is watched afresh. Evaluated every {@code alert_evaluation_secs}.
 */
final class BudgetAlerts implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetAlerts.class);
    static final String TYPE = "llm_budget";

    private final ExternalRules rules;
    private final Budgets budgets;
    private final Jdbi writer;
    private final Clock clock;
    private final long evaluationMs;
    private final Nodes nodes;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bloop-llm-budget-alerts");
        t.setDaemon(true);
        return t;
    });

    /** @param nodes with other nodes on the database, only the one leading "llm-budgets" evaluates */
    BudgetAlerts(ExternalRules rules, Budgets budgets, Jdbi writer, Clock clock, long evaluationMs, Nodes nodes) {
        this.nodes = nodes;
        this.rules = rules;
        this.budgets = budgets;
        this.writer = writer;
        this.clock = clock;
        this.evaluationMs = evaluationMs;
    }

    void register() {
        rules.register(TYPE, BudgetAlerts::validate);
    }

    static ObjectNode validate(JsonNode c) throws InvalidAlertException {
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("type")) {
                throw new InvalidAlertException("config." + key, "config." + key + " is not a setting of " + TYPE
                        + " rules: the budget and its threshold are set with PUT /v1/llm/budget");
            }
        }
        return JsonNodeFactory.instance.objectNode().put("type", TYPE);
    }

    /** Checks every enabled budget rule once. */
    void evaluate() {
        Instant now = clock.instant();
        List<ExternalRules.Rule> enabled = rules.enabled(List.of(TYPE));
        for (ExternalRules.Rule rule : enabled) {
            try {
                check(rule, now);
            } catch (RuntimeException e) {
                LOG.error("Evaluating LLM budget rule {} failed", rule.id(), e);
            }
        }
    }

    private void check(ExternalRules.Rule rule, Instant now) {
        long[] setting = budgets.setting(rule.projectId());
        long budget = setting[0];
        if (budget <= 0) {
            return;
        }
        long spend = budgets.spend(rule.projectId(), now);
        Budget b = Budgets.compute(rule.projectId(), budget, (int) setting[1], spend, now);
        // The highest level reached; the lower ones are marked as sent with it, so one jump sends one alert.
        int reached = 0;
        for (int level : new int[] {(int) setting[1], 100}) {
            if (spend * 100 >= budget * level) {
                reached = Math.max(reached, level);
            }
        }
        if (reached == 0 || !claim(rule.id(), b.month(), reached, budget, now.toEpochMilli())) {
            return;
        }
        String used = b.usedPct() == null ? "" : String.format(java.util.Locale.ROOT, "%.1f%%", b.usedPct());
        String spent = "$" + b.spend().setScale(2, RoundingMode.HALF_UP).toPlainString();
        String of = "$" + b.monthlyBudget().setScale(2, RoundingMode.HALF_UP).toPlainString();
        String title = reached >= 100 ? "LLM budget exceeded" : "LLM budget at " + reached + "%";
        rules.fire(rule, new ExternalRules.Alert(b.month() + ":" + reached + ":" + budget, title, spent + " of the "
                + of + " monthly budget spent in " + b.month() + " (" + used + "); forecast for the month: $"
                + b.forecast().setScale(2, RoundingMode.HALF_UP).toPlainString(), 0,
                title + ": " + spent + " of " + of, "/llm"), now.toEpochMilli());
    }

    /** True once per rule, month, level and budget: every level up to {@code reached} is marked sent. */
    private boolean claim(long ruleId, String month, int reached, long budget, long now) {
        return writer.withHandle(h -> {
            boolean sent = h.createQuery("SELECT EXISTS (SELECT 1 FROM llm_budget_alerts WHERE rule_id = :r AND month = :m "
                            + "AND level >= :l AND budget_nanos = :b)")
                    .bind("r", ruleId).bind("m", month).bind("l", reached).bind("b", budget).mapTo(Boolean.class).one();
            if (sent) {
                return false;
            }
            return h.createUpdate("INSERT INTO llm_budget_alerts (rule_id, month, level, budget_nanos, fired_at) "
                            + "VALUES (:r, :m, :l, :b, :at) ON CONFLICT DO NOTHING")
                    .bind("r", ruleId).bind("m", month).bind("l", reached).bind("b", budget).bind("at", now)
                    .execute() == 1;
        });
    }

    @Override
    public void start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                if (nodes.leads("llm-budgets")) {
                    evaluate();
                }
            } catch (RuntimeException e) {
                LOG.error("LLM budget alert evaluation failed", e);
            }
        }, evaluationMs, evaluationMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(10, TimeUnit.SECONDS);
    }
}
