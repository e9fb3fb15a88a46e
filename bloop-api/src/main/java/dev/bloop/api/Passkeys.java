package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotNull;

/** The bodies of the passkey ceremonies under {@code /auth}: a start, then a finish with the browser's answer. */
public final class Passkeys {
    private Passkeys() {
    }

    /**
     * {@code POST /auth/register/start}: the first admin, with the one-time setup code from the server's
     * log ({@code code} is accepted too, or the {@code X-Setup-Code} header).
     */
    public record RegisterStart(@JsonProperty("username") String username,
                                @JsonProperty("setup_code") @JsonAlias("code") String setupCode) {
    }

    /** {@code POST /auth/invite/register/start}: a new user with an admin's invite. */
    public record InviteStart(@JsonProperty("username") String username,
                              @JsonProperty("invite_token") String inviteToken) {
    }

    /** {@code POST /auth/login/start}: optionally a username (otherwise any passkey of this site). */
    public record LoginStart(@JsonProperty("username") String username) {
    }

    /**
     * What a start answers: the id to finish with, and the WebAuthn options for
     * {@code navigator.credentials.create/get} (W3C PublicKeyCredentialCreationOptions or
     * RequestOptions, binary fields base64url).
     */
    public record Challenge(@JsonProperty("challenge_id") String challengeId,
                            @JsonProperty("publicKey") JsonNode publicKey) {
    }

    /** A finish: the challenge id and the browser's PublicKeyCredential (as JSON, or a JSON string). */
    public record Finish(@JsonProperty("challenge_id") String challengeId,
                         @JsonProperty("credential")
                         @NotNull(message = "credential is required: the PublicKeyCredential as JSON")
                         JsonNode credential) {
    }
}
