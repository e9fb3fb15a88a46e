package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;

/** {@code PUT /v1/admin/users/{id}/role}: make the user an admin, or not (never yourself). */
public record RoleChange(@JsonProperty("is_admin")
                         @NotNull(message = "request body must be {\"is_admin\": true|false}") Boolean admin) {

    /** The answer: {@code {"status": "ok", "user_id", "is_admin"}}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Changed(@JsonProperty("status") String status,
                          @JsonProperty("user_id") String userId,
                          @JsonProperty("is_admin") boolean admin) {
    }
}
