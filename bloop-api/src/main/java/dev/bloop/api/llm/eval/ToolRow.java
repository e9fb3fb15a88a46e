package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.bloop.api.llm.PlainDecimal;
import java.math.BigDecimal;

/** {@code GET /v1/llm/tools}: the tool spans of one name in the window; latency percentiles interpolate. */
public record ToolRow(@JsonProperty("name") String name,
                      @JsonProperty("calls") long calls,
                      @JsonProperty("errors") long errors,
                      @JsonProperty("error_rate") double errorRate,
                      @JsonProperty("p50_ms") Double p50Ms,
                      @JsonProperty("p99_ms") Double p99Ms,
                      @JsonProperty("cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal cost) {
}
