package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.math.BigDecimal;

/**
 * {@code GET /v1/llm/overview}: the window's traces, spans, tokens by bucket, cost, error rate and
 * exact latency percentiles of model calls (generation spans).
 *
 * @param calls       generation spans
 * @param callErrors  generation spans with status error
 * @param errorRate   callErrors / calls, a fraction from 0 to 1 (0 without calls)
 * @param cost        dollars: the sum of every known span cost (client's or computed)
 * @param unpricedSpans spans whose model has no price and that brought no cost: left out of {@code cost}
 */
public record LlmOverview(@JsonProperty("window_hours") int windowHours,
                          @JsonProperty("since") long since,
                          @JsonProperty("traces") long traces,
                          @JsonProperty("error_traces") long errorTraces,
                          @JsonProperty("spans") long spans,
                          @JsonProperty("calls") long calls,
                          @JsonProperty("call_errors") long callErrors,
                          @JsonProperty("error_rate") double errorRate,
                          @JsonProperty("tokens") Tokens tokens,
                          @JsonProperty("cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal cost,
                          @JsonProperty("cost_micros") @JsonSerialize(using = PlainDecimal.class) BigDecimal costMicros,
                          @JsonProperty("unpriced_spans") long unpricedSpans,
                          @JsonProperty("latency_p50_ms") Double latencyP50Ms,
                          @JsonProperty("latency_p99_ms") Double latencyP99Ms,
                          @JsonProperty("ttft_p50_ms") Double ttftP50Ms) {
}
