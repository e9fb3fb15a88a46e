package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A project as listed by {@code GET /v1/projects}. Times are epoch ms; {@code created_by} is a user id or null. */
public record ProjectSummary(@JsonProperty("id") String id,
                             @JsonProperty("slug") String slug,
                             @JsonProperty("name") String name,
                             @JsonProperty("created_at") long createdAt,
                             @JsonProperty("created_by") String createdBy) {
}
