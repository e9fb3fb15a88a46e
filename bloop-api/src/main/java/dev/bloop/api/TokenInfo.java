package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An API token as listed ({@code GET /v1/tokens}): never the token itself, only its first characters.
 * {@code token} is set once, in the answer of {@code POST /v1/tokens}. Times are epoch ms; null
 * {@code expires_at} means never.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TokenInfo(@JsonProperty("id") String id,
                        @JsonProperty("name") String name,
                        @JsonProperty("token_prefix") String tokenPrefix,
                        @JsonProperty("project_id") String projectId,
                        @JsonProperty("scopes") List<String> scopes,
                        @JsonProperty("created_by") String createdBy,
                        @JsonProperty("created_at") long createdAt,
                        @JsonProperty("expires_at") Long expiresAt,
                        @JsonProperty("last_used_at") Long lastUsedAt,
                        @JsonProperty("revoked_at") Long revokedAt,
                        @JsonProperty("token") @JsonInclude(JsonInclude.Include.NON_NULL) String token) {
}
