package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code POST /v1/alerts/{id}/test}: one attempt through every channel of the rule (or the server's
 * default channels), now. Empty when there is nowhere to send.
 */
public record AlertTestResults(@JsonProperty("results") List<ChannelAttempt> results) {
    /** One channel's attempt: {@code status} is sent or failed, with the error when it failed. */
    public record ChannelAttempt(@JsonProperty("channel_id") Long channelId,
                         @JsonProperty("type") String type,
                         @JsonProperty("target") String target,
                         @JsonProperty("status") String status,
                         @JsonProperty("error") String error) {
    }
}
