package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;

/**
 * One LangSmith run ({@code RunCreate} of LangSmith's {@code runs/batch}), as bloop exports a trace
 * (a root {@code chain} run) or a span (a child run). Absent fields are left out, as LangSmith's
 * types make them optional rather than nullable.
 *
 * @param id          a UUIDv5 of the project and the bloop trace (and span) id: the same on every export
 * @param traceId     the root run's id
 * @param dottedOrder {@code <start %Y%m%dT%H%M%S%fZ><run id>} of each run from the root down, joined with dots
 * @param inputs      the prompt, only when the project keeps content; otherwise empty
 * @param outputs     the completion (when kept) and {@code usage_metadata} of {@code llm} runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LangSmithRun(@JsonProperty("id") String id,
                           @JsonProperty("trace_id") String traceId,
                           @JsonProperty("parent_run_id") String parentRunId,
                           @JsonProperty("dotted_order") String dottedOrder,
                           @JsonProperty("name") String name,
                           @JsonProperty("run_type") String runType,
                           @JsonProperty("start_time") String startTime,
                           @JsonProperty("end_time") String endTime,
                           @JsonProperty("error") String error,
                           @JsonProperty("inputs") JsonNode inputs,
                           @JsonProperty("outputs") JsonNode outputs,
                           @JsonProperty("extra") Extra extra,
                           @JsonProperty("events") List<Event> events,
                           @JsonProperty("tags") List<String> tags) {

    /** {@code extra}: LangSmith reads {@code metadata}. */
    public record Extra(@JsonProperty("metadata") Metadata metadata) {
    }

    /**
     * {@code extra.metadata}: LangSmith's reserved {@code ls_*} keys, the session as
     * {@code session_id} (LangSmith groups such runs into a thread), and bloop's own figures.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metadata(@JsonProperty("ls_provider") String lsProvider,
                           @JsonProperty("ls_model_name") String lsModelName,
                           @JsonProperty("ls_model_type") String lsModelType,
                           @JsonProperty("session_id") String sessionId,
                           @JsonProperty("user_id") String userId,
                           @JsonProperty("bloop_trace_id") String bloopTraceId,
                           @JsonProperty("bloop_span_id") String bloopSpanId,
                           @JsonProperty("bloop_cost_usd") BigDecimal bloopCostUsd,
                           @JsonProperty("bloop_ttft_ms") Long bloopTtftMs,
                           @JsonProperty("bloop_latency_ms") Long bloopLatencyMs,
                           @JsonProperty("bloop_metadata") JsonNode bloopMetadata,
                           @JsonProperty("prompt_name") String promptName,
                           @JsonProperty("prompt_version") String promptVersion,
                           @JsonProperty("experiment") String experiment,
                           @JsonProperty("variant") String variant) {
    }

    /** A stream event: {@code new_token} at the first token carries time to first token. */
    public record Event(@JsonProperty("name") String name, @JsonProperty("time") String time) {
    }

    /**
     * LangSmith's {@code UsageMetadata}: {@code input_tokens} counts every input token, cache reads
     * and writes included; the details split it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Usage(@JsonProperty("input_tokens") long inputTokens,
                        @JsonProperty("output_tokens") long outputTokens,
                        @JsonProperty("total_tokens") long totalTokens,
                        @JsonProperty("input_token_details") InputDetails inputTokenDetails,
                        @JsonProperty("output_token_details") OutputDetails outputTokenDetails,
                        @JsonProperty("total_cost") BigDecimal totalCost) {
    }

    public record InputDetails(@JsonProperty("cache_read") long cacheRead,
                               @JsonProperty("cache_creation") long cacheCreation,
                               @JsonProperty("ephemeral_5m_input_tokens") long ephemeral5m,
                               @JsonProperty("ephemeral_1h_input_tokens") long ephemeral1h) {
    }

    public record OutputDetails(@JsonProperty("reasoning") long reasoning) {
    }
}
