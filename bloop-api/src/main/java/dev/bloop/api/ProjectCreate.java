package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /v1/projects}: a new project; its creator becomes a member. The slug never changes. */
public record ProjectCreate(
        @JsonProperty("name")
        @NotBlank(message = "name is required")
        @Size(max = 100, message = "name must be at most 100 characters") String name,
        @JsonProperty("slug")
        @NotEmpty(message = "slug is required")
        @Pattern(regexp = "[a-z0-9-]{1,64}", message = "slug must be 1-64 characters of a-z, 0-9 and -") String slug) {
}
