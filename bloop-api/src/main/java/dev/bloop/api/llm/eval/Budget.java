package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.bloop.api.llm.PlainDecimal;
import java.math.BigDecimal;

/**
 * {@code GET/PUT /v1/llm/budget}: the project's monthly budget in dollars (0: none) and what the current
 * UTC month has spent. The forecast extends the spend per day so far (day of month, today included) to
 * the whole month.
 */
public record Budget(@JsonProperty("project_id") String projectId,
                     @JsonProperty("monthly_budget") @JsonSerialize(using = PlainDecimal.class) BigDecimal monthlyBudget,
                     @JsonProperty("alert_threshold_pct") int alertThresholdPct,
                     @JsonProperty("month") String month,
                     @JsonProperty("spend") @JsonSerialize(using = PlainDecimal.class) BigDecimal spend,
                     @JsonProperty("used_pct") Double usedPct,
                     @JsonProperty("forecast") @JsonSerialize(using = PlainDecimal.class) BigDecimal forecast,
                     @JsonProperty("forecast_over_budget") boolean forecastOverBudget,
                     @JsonProperty("days_elapsed") int daysElapsed,
                     @JsonProperty("days_in_month") int daysInMonth) {

    /** The PUT body: dollars (at most 6 decimals) and the alert threshold in percent of the budget (default 80). */
    public record BudgetUpdate(@JsonProperty("monthly_budget") BigDecimal monthlyBudget,
                         @JsonProperty("alert_threshold_pct") Integer alertThresholdPct) {
    }
}
