package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.math.BigDecimal;

/**
 * {@code GET /v1/llm/models}: one model seen in the window.
 *
 * @param priced       whether the price table (with the project's own prices) has a price for it now
 * @param unpricedSpans its spans of the window that have no cost (no price, no client cost)
 */
public record ModelUsage(@JsonProperty("model") String model,
                         @JsonProperty("provider") String provider,
                         @JsonProperty("calls") long calls,
                         @JsonProperty("errors") long errors,
                         @JsonProperty("error_rate") double errorRate,
                         @JsonProperty("tokens") Tokens tokens,
                         @JsonProperty("cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal cost,
                         @JsonProperty("cost_micros") @JsonSerialize(using = PlainDecimal.class) BigDecimal costMicros,
                         @JsonProperty("avg_latency_ms") Double avgLatencyMs,
                         @JsonProperty("priced") boolean priced,
                         @JsonProperty("unpriced_spans") long unpricedSpans) {
}
