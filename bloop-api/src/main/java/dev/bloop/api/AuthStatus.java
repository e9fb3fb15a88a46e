package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /auth/status}: whether the first admin exists, and who is signed in (with the session's
 * CSRF token and expiry, epoch ms) when anyone is; {@code rp_id} is the WebAuthn relying party.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthStatus(@JsonProperty("setup_complete") boolean setupComplete,
                         @JsonProperty("authenticated") boolean authenticated,
                         @JsonProperty("user") UserInfo user,
                         @JsonProperty("csrf_token") String csrfToken,
                         @JsonProperty("expires_at") Long expiresAt,
                         @JsonProperty("rp_id") String rpId) {
}
