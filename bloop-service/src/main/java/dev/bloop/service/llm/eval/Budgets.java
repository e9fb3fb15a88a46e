package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.Money;
import dev.bloop.api.llm.eval.Budget;
import dev.bloop.service.web.ApiProblem;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.jdbi.v3.core.Jdbi;

/**
 * A project's monthly LLM budget and the current UTC month's spend (the writer's hourly cost rollups),
 * with a month-end forecast: the spend per day so far, today counted as a day, times the month's days.
 */
final class Budgets {
    static final int DEFAULT_THRESHOLD_PCT = 80;
    private static final BigDecimal MAX_DOLLARS = BigDecimal.valueOf(1_000_000_000L);

    private final Jdbi writer;
    private final Jdbi reader;
    private final Clock clock;

    Budgets(Jdbi writer, Jdbi reader, Clock clock) {
        this.writer = writer;
        this.reader = reader;
        this.clock = clock;
    }

    /** [budget nanos, threshold %]: {0, 80} for a project without a budget. */
    long[] setting(String projectId) {
        return reader.withHandle(h -> h.createQuery("SELECT monthly_nanos, alert_threshold_pct FROM llm_budgets "
                        + "WHERE project_id = :p").bind("p", projectId)
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).findOne()
                .orElse(new long[] {0, DEFAULT_THRESHOLD_PCT}));
    }

    /** Nanodollars spent by the project since the start of the UTC month of {@code now}. */
    long spend(String projectId, Instant now) {
        long monthStart = YearMonth.from(now.atZone(ZoneOffset.UTC)).atDay(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant().toEpochMilli();
        return reader.withHandle(h -> h.createQuery("SELECT coalesce(sum(cost_nanos), 0) FROM llm_usage_hourly "
                        + "WHERE project_id = :p AND hour_bucket >= :since")
                .bind("p", projectId).bind("since", monthStart).mapTo(Long.class).one());
    }

    Budget view(String projectId) {
        Instant now = clock.instant();
        long[] s = setting(projectId);
        return compute(projectId, s[0], (int) s[1], spend(projectId, now), now);
    }

    Budget set(String projectId, Budget.BudgetUpdate in) {
        if (in.monthlyBudget() == null) {
            throw ApiProblem.badRequest("monthly_budget is required: dollars per month, 0 for none", "monthly_budget");
        }
        if (in.monthlyBudget().signum() < 0 || in.monthlyBudget().compareTo(MAX_DOLLARS) > 0) {
            throw ApiProblem.badRequest("monthly_budget must be from 0 to " + MAX_DOLLARS.toPlainString() + " dollars",
                    "monthly_budget");
        }
        long nanos;
        try {
            nanos = in.monthlyBudget().movePointRight(9).longValueExact();
        } catch (ArithmeticException e) {
            throw ApiProblem.badRequest("monthly_budget has more than 9 decimals", "monthly_budget");
        }
        int threshold = in.alertThresholdPct() == null ? DEFAULT_THRESHOLD_PCT : in.alertThresholdPct();
        if (threshold < 1 || threshold > 100) {
            throw ApiProblem.badRequest("alert_threshold_pct must be a whole number from 1 to 100", "alert_threshold_pct");
        }
        writer.useHandle(h -> h.createUpdate("INSERT INTO llm_budgets (project_id, monthly_nanos, alert_threshold_pct, "
                        + "updated_at) VALUES (:p, :b, :t, :at) ON CONFLICT (project_id) DO UPDATE SET "
                        + "monthly_nanos = excluded.monthly_nanos, alert_threshold_pct = excluded.alert_threshold_pct, "
                        + "updated_at = excluded.updated_at")
                .bind("p", projectId).bind("b", nanos).bind("t", threshold).bind("at", clock.millis()).execute());
        return view(projectId);
    }

    /** The figures at {@code now}, all from the arguments (so that a fixed clock decides them). */
    static Budget compute(String projectId, long budgetNanos, int thresholdPct, long spendNanos, Instant now) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC);
        YearMonth month = YearMonth.from(t);
        int day = t.getDayOfMonth();
        int days = month.lengthOfMonth();
        long forecast = BigDecimal.valueOf(spendNanos).multiply(BigDecimal.valueOf(days))
                .divide(BigDecimal.valueOf(day), 0, RoundingMode.HALF_UP).longValueExact();
        Double used = budgetNanos == 0 ? null : spendNanos * 100.0 / budgetNanos;
        return new Budget(projectId, Money.dollars(budgetNanos), thresholdPct, month.toString(), Money.dollars(spendNanos),
                used, Money.dollars(forecast), budgetNanos > 0 && forecast > budgetNanos, day, days);
    }
}
