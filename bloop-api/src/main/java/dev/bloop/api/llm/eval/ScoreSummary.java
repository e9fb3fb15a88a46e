package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/llm/scores/summary?name=}: the numeric scores of that name given in the window.
 * Percentiles interpolate linearly between the two nearest ranks of the sorted values (PERCENTILE_CONT);
 * the distribution has five buckets of width 0.2, each [from, to) except the last, which holds 1.0.
 * Categorical scores of the name are counted per category.
 */
public record ScoreSummary(@JsonProperty("name") String name,
                           @JsonProperty("hours") int hours,
                           @JsonProperty("count") long count,
                           @JsonProperty("mean") Double mean,
                           @JsonProperty("p10") Double p10,
                           @JsonProperty("p50") Double p50,
                           @JsonProperty("p90") Double p90,
                           @JsonProperty("distribution") List<Bucket> distribution,
                           @JsonProperty("categories") List<Category> categories,
                           @JsonProperty("by_model") List<Group> byModel,
                           @JsonProperty("by_prompt_version") List<Group> byPromptVersion) {

    public record Bucket(@JsonProperty("from") double from, @JsonProperty("to") double to,
                         @JsonProperty("count") long count) {
    }

    public record Category(@JsonProperty("category") String category, @JsonProperty("count") long count) {
    }

    /**
     * Numeric scores of one model (the scored span's model, or the trace's models joined by commas) or
     * of one prompt version.
     */
    public record Group(@JsonProperty("model") String model,
                        @JsonProperty("prompt_name") String promptName,
                        @JsonProperty("prompt_version") String promptVersion,
                        @JsonProperty("count") long count,
                        @JsonProperty("mean") double mean) {
    }
}
