package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotNull;
import java.util.List;

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
     * What a register start (first admin or invite) answers: the id to finish with, and the options
     * for {@code navigator.credentials.create({publicKey})}.
     */
    public record RegistrationChallenge(@JsonProperty("challenge_id") String challengeId,
                                        @JsonProperty("publicKey") CreationOptions publicKey) {
    }

    /** What a login start answers: the id to finish with, and the options for {@code navigator.credentials.get}. */
    public record LoginChallenge(@JsonProperty("challenge_id") String challengeId,
                                 @JsonProperty("publicKey") RequestOptions publicKey) {
    }

    /*
     * The WebAuthn options keep the W3C names (camelCase), since the browser takes them as they are;
     * binary fields (challenge, user id, credential ids) are base64url without padding.
     */

    /** W3C PublicKeyCredentialCreationOptions: a new discoverable passkey for {@code user} at {@code rp}. */
    public record CreationOptions(@JsonProperty("rp") RelyingParty rp,
                                  @JsonProperty("user") UserEntity user,
                                  @JsonProperty("challenge") String challenge,
                                  @JsonProperty("pubKeyCredParams") List<CredentialParameters> pubKeyCredParams,
                                  @JsonProperty("timeout") long timeout,
                                  @JsonProperty("attestation") String attestation,
                                  @JsonProperty("authenticatorSelection") AuthenticatorSelection authenticatorSelection,
                                  @JsonProperty("excludeCredentials") List<CredentialDescriptor> excludeCredentials) {
    }

    /** W3C PublicKeyCredentialRequestOptions; an empty {@code allowCredentials} offers any passkey of the site. */
    public record RequestOptions(@JsonProperty("challenge") String challenge,
                                 @JsonProperty("rpId") String rpId,
                                 @JsonProperty("timeout") long timeout,
                                 @JsonProperty("userVerification") String userVerification,
                                 @JsonProperty("allowCredentials") List<CredentialDescriptor> allowCredentials) {
    }

    public record RelyingParty(@JsonProperty("id") String id, @JsonProperty("name") String name) {
    }

    /** {@code id}: the user handle (base64url), stored with the user, never their bloop id. */
    public record UserEntity(@JsonProperty("id") String id, @JsonProperty("name") String name,
                             @JsonProperty("displayName") String displayName) {
    }

    /** A signature algorithm the server accepts, by COSE number (-7 ES256, -257 RS256, -8 EdDSA). */
    public record CredentialParameters(@JsonProperty("type") String type, @JsonProperty("alg") int alg) {
        public static CredentialParameters publicKey(int alg) {
            return new CredentialParameters("public-key", alg);
        }
    }

    public record AuthenticatorSelection(@JsonProperty("residentKey") String residentKey,
                                         @JsonProperty("requireResidentKey") boolean requireResidentKey,
                                         @JsonProperty("userVerification") String userVerification) {
    }

    /** A passkey by its credential id (base64url). */
    public record CredentialDescriptor(@JsonProperty("type") String type, @JsonProperty("id") String id) {
        public static CredentialDescriptor publicKey(String id) {
            return new CredentialDescriptor("public-key", id);
        }
    }

    /** A finish: the challenge id and the browser's PublicKeyCredential (as JSON, or a JSON string). */
    public record Finish(@JsonProperty("challenge_id") String challengeId,
                         @JsonProperty("credential")
                         @NotNull(message = "credential is required: the PublicKeyCredential as JSON")
                         JsonNode credential) {
    }
}
