package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/llm/prompts/{name}/compare?v1=&v2=}: two versions of a prompt side by side, each metric
 * with a test (the same as the A/B experiments: Welch's t for mean cost and scores, Mann-Whitney U for
 * latency, a two-proportion z or Fisher's exact test for the error and thumbs-up rates), p-values adjusted
 * by Holm across the metrics. {@code v1} is the baseline: differences are v2 − v1.
 */
public record PromptComparison(@JsonProperty("name") String name,
                               @JsonProperty("v1") PromptStats v1,
                               @JsonProperty("v2") PromptStats v2,
                               @JsonProperty("alpha") double alpha,
                               @JsonProperty("metrics") List<Metric> metrics) {

    /**
     * @param test       {@code welch_t}, {@code mann_whitney_u}, {@code two_proportion_z}, {@code fisher_exact}, or
     *                   null when there is too little data ({@code note} says what is missing)
     * @param statistic  t, z (NaN-free: null for Fisher's test)
     * @param pAdjusted  Holm-adjusted over the metrics that have a test
     * @param better     {@code v1}, {@code v2}, or null when the difference is not significant
     */
    public record Metric(@JsonProperty("metric") String metric,
                         @JsonProperty("test") String test,
                         @JsonProperty("n1") long n1,
                         @JsonProperty("n2") long n2,
                         @JsonProperty("value1") Double value1,
                         @JsonProperty("value2") Double value2,
                         @JsonProperty("difference") Double difference,
                         @JsonProperty("statistic") Double statistic,
                         @JsonProperty("p_value") Double pValue,
                         @JsonProperty("p_adjusted") Double pAdjusted,
                         @JsonProperty("significant") boolean significant,
                         @JsonProperty("better") String better,
                         @JsonProperty("note") String note) {
    }
}
