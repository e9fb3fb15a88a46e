package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code DELETE /v1/alerts/{id}} and {@code .../channels/{cid}}: the id of the rule or channel deleted. */
public record AlertDeleted(@JsonProperty("deleted") long deleted) {
}
