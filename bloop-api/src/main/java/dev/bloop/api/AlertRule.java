package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An alert rule. {@code config.type} is {@code new_issue}, {@code regression}, {@code threshold}
 * ({@code threshold, window_secs, fingerprint?, route?}) or {@code spike}
 * ({@code multiplier, compare_window_secs, baseline_window_secs, min_events}). Times are epoch ms.
 */
public record AlertRule(@JsonProperty("id") long id,
                        @JsonProperty("name") String name,
                        @JsonProperty("description") String description,
                        @JsonProperty("project_id") String projectId,
                        @JsonProperty("enabled") boolean enabled,
                        @JsonProperty("cooldown_secs") long cooldownSecs,
                        @JsonProperty("environment_filter") String environmentFilter,
                        @JsonProperty("source_filter") String sourceFilter,
                        @JsonProperty("config") JsonNode config,
                        @JsonProperty("created_at") long createdAt,
                        @JsonProperty("updated_at") long updatedAt) {
}
