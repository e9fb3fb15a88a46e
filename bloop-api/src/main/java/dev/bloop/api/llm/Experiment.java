package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A prompt A/B experiment ({@code /v1/llm/experiments}): its variants with their weights and prompts
 * (the first variant is the control, "A"), the metrics compared, the unit that is assigned and
 * analysed, and the sample size fixed in advance. Traces name it by {@code name} in their
 * {@code experiment} field and carry the assigned {@code variant}.
 *
 * @param unit          what is assigned and counted: {@code user_id}, {@code session_id} or {@code trace}
 * @param minSamples    units per variant to reach before any verdict (a sample size fixed in advance)
 * @param weightChanges every change of the weights while the experiment existed, oldest first
 */
public record Experiment(@JsonProperty("id") long id,
                         @JsonProperty("name") String name,
                         @JsonProperty("description") String description,
                         @JsonProperty("status") String status,
                         @JsonProperty("unit") String unit,
                         @JsonProperty("metrics") List<String> metrics,
                         @JsonProperty("primary_metric") String primaryMetric,
                         @JsonProperty("min_samples") Integer minSamples,
                         @JsonProperty("variants") List<Variant> variants,
                         @JsonProperty("weight_changes") List<WeightChange> weightChanges,
                         @JsonProperty("created_at") long createdAt,
                         @JsonProperty("updated_at") long updatedAt,
                         @JsonProperty("created_by") String createdBy) {

    /** A variant: its name (as traces carry it), its share of units (weight / sum of weights) and its prompt. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Variant(@JsonProperty("name") String name,
                          @JsonProperty("weight") Integer weight,
                          @JsonProperty("prompt") JsonNode prompt) {
    }

    /** Weights changed at {@code at} (epoch ms) by {@code by}: from {@code before} to {@code after}. */
    public record WeightChange(@JsonProperty("at") long at,
                               @JsonProperty("by") String by,
                               @JsonProperty("before") Map<String, Integer> before,
                               @JsonProperty("after") Map<String, Integer> after) {
    }

    /**
     * {@code POST /v1/llm/experiments}: either {@code prompt_a} and {@code prompt_b} (two variants
     * {@code a} and {@code b}, half each) or {@code variants} (2 to 5, weights default 1).
     */
    public record Definition(@JsonProperty("name") String name,
                         @JsonProperty("description") String description,
                         @JsonProperty("prompt_a") JsonNode promptA,
                         @JsonProperty("prompt_b") JsonNode promptB,
                         @JsonProperty("variants") List<Variant> variants,
                         @JsonProperty("metrics") List<String> metrics,
                         @JsonProperty("primary_metric") String primaryMetric,
                         @JsonProperty("unit") String unit,
                         @JsonProperty("min_samples") Integer minSamples,
                         @JsonProperty("status") String status) {
    }

    /**
     * {@code PUT /v1/llm/experiments/{id}}: stop or restart it, or change weights ({@code variants}
     * with {@code name} and {@code weight} of every variant; prompts cannot change).
     */
    public record Change(@JsonProperty("status") String status,
                         @JsonProperty("variants") List<Variant> variants) {
    }

    /**
     * {@code GET /v1/llm/experiments/{id}/assign?unit=}: the variant this unit gets, always the same.
     *
     * @param experiment the name to put in the trace's {@code experiment} field
     * @param variant    the name to put in the trace's {@code variant} field
     */
    public record Assignment(@JsonProperty("experiment") String experiment,
                             @JsonProperty("experiment_id") long experimentId,
                             @JsonProperty("unit") String unit,
                             @JsonProperty("variant") String variant,
                             @JsonProperty("prompt") JsonNode prompt,
                             @JsonProperty("status") String status) {
    }
}
