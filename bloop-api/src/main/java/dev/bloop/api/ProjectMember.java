package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;

/** A member of a project ({@code GET /v1/projects/{slug}/members}): the user and since when (epoch ms). */
public record ProjectMember(@JsonProperty("user_id") String userId,
                            @JsonProperty("username") String username,
                            @JsonProperty("is_admin") boolean admin,
                            @JsonProperty("added_at") long addedAt) {

    /** {@code POST /v1/projects/{slug}/members}: the user to add. */
    public record Add(@JsonProperty("user_id") @NotEmpty(message = "user_id is required") String userId) {
    }
}
