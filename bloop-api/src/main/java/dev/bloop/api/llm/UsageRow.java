package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.math.BigDecimal;

/** {@code GET /v1/llm/usage}: one hour of one model (zero-filled: every hour of the window for every model seen). */
public record UsageRow(@JsonProperty("hour_bucket") long hourBucket,
                       @JsonProperty("model") String model,
                       @JsonProperty("provider") String provider,
                       @JsonProperty("spans") long spans,
                       @JsonProperty("tokens") Tokens tokens,
                       @JsonProperty("cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal cost,
                       @JsonProperty("cost_micros") @JsonSerialize(using = PlainDecimal.class) BigDecimal costMicros,
                       @JsonProperty("unpriced_spans") long unpricedSpans) {
}
