package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/llm/evaluations?trace_id=...}: the scores (of the trace itself) and vote counts of each
 * trace asked for that the project has, for a page of the trace list.
 */
public record TraceEvaluation(@JsonProperty("trace_id") String traceId,
                              @JsonProperty("scores") List<Score> scores,
                              @JsonProperty("feedback_positive") long feedbackPositive,
                              @JsonProperty("feedback_negative") long feedbackNegative) {
}
