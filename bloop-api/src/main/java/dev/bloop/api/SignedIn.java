package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of a finished passkey ceremony (register, invite, login), with the {@code bloop_session}
 * cookie set: the user, the session's CSRF token (send it as {@code X-CSRF-Token} on changes without an
 * allowed Origin) and when the session expires (epoch ms).
 */
public record SignedIn(@JsonProperty("status") String status,
                       @JsonProperty("user") UserInfo user,
                       @JsonProperty("csrf_token") String csrfToken,
                       @JsonProperty("expires_at") long expiresAt) {
}
