package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/llm/experiments/{id}/compare}: per variant figures, and per metric and challenger
 * the test that fits the metric against the control (the first variant), Holm-adjusted across all
 * comparisons, with a verdict; and the sample-ratio check of the split against the weights.
 * Latency and time to first token are in ms, cost in dollars; all metrics are lower-is-better.
 *
 * @param alpha the significance level the verdicts use (after Holm's adjustment)
 */
public record ExperimentComparison(@JsonProperty("experiment_id") long experimentId,
                                   @JsonProperty("experiment") String experiment,
                                   @JsonProperty("status") String status,
                                   @JsonProperty("unit") String unit,
                                   @JsonProperty("primary_metric") String primaryMetric,
                                   @JsonProperty("min_samples") Integer minSamples,
                                   @JsonProperty("alpha") double alpha,
                                   @JsonProperty("variants") List<VariantFigures> variants,
                                   @JsonProperty("comparisons") List<MetricComparison> comparisons,
                                   @JsonProperty("sample_ratio") SampleRatioCheck sampleRatio,
                                   @JsonProperty("excluded") ExcludedTraces excluded,
                                   @JsonProperty("warnings") List<String> warnings) {

    /** Mean, median and p95 of a value over the variant's traces (null without values). */
    public record FigureSummary(@JsonProperty("n") long n,
                          @JsonProperty("mean") Double mean,
                          @JsonProperty("median") Double median,
                          @JsonProperty("p95") Double p95) {
    }

    /** Events out of n traces, the rate and its 95 % Wilson interval. */
    public record RateFigure(@JsonProperty("events") long events,
                       @JsonProperty("n") long n,
                       @JsonProperty("rate") Double rate,
                       @JsonProperty("low") double low,
                       @JsonProperty("high") double high) {
    }

    /**
     * One variant's figures over its finished traces.
     *
     * @param units distinct units (users, sessions or traces) that have traces in this variant
     */
    public record VariantFigures(@JsonProperty("name") String name,
                                 @JsonProperty("weight") int weight,
                                 @JsonProperty("control") boolean control,
                                 @JsonProperty("traces") long traces,
                                 @JsonProperty("units") long units,
                                 @JsonProperty("cost") FigureSummary cost,
                                 @JsonProperty("latency_ms") FigureSummary latencyMs,
                                 @JsonProperty("ttft_ms") FigureSummary ttftMs,
                                 @JsonProperty("output_tokens") FigureSummary outputTokens,
                                 @JsonProperty("error_rate") RateFigure errorRate) {
    }

    /**
     * A metric of one challenger against the control.
     *
     * @param test        {@code welch_t}, {@code mann_whitney_u}, {@code two_proportion_z} or {@code fisher_exact};
     *                    null when there are too few values for any test
     * @param difference  variant − control: mean cost, p95 latency/TTFT, mean output tokens, error rate
     * @param ciLow       95 % interval of the difference (bootstrap for p95s, Newcombe for rates, Welch for means)
     * @param effectSize  for rank tests the chance that a variant value exceeds a control value (0.5: none);
     *                    for means and rates the relative difference (variant / control − 1)
     * @param pAdjusted   Holm-adjusted over every comparison of the experiment; the verdict uses it
     * @param minimum     units (for rates: traces) per arm needed before a verdict
     * @param verdict     {@code not_enough_data}, {@code no_difference}, {@code a_better} (the control) or
     *                    {@code b_better} (this variant)
     * @param moreNeeded  with {@code not_enough_data}: about how many more units per variant are needed
     * @param explanation the verdict in a sentence
     */
    public record MetricComparison(@JsonProperty("metric") String metric,
                             @JsonProperty("primary") boolean primary,
                             @JsonProperty("baseline") String baseline,
                             @JsonProperty("variant") String variant,
                             @JsonProperty("test") String test,
                             @JsonProperty("statistic") Double statistic,
                             @JsonProperty("df") Double df,
                             @JsonProperty("p_value") Double pValue,
                             @JsonProperty("p_adjusted") Double pAdjusted,
                             @JsonProperty("difference") Double difference,
                             @JsonProperty("ci_low") Double ciLow,
                             @JsonProperty("ci_high") Double ciHigh,
                             @JsonProperty("effect_size") Double effectSize,
                             @JsonProperty("n_baseline") long nBaseline,
                             @JsonProperty("n_variant") long nVariant,
                             @JsonProperty("minimum") long minimum,
                             @JsonProperty("verdict") String verdict,
                             @JsonProperty("more_needed") Long moreNeeded,
                             @JsonProperty("explanation") String explanation) {
    }

    /**
     * χ² of the units per variant against the weights, over units first seen since the weights last
     * changed ({@code since}); {@code mismatch} at p &lt; 0.001 means assignment or logging is broken.
     */
    public record SampleRatioCheck(@JsonProperty("chi_square") double chiSquare,
                              @JsonProperty("df") int df,
                              @JsonProperty("p_value") double pValue,
                              @JsonProperty("mismatch") boolean mismatch,
                              @JsonProperty("since") long since,
                              @JsonProperty("observed") Map<String, Long> observed,
                              @JsonProperty("expected") Map<String, Double> expected) {
    }

    /**
     * Traces left out: still running, without the unit field, of a variant the experiment no longer
     * has, and units seen in more than one variant (all their traces).
     */
    public record ExcludedTraces(@JsonProperty("running_traces") long runningTraces,
                           @JsonProperty("traces_without_unit") long tracesWithoutUnit,
                           @JsonProperty("units_in_several_variants") long unitsInSeveralVariants) {
    }
}
