package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a rule notifies: {@code {"type":"slack","webhook_url":...}}, {@code {"type":"webhook","url":...,
 * "secret":...?}} or {@code {"type":"email","to":"a@x, b@y"}}. A webhook secret is never shown back;
 * {@code config.has_secret} says whether one is set.
 */
public record AlertChannel(@JsonProperty("id") long id,
                           @JsonProperty("rule_id") long ruleId,
                           @JsonProperty("type") String type,
                           @JsonProperty("config") JsonNode config,
                           @JsonProperty("created_at") long createdAt) {
}
