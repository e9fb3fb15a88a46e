package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code DELETE /v1/tokens/{id}}: the token stops working at once. */
public record Revoked(@JsonProperty("revoked") String revoked) {
}
