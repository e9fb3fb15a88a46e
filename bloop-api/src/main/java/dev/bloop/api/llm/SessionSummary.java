package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.math.BigDecimal;

/** {@code GET /v1/llm/sessions}: a conversation, the traces of one {@code session_id} in the window. */
public record SessionSummary(@JsonProperty("session_id") String sessionId,
                             @JsonProperty("user_id") String userId,
                             @JsonProperty("traces") long traces,
                             @JsonProperty("error_traces") long errorTraces,
                             @JsonProperty("spans") long spans,
                             @JsonProperty("first_trace_at") long firstTraceAt,
                             @JsonProperty("last_trace_at") long lastTraceAt,
                             @JsonProperty("tokens") Tokens tokens,
                             @JsonProperty("cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal cost,
                             @JsonProperty("cost_micros") @JsonSerialize(using = PlainDecimal.class) BigDecimal costMicros,
                             @JsonProperty("unpriced_spans") long unpricedSpans) {
}
