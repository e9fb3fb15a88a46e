package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.bloop.api.llm.PlainDecimal;
import java.math.BigDecimal;
import java.util.List;

/**
 * {@code GET /v1/llm/prompts} (one row per prompt, {@code version} null) and
 * {@code /prompts/{name}/versions} (one row per version, {@code versions} null): the traces that ran it
 * in the window. Latency is a trace's {@code ended_at - started_at}, for traces that have ended; scores
 * are the numeric scores of the traces themselves, per score name.
 */
public record PromptStats(@JsonProperty("name") String name,
                          @JsonProperty("version") String version,
                          @JsonProperty("versions") Integer versions,
                          @JsonProperty("calls") long calls,
                          @JsonProperty("errors") long errors,
                          @JsonProperty("error_rate") double errorRate,
                          @JsonProperty("cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal cost,
                          @JsonProperty("mean_cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal meanCost,
                          @JsonProperty("mean_latency_ms") Double meanLatencyMs,
                          @JsonProperty("p50_latency_ms") Double p50LatencyMs,
                          @JsonProperty("scores") List<ScoreMean> scores,
                          @JsonProperty("feedback_total") long feedbackTotal,
                          @JsonProperty("feedback_positive") long feedbackPositive,
                          @JsonProperty("first_seen") long firstSeen,
                          @JsonProperty("last_seen") long lastSeen) {

    public record ScoreMean(@JsonProperty("name") String name, @JsonProperty("count") long count,
                            @JsonProperty("mean") double mean) {
    }
}
