package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a rule notifies ({@code config}); a webhook secret is never shown back. */
public record AlertChannel(@JsonProperty("id") long id,
                           @JsonProperty("rule_id") long ruleId,
                           @JsonProperty("type") String type,
                           @JsonProperty("config") AlertChannelConfig config,
                           @JsonProperty("created_at") long createdAt) {
}
