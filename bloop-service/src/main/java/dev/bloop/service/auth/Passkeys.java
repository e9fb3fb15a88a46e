package dev.bloop.service.auth;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import dev.bloop.api.Passkeys.AuthenticatorSelection;
import dev.bloop.api.Passkeys.CreationOptions;
import dev.bloop.api.Passkeys.CredentialDescriptor;
import dev.bloop.api.Passkeys.CredentialParameters;
import dev.bloop.api.Passkeys.RequestOptions;
import dev.bloop.api.Passkeys.UserEntity;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The two WebAuthn ceremonies, verified by webauthn4j: challenge, origin, relying-party id hash, user
 * presence, signature, and the sign counter (a counter that does not move forward is refused, as a
 * sign of a cloned authenticator). Options are produced in the JSON form browsers accept through
 * {@code PublicKeyCredential.parseCreationOptionsFromJSON} (base64url binary fields).
 */
public final class Passkeys {
    static final long TIMEOUT_MS = 120_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** Why a ceremony was refused, in words fit for the person at the browser. */
    public static final class CeremonyFailed extends Exception {
        private static final long serialVersionUID = 1L;

        CeremonyFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA));

    private final RelyingParty rp;
    private final WebAuthnManager manager;
    private final AttestedCredentialDataConverter attestedConverter;

    public Passkeys(RelyingParty rp) {
        this.rp = rp;
        ObjectConverter converter = new ObjectConverter();
        this.manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);
        this.attestedConverter = new AttestedCredentialDataConverter(converter);
    }

    static byte[] newChallenge() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Creation options for a new discoverable passkey of this user. */
    CreationOptions creationOptions(byte[] challenge, String userHandle, String username, List<String> exclude) {
        return new CreationOptions(new dev.bloop.api.Passkeys.RelyingParty(rp.id(), rp.name()),
                new UserEntity(userHandle, username, username), B64.encodeToString(challenge),
                List.of(CredentialParameters.publicKey(-7), CredentialParameters.publicKey(-257),
                        CredentialParameters.publicKey(-8)),
                TIMEOUT_MS, "none", new AuthenticatorSelection("required", true, "preferred"), descriptors(exclude));
    }

    /** Request options; an empty allow-list lets the browser offer any passkey of this site. */
    RequestOptions requestOptions(byte[] challenge, List<String> allow) {
        return new RequestOptions(B64.encodeToString(challenge), rp.id(), TIMEOUT_MS, "preferred", descriptors(allow));
    }

    /** Verifies a registration response (the browser credential's JSON) and returns what to store. */
    StoredPasskey verifyRegistration(String credentialJson, byte[] challenge, String userId) throws CeremonyFailed {
        RegistrationData data;
        try {
            data = manager.parseRegistrationResponseJSON(credentialJson);
            manager.verify(data, new RegistrationParameters(serverProperty(challenge), ALGORITHMS, false, true));
        } catch (RuntimeException e) {
            throw new CeremonyFailed("registration failed: " + reason(e), e);
        }
        AuthenticatorData<?> auth = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData attested = auth.getAttestedCredentialData();
        Set<AuthenticatorTransport> transports = data.getTransports();
        String transportList = transports == null || transports.isEmpty() ? null
                : transports.stream().map(AuthenticatorTransport::getValue).sorted().collect(Collectors.joining(","));
        return new StoredPasskey(B64.encodeToString(attested.getCredentialId()), userId,
                attestedConverter.convert(attested), auth.getSignCount(), auth.isFlagUV(), auth.isFlagBE(),
                auth.isFlagBS(), transportList);
    }

    /** The outcome of a verified login: which passkey, and its new counter. */
    record Login(StoredPasskey passkey, long signCount, boolean backupState) {
    }

    /**
     * Verifies an authentication response against the stored passkey it names. When the browser
     * returns a user handle it must belong to the passkey's owner.
     */
    Login verifyLogin(String credentialJson, byte[] challenge, Function<String, Optional<StoredPasskey>> lookup,
                      Function<String, Optional<String>> userHandleOf) throws CeremonyFailed {
        AuthenticationData data;
        try {
            data = manager.parseAuthenticationResponseJSON(credentialJson);
        } catch (RuntimeException e) {
            throw new CeremonyFailed("authentication failed: " + reason(e), e);
        }
        String credentialId = B64.encodeToString(data.getCredentialId());
        StoredPasskey stored = lookup.apply(credentialId)
                .orElseThrow(() -> new CeremonyFailed("authentication failed: unknown passkey", null));
        if (data.getUserHandle() != null && data.getUserHandle().length > 0) {
            String handle = B64.encodeToString(data.getUserHandle());
            if (!userHandleOf.apply(stored.userId()).map(handle::equals).orElse(false)) {
                throw new CeremonyFailed("authentication failed: passkey does not belong to this user", null);
            }
        }
        AttestedCredentialData attested = attestedConverter.convert(stored.attestedData());
        CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(),
                stored.uvInitialized(), stored.backupEligible(), stored.backupState(), stored.signCount(), attested,
                null, null, null, null);
        try {
            manager.verify(data, new AuthenticationParameters(serverProperty(challenge), record,
                    List.of(attested.getCredentialId()), false, true));
        } catch (RuntimeException e) {
            throw new CeremonyFailed("authentication failed: " + reason(e), e);
        }
        AuthenticatorData<?> auth = data.getAuthenticatorData();
        return new Login(stored, auth.getSignCount(), auth.isFlagBS());
    }

    static String newUserHandle() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    private ServerProperty serverProperty(byte[] challenge) {
        return new ServerProperty(rp.webauthnOrigins(), rp.id(), new DefaultChallenge(challenge));
    }

    private static List<CredentialDescriptor> descriptors(List<String> ids) {
        return ids.stream().map(CredentialDescriptor::publicKey).toList();
    }

    /** webauthn4j's exception names say what failed (BadChallenge, BadOrigin, MaliciousCounterValue...). */
    private static String reason(RuntimeException e) {
        String name = e.getClass().getSimpleName().replace("Exception", "");
        String words = name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return words.isEmpty() ? "invalid credential" : words;
    }
}
