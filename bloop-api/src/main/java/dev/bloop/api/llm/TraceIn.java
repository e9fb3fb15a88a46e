package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One trace as an SDK sends it to {@code POST /v1/traces} (or inside {@code {"traces": [...]}}).
 * Everything but the spans' usage is optional; a field sent as {@code null} counts as absent.
 *
 * @param status    {@code running}, {@code completed} (default) or {@code error}
 * @param input     the prompt or request: any JSON value (stored only under content storage {@code full})
 * @param metadata  a JSON object (dropped under content storage {@code none})
 * @param startedAt epoch ms (seconds accepted below 1e11); default: when bloop received it
 * @param promptName    the prompt this trace ran (its name in the app's prompt registry), for per-version figures
 * @param promptVersion that prompt's version, as the app numbers or names it: a whole number ({@code 7}) or a string
 *                      ({@code "2026-11-v2"}), kept as text
 * @param experiment    the A/B experiment this trace belongs to, with the {@code variant} it was assigned
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TraceIn(@JsonProperty("id") String id,
                      @JsonProperty("session_id") String sessionId,
                      @JsonProperty("user_id") String userId,
                      @JsonProperty("name") String name,
                      @JsonProperty("status") String status,
                      @JsonProperty("input") JsonNode input,
                      @JsonProperty("output") JsonNode output,
                      @JsonProperty("metadata") JsonNode metadata,
                      @JsonProperty("started_at") Long startedAt,
                      @JsonProperty("ended_at") Long endedAt,
                      @JsonProperty("spans") List<SpanIn> spans,
                      @JsonProperty("prompt_name") String promptName,
                      @JsonProperty("prompt_version") JsonNode promptVersion,
                      @JsonProperty("experiment") String experiment,
                      @JsonProperty("variant") String variant) {
}
