package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A comment on an issue: its author (user or token name), plain-text body and time (epoch ms). */
public record Comment(@JsonProperty("id") long id,
                      @JsonProperty("fingerprint") String fingerprint,
                      @JsonProperty("author") String author,
                      @JsonProperty("body") String body,
                      @JsonProperty("created_at") long createdAt) {
}
