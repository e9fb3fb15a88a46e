package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /v1/errors/{fingerprint}/comments}: plain text (markdown is shown as written, never as HTML). */
public record CommentCreate(
        @JsonProperty("body")
        @NotBlank(message = "body is required")
        @Size(max = 10_000, message = "body must be at most 10000 characters") String body) {
}
