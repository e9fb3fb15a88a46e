package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A dashboard user. {@code created_at} is epoch ms. */
public record UserInfo(@JsonProperty("id") String id,
                       @JsonProperty("username") String username,
                       @JsonProperty("is_admin") boolean admin,
                       @JsonProperty("created_at") long createdAt) {
}
