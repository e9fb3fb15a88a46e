package dev.bloop.service.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.access.Scope;
import dev.bloop.service.access.Secrets;
import dev.bloop.service.store.TestDatabase;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TokenServiceTest {
    @RegisterExtension
    final TestDatabase test = new TestDatabase();
    private final java.util.List<TokenService> services = new java.util.ArrayList<>();

    private TokenService service() {
        TokenService s = new TokenService(test.db());
        services.add(s);
        return s;
    }

    @org.junit.jupiter.api.AfterEach
    void stopServices() throws InterruptedException {
        for (TokenService s : services) {
            s.stop();
        }
    }

    @Test
    void tokensHaveTheDocumentedShapeAndOnlyTheirHashIsStored() {
        TokenService tokens = service();
        TokenService.Created created = tokens.create("ci", "default", Set.of(Scope.ERRORS_READ), null, "test");
        assertThat(created.token()).startsWith("bloop_tk_").hasSize(52).matches("bloop_tk_[A-Za-z0-9_-]{43}");
        assertThat(created.stored().prefix()).isEqualTo(created.token().substring(0, 16));
        assertThat(test.count("SELECT count(*) FROM api_tokens WHERE token_hash = ?", Secrets.sha256(created.token())))
                .isEqualTo(1);
        assertThat(test.count("SELECT count(*) FROM api_tokens WHERE token_hash = ? OR token_prefix = ?",
                created.token(), created.token())).isZero();
    }

    @Test
    void revocationTakesEffectAtOnceDespiteTheCache() {
        TokenService tokens = service();
        TokenService.Created created = tokens.create("ci", "default", Set.of(Scope.ERRORS_READ), null, "test");
        assertThat(tokens.authenticate(created.token())).isPresent(); // now cached
        assertThat(tokens.revoke(created.stored().id())).isTrue();
        assertThat(tokens.authenticate(created.token())).isEmpty();
        assertThat(tokens.revoke(created.stored().id())).isFalse();
    }

    @Test
    void aTokenLookedUpBeforeItExistedWorksAsSoonAsItIsCreated() {
        TokenService tokens = service();
        assertThat(tokens.authenticate("bloop_tk_unknown")).isEmpty();
        TokenService.Created created = tokens.create("ci", "default", Set.of(Scope.ERRORS_READ), 1, "test");
        assertThat(tokens.authenticate(created.token())).isPresent();
    }

    @Test
    void expiredTokensAreRefusedEvenWhenCached() {
        TokenService tokens = service();
        TokenService.Created created = tokens.create("ci", "default", Set.of(Scope.ERRORS_READ), 1, "test");
        assertThat(tokens.authenticate(created.token())).isPresent();
        test.write(h -> h.execute("UPDATE api_tokens SET expires_at = 1"));
        // The cached copy still says "tomorrow": a fresh service reads the past expiry.
        assertThat(service().authenticate(created.token())).isEmpty();
        ApiToken expired = new ApiToken("id", "n", "p", "default", Set.of(), null, 0, 1000L, null, null);
        assertThat(expired.usableAt(999)).isTrue();
        assertThat(expired.usableAt(1000)).isFalse();
    }

    @Test
    void lastUseIsRecordedOffTheRequestPath() throws InterruptedException {
        TokenService tokens = service();
        TokenService.Created created = tokens.create("ci", "default", Set.of(Scope.ERRORS_READ), null, "test");
        tokens.authenticate(created.token());
        long deadline = System.currentTimeMillis() + 5000;
        while (test.count("SELECT count(*) FROM api_tokens WHERE last_used_at IS NOT NULL") == 0) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void malformedTokensNeverReachTheDatabase() {
        TokenService tokens = service();
        assertThat(tokens.authenticate(null)).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(tokens.authenticate("Bearer x")).isEmpty();
        assertThat(tokens.authenticate("bloop_tk_" + "a".repeat(500))).isEmpty();
    }
}
