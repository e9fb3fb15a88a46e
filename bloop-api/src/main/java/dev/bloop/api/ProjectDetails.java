package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A project with its ingest credentials, for its members: {@code ingest_key} goes in
 * {@code X-Project-Key}, {@code ingest_secret} signs the events (HMAC-SHA256). Times are epoch ms.
 */
public record ProjectDetails(@JsonProperty("id") String id,
                             @JsonProperty("slug") String slug,
                             @JsonProperty("name") String name,
                             @JsonProperty("created_at") long createdAt,
                             @JsonProperty("created_by") String createdBy,
                             @JsonProperty("ingest_key") String ingestKey,
                             @JsonProperty("ingest_secret") String ingestSecret) {
}
