package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * {@code POST /v1/tokens}: a token for one project ({@code project_id}: id or slug; default the
 * session's project) with these scopes ({@code errors:read}, {@code errors:write}, {@code alerts:read},
 * {@code alerts:write}, {@code sourcemaps:read}, {@code sourcemaps:write}, {@code llm:read},
 * {@code llm:write}), expiring after {@code expires_in_days} (never when absent).
 */
public record TokenCreate(
        @JsonProperty("name")
        @NotBlank(message = "name must be 1-100 characters")
        @Size(max = 100, message = "name must be 1-100 characters") String name,
        @JsonProperty("project_id") String projectId,
        @JsonProperty("scopes")
        @NotEmpty(message = "scopes must be a non-empty list, e.g. [\"errors:read\"]") List<String> scopes,
        @JsonProperty("expires_in_days")
        @Min(value = 1, message = "expires_in_days must be a whole number from 1 to 3650")
        @Max(value = 3650, message = "expires_in_days must be a whole number from 1 to 3650") Integer expiresInDays) {
}
