package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code POST /v1/llm/traces/{id}/feedback} (and signed, {@code POST /v1/traces/{id}/feedback}): a user's
 * thumbs-up ({@code 1}) or thumbs-down ({@code -1}); one per user and trace, a second replaces the first.
 * Without {@code user_id} the vote is {@code anonymous}'s.
 */
public record FeedbackIn(@JsonProperty("value") Integer value,
                         @JsonProperty("user_id") String userId,
                         @JsonProperty("comment") String comment) {
}
