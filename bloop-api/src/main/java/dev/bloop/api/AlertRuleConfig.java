package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * What makes an alert rule fire, chosen by {@code type}; each type has its own settings, and a setting
 * of another type is refused by name ({@code config.window_secs}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AlertRuleConfig.NewIssueRule.class, name = AlertRuleConfig.NEW_ISSUE),
        @JsonSubTypes.Type(value = AlertRuleConfig.RegressionRule.class, name = AlertRuleConfig.REGRESSION),
        @JsonSubTypes.Type(value = AlertRuleConfig.ThresholdRule.class, name = AlertRuleConfig.THRESHOLD),
        @JsonSubTypes.Type(value = AlertRuleConfig.SpikeRule.class, name = AlertRuleConfig.SPIKE),
        @JsonSubTypes.Type(value = AlertRuleConfig.LlmCostRule.class, name = AlertRuleConfig.LLM_COST),
        @JsonSubTypes.Type(value = AlertRuleConfig.LlmErrorRateRule.class, name = AlertRuleConfig.LLM_ERROR_RATE),
        @JsonSubTypes.Type(value = AlertRuleConfig.LlmLatencyRule.class, name = AlertRuleConfig.LLM_LATENCY),
        @JsonSubTypes.Type(value = AlertRuleConfig.LlmBudgetRule.class, name = AlertRuleConfig.LLM_BUDGET)})
public sealed interface AlertRuleConfig extends OneOfKinds {
    String NEW_ISSUE = "new_issue";
    String REGRESSION = "regression";
    String THRESHOLD = "threshold";
    String SPIKE = "spike";
    /** LLM rule types: accepted only while LLM tracing is on, which checks their settings. */
    String LLM_COST = "llm_cost";
    String LLM_ERROR_RATE = "llm_error_rate";
    String LLM_LATENCY = "llm_latency";
    String LLM_BUDGET = "llm_budget";
    /** The longest window any rule looks at: a week. */
    long MAX_WINDOW_SECS = 7 * 24 * 3600L;
    String NON_BLANK = "(?s).*\\S.*";

    /** The {@code type} it is sent with. */
    String type();

    /** A group seen for the first time, as the database decided when the writer committed it. */
    @JsonTypeName(NEW_ISSUE)
    record NewIssueRule() implements AlertRuleConfig {
        @Override
        public String type() {
            return NEW_ISSUE;
        }
    }

    /** A resolved group received an event. */
    @JsonTypeName(REGRESSION)
    record RegressionRule() implements AlertRuleConfig {
        @Override
        public String type() {
            return REGRESSION;
        }
    }

    /**
     * More than {@code threshold} events of one group within the sliding window of {@code window_secs}
     * (per group, or only the given group or route).
     */
    @JsonTypeName(THRESHOLD)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ThresholdRule(
            @JsonProperty("threshold")
            @NotNull(message = "config.threshold must be a whole number from 1 to 9223372036854775807")
            @Min(value = 1, message = "config.threshold must be a whole number from 1 to 9223372036854775807")
            Long threshold,
            @JsonProperty("window_secs")
            @NotNull(message = "config.window_secs must be a whole number from 1 to " + MAX_WINDOW_SECS)
            @Min(value = 1, message = "config.window_secs must be a whole number from 1 to " + MAX_WINDOW_SECS)
            @Max(value = MAX_WINDOW_SECS, message = "config.window_secs must be a whole number from 1 to " + MAX_WINDOW_SECS)
            Long windowSecs,
            @JsonProperty("fingerprint")
            @Pattern(regexp = NON_BLANK, message = "config.fingerprint must be a non-empty string") String fingerprint,
            @JsonProperty("route")
            @Pattern(regexp = NON_BLANK, message = "config.route must be a non-empty string") String route)
            implements AlertRuleConfig {
        @Override
        public String type() {
            return THRESHOLD;
        }
    }

