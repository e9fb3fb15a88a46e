package dev.bloop.service.access;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A dashboard user. Times are epoch ms. */
public record User(@JsonProperty("id") String id,
                   @JsonProperty("username") String username,
                   @JsonIgnore String userHandle,
                   @JsonProperty("is_admin") boolean admin,
                   @JsonProperty("created_at") long createdAt) {
}
