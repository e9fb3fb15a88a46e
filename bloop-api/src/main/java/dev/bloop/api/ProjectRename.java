package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code PUT /v1/projects/{slug}}: a new name (the slug stays: it is in SDK configs and URLs). */
public record ProjectRename(
        @JsonProperty("name")
        @NotBlank(message = "name is required")
        @Size(max = 100, message = "name must be at most 100 characters") String name) {
}
