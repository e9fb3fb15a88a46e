package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * One span of a trace: a model call ({@code generation}), a {@code tool} call, a {@code retrieval}
 * or any other step ({@code custom}).
 *
 * <p>Tokens: {@code input_tokens} counts every input token, cache reads and writes included (OpenAI's
 * {@code prompt_tokens}, OpenTelemetry's {@code gen_ai.usage.input_tokens}); {@code output_tokens}
 * counts every output token, reasoning included. The cache and reasoning fields say how many of those
 * were of that kind. {@code input_uncached_tokens} may be sent instead of (or besides)
 * {@code input_tokens}: it is Anthropic's {@code input_tokens}, which leaves the cache out.
 *
 * @param cost dollars, as the client computed it; kept beside bloop's own figure from the price table
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SpanIn(@JsonProperty("id") String id,
                     @JsonProperty("parent_span_id") String parentSpanId,
                     @JsonProperty("span_type") String spanType,
                     @JsonProperty("name") String name,
                     @JsonProperty("model") String model,
                     @JsonProperty("provider") String provider,
                     @JsonProperty("input_tokens") Long inputTokens,
                     @JsonProperty("output_tokens") Long outputTokens,
                     @JsonProperty("input_uncached_tokens") Long inputUncachedTokens,
                     @JsonProperty("cache_read_tokens") Long cacheReadTokens,
                     @JsonProperty("cache_write_tokens") Long cacheWriteTokens,
                     @JsonProperty("cache_write_1h_tokens") Long cacheWrite1hTokens,
                     @JsonProperty("reasoning_tokens") Long reasoningTokens,
                     @JsonProperty("cost") BigDecimal cost,
                     @JsonProperty("latency_ms") Long latencyMs,
                     @JsonProperty("time_to_first_token_ms") Long timeToFirstTokenMs,
                     @JsonProperty("status") String status,
                     @JsonProperty("error_message") String errorMessage,
                     @JsonProperty("input") JsonNode input,
                     @JsonProperty("output") JsonNode output,
                     @JsonProperty("metadata") JsonNode metadata,
                     @JsonProperty("started_at") Long startedAt,
                     @JsonProperty("ended_at") Long endedAt) {

    /** A generation with the seed's simple usage: model, provider, input and output tokens. */
    public static SpanIn generation(String id, String model, String provider, long inputTokens, long outputTokens) {
        return new SpanIn(id, null, "generation", null, model, provider, inputTokens, outputTokens, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
