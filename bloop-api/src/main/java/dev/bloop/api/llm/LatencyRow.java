package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /v1/llm/latency}: exact percentiles over every generation span of the window (linear
 * interpolation between the two nearest ranks, as PERCENTILE_CONT), per model; null without data.
 */
public record LatencyRow(@JsonProperty("model") String model,
                         @JsonProperty("calls") long calls,
                         @JsonProperty("p50_ms") Double p50Ms,
                         @JsonProperty("p90_ms") Double p90Ms,
                         @JsonProperty("p99_ms") Double p99Ms,
                         @JsonProperty("ttft_calls") long ttftCalls,
                         @JsonProperty("ttft_p50_ms") Double ttftP50Ms,
                         @JsonProperty("ttft_p90_ms") Double ttftP90Ms,
                         @JsonProperty("ttft_p99_ms") Double ttftP99Ms) {
}
