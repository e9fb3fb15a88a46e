package dev.bloop.service.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bloop.service.pipeline.CommitWaiter;
import dev.bloop.service.pipeline.Queued;
import java.util.List;

/**
 * A validated trace (or an update of one) on its way to the writer, already stripped to what the
 * project's content storage keeps, with its usage in buckets and the client's cost in nanodollars.
 * Serialized as it is into the spill journal and the dead-letter table.
 *
 * @param update    false: a whole trace ({@code POST}; an id that exists is replaced); true: an update
 *                  ({@code PUT}): its null fields leave the stored ones as they are; an update with a
 *                  {@code startedAt} is a part of a trace sent in parts (OTLP import), which widens the
 *                  stored trace's window instead of overwriting it
 * @param receivedAt server time when it arrived: the trace's (and its spans') place in windows
 */
record QueuedTrace(@JsonProperty("project_id") String projectId,
                   @JsonProperty("id") String id,
                   @JsonProperty("update") boolean update,
                   @JsonProperty("received_at") long receivedAt,
                   @JsonProperty("session_id") String sessionId,
                   @JsonProperty("user_id") String userId,
                   @JsonProperty("name") String name,
                   @JsonProperty("status") String status,
                   @JsonProperty("input") String input,
                   @JsonProperty("output") String output,
                   @JsonProperty("metadata") String metadata,
                   @JsonProperty("started_at") Long startedAt,
                   @JsonProperty("ended_at") Long endedAt,
                   @JsonProperty("spans") List<QueuedSpan> spans,
                   @JsonProperty("prompt_name") String promptName,
                   @JsonProperty("prompt_version") String promptVersion,
                   @JsonProperty("experiment") String experiment,
                   @JsonProperty("variant") String variant) implements Queued {

    @Override
    public CommitWaiter waiter() {
        return null;
    }

    /** One span: tokens by bucket ({@code output} includes {@code reasoning}); null content is not kept. */
    record QueuedSpan(@JsonProperty("id") String id,
                      @JsonProperty("parent_span_id") String parentSpanId,
                      @JsonProperty("span_type") String spanType,
                      @JsonProperty("name") String name,
                      @JsonProperty("model") String model,
                      @JsonProperty("provider") String provider,
                      @JsonProperty("status") String status,
                      @JsonProperty("error_message") String errorMessage,
                      @JsonProperty("started_at") long startedAt,
                      @JsonProperty("ended_at") Long endedAt,
                      @JsonProperty("latency_ms") Long latencyMs,
                      @JsonProperty("ttft_ms") Long ttftMs,
                      @JsonProperty("input_uncached") long inputUncached,
                      @JsonProperty("cache_read") long cacheRead,
                      @JsonProperty("cache_write_5m") long cacheWrite5m,
                      @JsonProperty("cache_write_1h") long cacheWrite1h,
                      @JsonProperty("output_tokens") long outputTokens,
                      @JsonProperty("reasoning_tokens") long reasoningTokens,
                      @JsonProperty("provided_cost_nanos") Long providedCostNanos,
                      @JsonProperty("input") String input,
                      @JsonProperty("output") String output,
                      @JsonProperty("metadata") String metadata) {
    }
}