    /**
     * A group's rate in the last {@code compare_window_secs} is more than {@code multiplier} times its
     * rate over the {@code baseline_window_secs} before that (which must be longer), with at least
     * {@code min_events} events (default 10).
     */
    @JsonTypeName(SPIKE)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SpikeRule(
            @JsonProperty("multiplier")
            @NotNull(message = "config.multiplier must be a number above 1")
            @DecimalMin(value = "1", inclusive = false, message = "config.multiplier must be a number above 1")
            @DecimalMax(value = "1000", message = "config.multiplier must be a number above 1") Double multiplier,
            @JsonProperty("compare_window_secs")
            @NotNull(message = "config.compare_window_secs must be a whole number from 1 to " + MAX_WINDOW_SECS)
            @Min(value = 1, message = "config.compare_window_secs must be a whole number from 1 to " + MAX_WINDOW_SECS)
            @Max(value = MAX_WINDOW_SECS, message = "config.compare_window_secs must be a whole number from 1 to "
                    + MAX_WINDOW_SECS) Long compareWindowSecs,
            @JsonProperty("baseline_window_secs")
            @NotNull(message = "config.baseline_window_secs must be a whole number from 1 to " + MAX_WINDOW_SECS)
            @Min(value = 1, message = "config.baseline_window_secs must be a whole number from 1 to " + MAX_WINDOW_SECS)
            @Max(value = MAX_WINDOW_SECS, message = "config.baseline_window_secs must be a whole number from 1 to "
                    + MAX_WINDOW_SECS) Long baselineWindowSecs,
            @JsonProperty("min_events")
            @Min(value = 0, message = "config.min_events must be a whole number of 0 or more") Long minEvents)
            implements AlertRuleConfig {
        /** Events the compare window needs before a spike counts, when the rule does not say. */
        public static final long DEFAULT_MIN_EVENTS = 10;

        @Override
        public String type() {
            return SPIKE;
        }
    }

    /**
     * LLM spend over the window (all models, or {@code model}) above {@code threshold_dollars}. Checked by the
     * LLM tracing module: window 60 s to a week (default 3600).
     */
    @JsonTypeName(LLM_COST)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LlmCostRule(@JsonProperty("threshold_dollars") java.math.BigDecimal thresholdDollars,
                       @JsonProperty("window_secs") Long windowSecs,
                       @JsonProperty("model") String model) implements AlertRuleConfig {
        @Override
        public String type() {
            return LLM_COST;
        }
    }

    /** Share of LLM calls that failed over the window above {@code threshold_percent} (with at least {@code min_calls}). */
    @JsonTypeName(LLM_ERROR_RATE)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LlmErrorRateRule(@JsonProperty("threshold_percent") Double thresholdPercent,
                            @JsonProperty("min_calls") Long minCalls,
                            @JsonProperty("window_secs") Long windowSecs,
                            @JsonProperty("model") String model) implements AlertRuleConfig {
        @Override
        public String type() {
            return LLM_ERROR_RATE;
        }
    }

    /** The {@code percentile} (default 95) of LLM call latency over the window above {@code threshold_ms}. */
    @JsonTypeName(LLM_LATENCY)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LlmLatencyRule(@JsonProperty("threshold_ms") Long thresholdMs,
                          @JsonProperty("percentile") Double percentile,
                          @JsonProperty("min_calls") Long minCalls,
                          @JsonProperty("window_secs") Long windowSecs,
                          @JsonProperty("model") String model) implements AlertRuleConfig {
        @Override
        public String type() {
            return LLM_LATENCY;
        }
    }

    /**
     * The project's spend this UTC month reached its LLM budget's alert threshold, or the whole budget (set
     * with {@code PUT /v1/llm/budget}); each fires once per month and budget.
     */
    @JsonTypeName(LLM_BUDGET)
    record LlmBudgetRule() implements AlertRuleConfig {
        @Override
        public String type() {
            return LLM_BUDGET;
        }
    }
}
