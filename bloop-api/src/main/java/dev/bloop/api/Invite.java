package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An invite as listed ({@code GET /v1/admin/invites}): never its token. Times are epoch ms;
 * {@code used_at}/{@code used_by} are null until someone joined with it.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Invite(@JsonProperty("id") String id,
                     @JsonProperty("token_prefix") String tokenPrefix,
                     @JsonProperty("project_id") String projectId,
                     @JsonProperty("is_admin") boolean admin,
                     @JsonProperty("created_by") String createdBy,
                     @JsonProperty("created_at") long createdAt,
                     @JsonProperty("expires_at") long expiresAt,
                     @JsonProperty("used_at") Long usedAt,
                     @JsonProperty("used_by") String usedBy,
                     @JsonProperty("used") boolean used) {

    /** {@code POST /v1/admin/invites} (body optional): the project the new user joins, and whether they are an admin. */
    public record Create(@JsonProperty("project_id") String projectId, @JsonProperty("is_admin") Boolean admin) {
    }

    /** A new invite: its token and the sign-up link, shown only here (only a hash is kept). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Created(@JsonProperty("id") String id,
                          @JsonProperty("token") String token,
                          @JsonProperty("url") String url,
                          @JsonProperty("project_id") String projectId,
                          @JsonProperty("is_admin") boolean admin,
                          @JsonProperty("created_at") long createdAt,
                          @JsonProperty("expires_at") long expiresAt) {
    }
}
