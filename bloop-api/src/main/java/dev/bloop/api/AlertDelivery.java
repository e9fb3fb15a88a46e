package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One notification sent (or not) through one channel: {@code status} is pending, sent or failed. */
public record AlertDelivery(@JsonProperty("id") long id,
                            @JsonProperty("rule_id") long ruleId,
                            @JsonProperty("channel_id") Long channelId,
                            @JsonProperty("channel_type") String channelType,
                            @JsonProperty("target") String target,
                            @JsonProperty("fingerprint") String fingerprint,
                            @JsonProperty("status") String status,
                            @JsonProperty("attempts") int attempts,
                            @JsonProperty("error") String error,
                            @JsonProperty("created_at") long createdAt,
                            @JsonProperty("completed_at") Long completedAt) {
}
