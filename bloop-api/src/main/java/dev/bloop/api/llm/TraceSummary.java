package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.math.BigDecimal;
import java.util.List;

/** {@code GET /v1/llm/traces}: one trace with its totals rolled up from its spans. */
public record TraceSummary(@JsonProperty("id") String id,
                           @JsonProperty("name") String name,
                           @JsonProperty("session_id") String sessionId,
                           @JsonProperty("user_id") String userId,
                           @JsonProperty("status") String status,
                           @JsonProperty("started_at") long startedAt,
                           @JsonProperty("ended_at") Long endedAt,
                           @JsonProperty("duration_ms") Long durationMs,
                           @JsonProperty("received_at") long receivedAt,
                           @JsonProperty("span_count") int spanCount,
                           @JsonProperty("error_spans") int errorSpans,
                           @JsonProperty("models") List<String> models,
                           @JsonProperty("tokens") Tokens tokens,
                           @JsonProperty("input_tokens") long inputTokens,
                           @JsonProperty("output_tokens") long outputTokens,
                           @JsonProperty("cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal cost,
                           @JsonProperty("cost_micros") @JsonSerialize(using = PlainDecimal.class) BigDecimal costMicros,
                           @JsonProperty("unpriced_spans") int unpricedSpans,
                           @JsonProperty("prompt_name") String promptName,
                           @JsonProperty("prompt_version") String promptVersion,
                           @JsonProperty("experiment") String experiment,
                           @JsonProperty("variant") String variant) {
}
