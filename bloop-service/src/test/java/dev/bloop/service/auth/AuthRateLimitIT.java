package dev.bloop.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sign-in calls are capped per address and minute; reading the status is not. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AuthRateLimitIT {
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__AUTH__RATE_LIMIT_PER_MINUTE", "5"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    @Test
    void theSixthSignInCallInAMinuteIsRefusedWithRetryAfter() {
        for (int i = 0; i < 5; i++) {
            assertThat(Ceremonies.start(BLOOP, "/auth/register/start", Map.of("username", "eve",
                    "setup_code", "WRONGWRONGWRONG" + i)).statusCode()).isEqualTo(403);
        }
        HttpResponse<String> refused = Ceremonies.start(BLOOP, "/auth/register/start",
                Map.of("username", "eve", "setup_code", "WRONGWRONGWRONG9"));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isBetween(1L, 60L);
        assertThat(WebSession.json(refused).get("error").asText()).contains("too many sign-in requests");
        assertThat(BLOOP.get(BLOOP.url("/auth/status")).statusCode()).as("reads are not capped").isEqualTo(200);
        assertThat(Ceremonies.start(BLOOP, "/auth/login/start", Map.of()).statusCode()).isEqualTo(429);
    }
}
