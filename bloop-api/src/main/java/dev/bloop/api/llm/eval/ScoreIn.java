package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code POST /v1/llm/traces/{id}/scores}: a score of the trace, or of one of its spans with {@code span_id}.
 * Numeric ({@code value} from 0 to 1) or categorical ({@code category}), exactly one of them.
 *
 * @param source {@code api} (the default), {@code user} or {@code auto} (an automatic evaluator)
 */
public record ScoreIn(@JsonProperty("name") String name,
                      @JsonProperty("value") Double value,
                      @JsonProperty("category") String category,
                      @JsonProperty("source") String source,
                      @JsonProperty("comment") String comment,
                      @JsonProperty("span_id") String spanId) {
}
