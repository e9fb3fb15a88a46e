package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.math.BigDecimal;
import java.util.List;

/**
 * A span in a trace's tree ({@code GET /v1/llm/traces/{id}}), with its children nested.
 *
 * @param offsetMs      when it started, from the trace's start (for a waterfall)
 * @param cost          dollars: the client's figure when it sent one, else bloop's from the price table,
 *                      else null ({@code cost_reason} says why)
 * @param costSource    {@code provided}, {@code computed}, or null
 * @param costReason    why {@code cost} is null: {@code unpriced_model} (the model has no price) or
 *                      {@code no_model} (not a model call)
 * @param subtreeTokens this span's tokens and its descendants'
 * @param subtreeCost   this span's known cost and its descendants'
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SpanNode(@JsonProperty("id") String id,
                       @JsonProperty("parent_span_id") String parentSpanId,
                       @JsonProperty("span_type") String spanType,
                       @JsonProperty("name") String name,
                       @JsonProperty("model") String model,
                       @JsonProperty("provider") String provider,
                       @JsonProperty("status") String status,
                       @JsonProperty("error_message") String errorMessage,
                       @JsonProperty("started_at") long startedAt,
                       @JsonProperty("ended_at") Long endedAt,
                       @JsonProperty("offset_ms") long offsetMs,
                       @JsonProperty("latency_ms") Long latencyMs,
                       @JsonProperty("time_to_first_token_ms") Long timeToFirstTokenMs,
                       @JsonProperty("tokens") Tokens tokens,
                       @JsonProperty("input_tokens") long inputTokens,
                       @JsonProperty("output_tokens") long outputTokens,
                       @JsonProperty("cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal cost,
                       @JsonProperty("cost_micros") @JsonSerialize(using = PlainDecimal.class) BigDecimal costMicros,
                       @JsonProperty("cost_source") String costSource,
                       @JsonProperty("cost_reason") String costReason,
                       @JsonProperty("provided_cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal providedCost,
                       @JsonProperty("computed_cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal computedCost,
                       @JsonProperty("input") JsonNode input,
                       @JsonProperty("output") JsonNode output,
                       @JsonProperty("metadata") JsonNode metadata,
                       @JsonProperty("subtree_tokens") Tokens subtreeTokens,
                       @JsonProperty("subtree_cost") @JsonSerialize(using = PlainDecimal.class) BigDecimal subtreeCost,
                       @JsonProperty("children") List<SpanNode> children) {
}
