package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /v1/llm/feedback/summary}: the votes given in the window. {@code positive_rate} is a share
 * (0..1, null without votes) with its 95% Wilson score interval, which stays inside 0..1 and is honest
 * about few votes.
 */
public record FeedbackSummary(@JsonProperty("hours") int hours,
                              @JsonProperty("total") long total,
                              @JsonProperty("positive") long positive,
                              @JsonProperty("negative") long negative,
                              @JsonProperty("positive_rate") Double positiveRate,
                              @JsonProperty("ci_low") Double ciLow,
                              @JsonProperty("ci_high") Double ciHigh) {
}
