package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An alert rule: what makes it fire is its {@code config}. Times are epoch ms. */
public record AlertRule(@JsonProperty("id") long id,
                        @JsonProperty("name") String name,
                        @JsonProperty("description") String description,
                        @JsonProperty("project_id") String projectId,
                        @JsonProperty("enabled") boolean enabled,
                        @JsonProperty("cooldown_secs") long cooldownSecs,
                        @JsonProperty("environment_filter") String environmentFilter,
                        @JsonProperty("source_filter") String sourceFilter,
                        @JsonProperty("config") AlertRuleConfig config,
                        @JsonProperty("created_at") long createdAt,
                        @JsonProperty("updated_at") long updatedAt) {
}
