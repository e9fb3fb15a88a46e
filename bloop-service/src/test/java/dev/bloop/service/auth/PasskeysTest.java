package dev.bloop.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ceremonies as webauthn4j verifies them, fed by a software authenticator. */
class PasskeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN = "http://localhost:5332";
    private static final String HANDLE = Passkeys.newUserHandle();
    private Passkeys passkeys;

    @BeforeEach
    void setUp() {
        AuthConfig config = new AuthConfig();
        RelyingParty rp = new RelyingParty(config);
        rp.serverStarted(5332);
        passkeys = new Passkeys(rp);
    }

    @Test
    void registrationStoresThePublicKeyAndCounter() throws Exception {
        SoftPasskey key = new SoftPasskey(ORIGIN).counter(7);
        StoredPasskey stored = register(key);
        assertThat(stored.credentialId()).isEqualTo(key.credentialId());
        assertThat(stored.userId()).isEqualTo("user-1");
        assertThat(stored.signCount()).isEqualTo(7);
        assertThat(stored.attestedData()).isNotEmpty();
    }

    @Test
    void registrationFromAnotherOriginIsRefused() {
        SoftPasskey key = new SoftPasskey("https://evil.example");
        assertThatThrownBy(() -> register(key)).isInstanceOf(Passkeys.CeremonyFailed.class)
                .hasMessageContaining("origin");
    }

    @Test
    void registrationForAnotherRelyingPartyIsRefused() {
        SoftPasskey key = new SoftPasskey(ORIGIN).rpId("evil.example");
        assertThatThrownBy(() -> register(key)).isInstanceOf(Passkeys.CeremonyFailed.class)
                .hasMessageContaining("rp id");
    }

    @Test
    void registrationAnsweringAnotherChallengeIsRefused() {
        SoftPasskey key = new SoftPasskey(ORIGIN);
        var options = passkeys.creationOptions(Passkeys.newChallenge(), Passkeys.newUserHandle(), "ann", List.of());
        String credential = json(key.create(map(options)));
        assertThatThrownBy(() -> passkeys.verifyRegistration(credential, Passkeys.newChallenge(), "user-1"))
                .isInstanceOf(Passkeys.CeremonyFailed.class).hasMessageContaining("challenge");
    }

    @Test
    void loginVerifiesTheSignatureAndMovesTheCounter() throws Exception {
        SoftPasskey key = new SoftPasskey(ORIGIN);
        StoredPasskey stored = register(key);
        Passkeys.Login login = login(key, stored);
        assertThat(login.passkey().credentialId()).isEqualTo(key.credentialId());
        assertThat(login.signCount()).isEqualTo(1);
    }

    @Test
    void loginWithACounterThatDidNotMoveForwardIsRefusedAsAClone() throws Exception {
        SoftPasskey key = new SoftPasskey(ORIGIN).counter(10);
        StoredPasskey stored = register(key);
        StoredPasskey seenAt20 = new StoredPasskey(stored.credentialId(), stored.userId(), stored.attestedData(), 20,
                false, null, null, null);
        assertThatThrownBy(() -> login(key, seenAt20)).isInstanceOf(Passkeys.CeremonyFailed.class)
                .hasMessageContaining("counter");
    }

    @Test
    void loginSignedByAnotherKeyIsRefused() throws Exception {
        SoftPasskey real = new SoftPasskey(ORIGIN);
        StoredPasskey stored = register(real);
        SoftPasskey impostor = new SoftPasskey(ORIGIN);
        byte[] challenge = Passkeys.newChallenge();
        Map<String, Object> answer = impostor.get(map(passkeys.requestOptions(challenge, List.of())));
        answer.put("id", real.credentialId());
        answer.put("rawId", real.credentialId());
        assertThatThrownBy(() -> passkeys.verifyLogin(json(answer), challenge, id -> Optional.of(stored),
                id -> Optional.of(HANDLE))).isInstanceOf(Passkeys.CeremonyFailed.class).hasMessageContaining("signature");
    }

    @Test
    void loginWithAPasskeyOfAnotherUserIsRefused() throws Exception {
        SoftPasskey key = new SoftPasskey(ORIGIN);
        StoredPasskey stored = register(key);
        byte[] challenge = Passkeys.newChallenge();
        String answer = json(key.get(map(passkeys.requestOptions(challenge, List.of()))));
        assertThatThrownBy(() -> passkeys.verifyLogin(answer, challenge, id -> Optional.of(stored),
                id -> Optional.of(Passkeys.newUserHandle())))
                .isInstanceOf(Passkeys.CeremonyFailed.class).hasMessageContaining("does not belong");
    }

    @Test
    void loginWithAnUnknownPasskeyIsRefused() {
        SoftPasskey key = new SoftPasskey(ORIGIN);
        byte[] challenge = Passkeys.newChallenge();
        String answer = json(key.get(map(passkeys.requestOptions(challenge, List.of()))));
        assertThatThrownBy(() -> passkeys.verifyLogin(answer, challenge, id -> Optional.empty(), id -> Optional.empty()))
                .isInstanceOf(Passkeys.CeremonyFailed.class).hasMessageContaining("unknown passkey");
    }

    @Test
    void creationOptionsAskForADiscoverablePasskeyOfThisRelyingParty() {
        Map<String, Object> o = map(passkeys.creationOptions(Passkeys.newChallenge(), "aGFuZGxl", "ann", List.of()));
        assertThat(o.get("rp")).isEqualTo(Map.of("id", "localhost", "name", "bloop"));
        assertThat(o.get("user")).isEqualTo(Map.of("id", "aGFuZGxl", "name", "ann", "displayName", "ann"));
        assertThat(o.get("attestation")).isEqualTo("none");
        assertThat(o.get("authenticatorSelection")).isEqualTo(Map.of("residentKey", "required",
                "requireResidentKey", true, "userVerification", "preferred"));
        assertThat(o.get("pubKeyCredParams").toString()).contains("alg=-7", "alg=-257", "alg=-8");
    }

    private StoredPasskey register(SoftPasskey key) throws Passkeys.CeremonyFailed {
        byte[] challenge = Passkeys.newChallenge();
        var options = passkeys.creationOptions(challenge, HANDLE, "ann", List.of());
        return passkeys.verifyRegistration(json(key.create(map(options))), challenge, "user-1");
    }

    private Passkeys.Login login(SoftPasskey key, StoredPasskey stored) throws Passkeys.CeremonyFailed {
        byte[] challenge = Passkeys.newChallenge();
        String answer = json(key.get(map(passkeys.requestOptions(challenge, List.of()))));
        return passkeys.verifyLogin(answer, challenge, id -> Optional.of(stored), id -> Optional.of(HANDLE));
    }

    /** The options as the browser reads them (their JSON). */
    private static Map<String, Object> map(Object options) {
        return JSON.convertValue(options, new TypeReference<>() {
        });
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
